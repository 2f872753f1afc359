"""Rules about the hosts the fetcher talks to: robots.txt, private addresses, Retry-After, origins.

Split from extract/http.py so each rule tests without a network; `address_refusal` is the one coroutine
(it resolves the host name, through an injectable `Resolver`).
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from protego import Protego

# (host, port) -> the addresses the name resolves to, as text; raises OSError when it does not resolve.
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 prefixes that carry (or translate to) an IPv4 address chosen by whoever writes the address, so an
# attacker can reach a private IPv4 host through them: 6to4, Teredo, NAT64 (well-known and local-use).
_TUNNEL_PREFIXES = tuple(
    ipaddress.IPv6Network(prefix) for prefix in ("2002::/16", "2001::/32", "64:ff9b::/96", "64:ff9b:1::/48")
)
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


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


async def resolve_host(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to (the system resolver); raises OSError when it does not resolve."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def address_refusal(host: str, port: int, resolve: Resolver = resolve_host) -> str | None:
    """Why `host` must not be fetched (it is or resolves to a non-public address), or None.

    Raises OSError when the name does not resolve. An answer that is not an address at all is refused.
    """
    try:
        addresses = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        addresses = []
        for text in await resolve(host, port):
            try:
                addresses.append(ipaddress.ip_address(text.split("%")[0]))
            except ValueError:
                return f"{host} resolves to {text!r}, which is not an IP address"
    bad = sorted({str(address) for address in addresses if is_private_address(address)})
    if not bad:
        return None
    return (
        f"{host} is a private, loopback or link-local address ({', '.join(bad)}); "
        "set allow_private_addresses to fetch it"
    )


def is_private_address(address: IPAddress) -> bool:
    """True for anything that is not a public unicast address.

    IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) IPv6 addresses are judged by the IPv4
    address they embed; 6to4, Teredo and NAT64 addresses are refused outright, since they lead to an IPv4
    address of the writer's choosing (2002:7f00:1:: is 127.0.0.1 over 6to4).
    """
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in prefix for prefix in _TUNNEL_PREFIXES):
            return True
        embedded = address.ipv4_mapped
        if embedded is None and address in _IPV4_COMPATIBLE and int(address) > 1:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            address = embedded
    return not address.is_global or any(
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
