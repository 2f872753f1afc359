"""Canonical URLs: one spelling per page, so the same article reached by different links matches.

Links come from pages, feeds and sitemaps anyone can write, so nothing here raises on a string: a link
that cannot be parsed (a port out of range, an unclosed IPv6 bracket, a lone surrogate) is either kept as
written (`canonical_url`) or refused with None (`absolute_url`), never an exception.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Parameters that say how a reader arrived, not which page they read.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_")
_TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "ref", "ref_src", "cmpid", "spm", "share_from"}
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.-]*):")


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters.

    Non-web URIs (file:, urn:) are returned unchanged. So is an http(s) URL that cannot be parsed (a port
    out of range, an unclosed IPv6 bracket, text that cannot be encoded): it comes back stripped of
    surrounding spaces, exactly as written, because this never raises. `web_url` says whether a URL is
    one the fetcher can ask for. IPv6 hosts keep their brackets (`http://[::1]:8080/x`).
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS:
            return text
        host = (parts.hostname or "").lower()
        port = parts.port
        query = [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if key.lower() not in _TRACKING_PARAMS and not key.lower().startswith(_TRACKING_PREFIXES)
        ]
        encoded_query = urlencode(query, doseq=True)
    except ValueError:  # includes UnicodeError
        return text
    if ":" in host:  # an IPv6 literal: the brackets are part of the URL's syntax
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    # Stripped again: whitespace before a dropped query or fragment ("/\x0c?") would end the URL, and the
    # next call strips it (a canonical URL must be its own canonical URL).
    return urlunsplit((scheme, host, parts.path or "/", encoded_query, "")).strip()


def web_url(url: str) -> bool:
    """True when `url` is an absolute http(s) URL with a host and a valid port: one worth fetching."""
    try:
        url.encode("utf-8")  # a lone surrogate can be neither sent nor stored
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError when out of range or not a number
        return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.hostname)
    except ValueError:
        return False


def absolute_url(href: str, base: str | None = None) -> str | None:
    """`href` resolved against `base` (when given), without its fragment, if it is a web URL; else None.

    None for links that are not http(s) (mailto:, javascript:, relative without a base) and for links
    that cannot be parsed (`http://[::1/x`, `http://host:99999/`); a caller counts those as skipped.
    """
    try:
        joined = urljoin(base, href.strip()) if base else href.strip()
    except ValueError:
        return None
    joined = joined.split("#", 1)[0]
    return joined if web_url(joined) else None


def broken_web_link(href: str, base: str | None = None) -> bool:
    """True when `href` is meant as a web link (an http(s) scheme, or relative to an http(s) `base`) but
    `absolute_url` cannot use it: the links worth counting as skipped, unlike mailto: or javascript:."""
    if absolute_url(href, base) is not None:
        return False
    scheme = _SCHEME.match(href) or (_SCHEME.match(base) if base else None)
    return scheme is not None and scheme.group(1).lower() in _DEFAULT_PORTS
