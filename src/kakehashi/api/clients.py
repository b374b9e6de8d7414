"""Who is the client: the peer address, or the address a trusted reverse proxy reports.

``X-Forwarded-For`` is believed only when the peer is one of the configured proxies (the
``trusted_proxies`` setting); the client is then the right-most address of the header that is not itself a
trusted proxy. Anyone else can write anything in that header, so it is ignored for them: otherwise a client
could pick a new address for each try and slip past the per-address sign-in throttle and the rate limits.
(``kakehashi serve`` also turns off uvicorn's own proxy-header handling, which trusts 127.0.0.1 by default.)
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from fastapi import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """``"127.0.0.1, 10.0.0.0/8"`` → networks (a bad entry is a startup error, not a silent hole)."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


def _is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def forwarded_client(peer: str | None, forwarded_for: str | None, trusted: Sequence[Network]) -> str | None:
    """The client's address given the peer, its X-Forwarded-For header and the trusted proxies."""
    if peer is None or not forwarded_for or not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer
    return hops[0] if hops else peer


def client_address(request: Request) -> str | None:
    trusted: tuple[Network, ...] = getattr(request.app.state, "trusted_proxies", ())
    peer = request.client.host if request.client else None
    return forwarded_client(peer, request.headers.get("x-forwarded-for"), trusted)
