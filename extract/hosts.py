"""Rules about the hosts the fetcher talks to: robots.txt, private addresses, Retry-After, origins.

Split from extract/http.py so each rule tests without a network; `address_refusal` is the one coroutine
(it resolves the host name).
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from protego import Protego


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """What one host's robots.txt allows. No parser means no rules (allow all)."""

    parser: Protego | None = None
    # Set when robots.txt was unreachable (5xx, timeout): RFC 9309 says to stay away from the host.
    refusal: str | None = None

    def allows(self, url: str, token: str) -> bool:
        return self.refusal is None and (self.parser is None or self.parser.can_fetch(url, token))

    def crawl_delay(self, token: str) -> float | None:
        delay = self.parser.crawl_delay(token) if self.parser is not None else None
        return float(delay) if delay else None


def robots_rules(content: bytes | None, error: str | None, transient: bool) -> RobotsRules:
    """RFC 9309: a body gives rules; a 4xx (or any terminal failure) means none; 5xx or unreachable means
    the host is refused for now."""
    if error is None:
        return RobotsRules(Protego.parse((content or b"").decode("utf-8", errors="replace")))
    if transient:
        return RobotsRules(refusal=f"robots.txt unreachable ({error}): host skipped for now")
    return RobotsRules()


async def address_refusal(host: str, port: int) -> str | None:
    """Why `host` must not be fetched (it is or resolves to a non-public address), or None.

    Raises OSError when the name does not resolve.
    """
    try:
        addresses = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    bad = sorted({str(address) for address in addresses if is_private_address(address)})
    if not bad:
        return None
    return (
        f"{host} is a private, loopback or link-local address ({', '.join(bad)}); "
        "set allow_private_addresses to fetch it"
    )


def is_private_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for anything that is not a public unicast address (IPv4-mapped IPv6 judged as IPv4)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(
        (
            address.is_private,
            address.is_loopback,
            address.is_link_local,
            address.is_multicast,
            address.is_reserved,
            address.is_unspecified,
        )
    )


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from `now`: either a number of seconds or an HTTP date; None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when
    return max(0.0, (when - now).total_seconds())


def origin(url: str) -> str:
    """scheme://host[:port], lower-cased: the unit robots.txt, pacing and limits apply to."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
