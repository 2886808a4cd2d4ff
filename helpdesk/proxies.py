"""The client's address behind trusted proxies: ``X-Forwarded-For`` is believed only from ``TRUSTED_PROXIES``."""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """Return the networks of the trusted proxies (addresses or CIDR ranges), or raise naming a bad entry."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is neither an IP address nor a network such as 10.0.0.0/8."
            ) from None
    return tuple(networks)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _is_trusted(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(remote_addr: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """Return the address of the client that opened the request.

    The connection's peer is the client unless it is a trusted proxy; then ``X-Forwarded-For`` is read
    from the right (each proxy appends the address it received the request from), skipping trusted
    proxies, and the first address no trusted proxy vouches for is the client. Anything left of it was
    written by the client itself and is ignored.
    """
    current = _address(remote_addr)
    if not _is_trusted(current, networks) or not forwarded_for:
        return remote_addr
    for hop in reversed(forwarded_for.split(",")):
        hop_address = _address(hop)
        if hop_address is None:
            break  # garbage from a client: stop at the last address a trusted proxy wrote
        current = hop_address
        if not _is_trusted(current, networks):
            break
    return str(current)


def request_client_address(meta: dict) -> str:
    """Return the client address of a request's META, by the configured trusted proxies."""
    networks = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    return client_address(meta.get("REMOTE_ADDR", ""), meta.get("HTTP_X_FORWARDED_FOR", ""), networks)
