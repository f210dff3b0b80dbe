"""Where deliveries may go.

The contract demands HTTPS URLs. A sandbox also needs local receivers, so with
``allow_local_webhooks`` loopback targets (``http://127.0.0.1``, ``http://localhost``) are
accepted too. Whatever the URL says, every address a delivery connects to is checked first:
public addresses are fine, loopback only with ``allow_local_webhooks``, and other private,
link-local or reserved addresses only inside ``webhook_allowed_networks``; an IPv6 address that
carries an IPv4 one (``::ffff:…``, ``::7f00:1``, NAT64, 6to4) counts as that IPv4 address. Host names are
resolved by ``GuardedResolver``, which hands aiohttp only the addresses it checked, so a name
cannot be re-pointed between the check and the connection.

The server's own webhook sink (``mockcasa.webhooks.sink``) is always a valid target: a URL on a
loopback host whose path is ``/_mockcasa/sink/{name}`` (``http://localhost/_mockcasa/sink/crm``,
any port) is handed to the sink in-process, so it never opens a connection to anything.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver
from yarl import URL

if TYPE_CHECKING:
    from mockcasa.config import Settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
SINK_PREFIX = "/_mockcasa/sink/"
SINK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
LOCAL_HINT = ("http:// URLs are accepted only for local receivers (localhost, 127.0.0.1) when the "
              "server runs with MOCKCASA_ALLOW_LOCAL_WEBHOOKS=1")


class BlockedTarget(OSError):
    """A delivery that policy forbids; never retried (the address will not become allowed)."""


# IPv6 forms whose packets end up at an IPv4 address they carry: IPv4-compatible (::/96, deprecated
# but still routed by some stacks: ::7f00:1 is 127.0.0.1), NAT64 (RFC 6052) and 6to4 (2002::/16).
# ipaddress calls most of them global, so they are judged by the IPv4 address instead.
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Local-use NAT64 (RFC 8215) may embed an IPv4 address at several positions: never assumed public.
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")


def _ip(host: str) -> Address | None:
    """The address a literal names, as the IPv4 address it embeds when it is an IPv4-carrying IPv6 form."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        return _embedded_ipv4(address) or address
    return address


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):  # not :: and ::1
        return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
    return address.sixtofour


def _is_local_name(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host == "localhost" or host.endswith(".localhost")


def sink_name(url: str) -> str | None:
    """The sink a URL names when it is this server's own webhook sink (see the module docstring)."""
    try:
        parsed = URL(url)
    except (ValueError, TypeError):
        return None
    host = parsed.host or ""
    if parsed.scheme not in ("http", "https") or not parsed.path.startswith(SINK_PREFIX):
        return None
    address = _ip(host)
    if not (_is_local_name(host) if address is None else address.is_loopback):
        return None
    name = parsed.path[len(SINK_PREFIX):]
    return name if SINK_NAME.fullmatch(name) else None


@dataclass(frozen=True)
class TargetPolicy:
    allow_local: bool = False
    allowed_networks: tuple[Network, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> TargetPolicy:
        return cls(settings.allow_local_webhooks,
                   tuple(ipaddress.ip_network(n, strict=False) for n in settings.webhook_allowed_networks))

    def address_problem(self, address: Address) -> str | None:
        """Why a delivery may not connect to ``address`` (None: it may)."""
        if any(address in network for network in self.allowed_networks):
            return None
        if address.is_loopback:
            return None if self.allow_local else (
                f"{address} is a loopback address; local receivers need MOCKCASA_ALLOW_LOCAL_WEBHOOKS=1")
        if not address.is_global or address.is_multicast or address in _LOCAL_NAT64:
            return (f"{address} is a private, link-local or reserved address; list its network in "
                    f"MOCKCASA_WEBHOOK_ALLOWED_NETWORKS to deliver there")
        return None

    def _local_host(self, host: str) -> bool:
        """A host plain http:// may name: a local name or a loopback/allowed address literal."""
        address = _ip(host)
        if address is None:
            return self.allow_local and _is_local_name(host)
        return not address.is_global and self.address_problem(address) is None

    def url_problem(self, url: str) -> str | None:
        """Why a subscription may not use ``url`` (None: accepted)."""
        try:
            parsed = URL(url)
        except (ValueError, TypeError):
            parsed = None
        if parsed is None or not parsed.absolute or not parsed.host or " " in url:
            return "must be an absolute URL such as https://example.com/webhooks"
        if sink_name(url) is not None:
            return None
        if parsed.scheme == "https":
            return None
        if parsed.scheme == "http" and self._local_host(parsed.host):
            return None
        return "must be an HTTPS URL" + (f" ({LOCAL_HINT})" if parsed.scheme == "http" else "")

    def check_url(self, url: str) -> None:
        """Refuse a delivery before connecting: raises ``BlockedTarget``.

        Address literals are checked here (aiohttp does not resolve them); names by the resolver.
        """
        problem = self.url_problem(url)
        if problem is not None:
            raise BlockedTarget(f"url {problem}")
        address = _ip(URL(url).host or "")
        if address is not None:
            problem = self.address_problem(address)
            if problem is not None:
                raise BlockedTarget(problem)


class GuardedResolver(AbstractResolver):
    """Resolves like aiohttp does, then keeps only the addresses the policy allows."""

    def __init__(self, policy: TargetPolicy, inner: AbstractResolver | None = None) -> None:
        self.policy = policy
        self._inner = inner

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        if self._inner is None:
            self._inner = ThreadedResolver()
        results = await self._inner.resolve(host, port, family)
        allowed, problems = [], []
        for result in results:
            address = _ip(result["host"].split("%")[0])
            problem = "not an IP address" if address is None else self.policy.address_problem(address)
            if problem is None:
                allowed.append(result)
            else:
                problems.append(problem)
        if not allowed:
            raise BlockedTarget(f"{host} resolves to a forbidden address: "
                                f"{problems[0] if problems else 'no address'}")
        return allowed

    async def close(self) -> None:
        if self._inner is not None:
            await self._inner.close()
