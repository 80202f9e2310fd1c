"""Who may talk to the dashboard: the address it listens on, from its own page, and nothing else.

The dashboard has no log-in, so anything that can send it a request can drive it. Two browser tricks would let any
web page do so: a page on another site opening the dashboard's websocket (browsers send such a request with the
page's `Origin`, and only the server can refuse it), and DNS rebinding, where another site's name is made to
resolve to this machine (the request then carries that name in `Host`). `Guard` wraps the server's ASGI app and
refuses, before the app sees it, every HTTP or websocket request whose `Host` is not an address the server
answers to, or whose `Origin` is not the page's own (a websocket must name its origin; browsers always do). It also
turns an error that ends one websocket connection (a client reconnecting with a stale session, a garbled message)
into one line of the server log instead of an ASGI traceback. Only the standard library is used.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sim.util.crash import exception_line
from sim.util.errors import ConfigError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
WILDCARDS = ("", "0.0.0.0", "::")  # every interface: refused without --allow-remote

log = logging.getLogger("diplosim.app")


# ---------------------------------------------------------------------------------------------------------------
# The address to listen on


@dataclass(frozen=True)
class Listening:
    """Where the server listens: the `--host` as given, whether that is every interface (a wildcard) or this
    machine only (loopback), and the host names its requests may carry."""

    host: str
    port: int
    wildcard: bool
    loopback: bool
    names: frozenset[str]

    def url(self) -> str:
        """The address to open in a browser."""
        shown = "127.0.0.1" if self.wildcard else self.host
        return f"http://{f'[{shown}]' if ':' in shown else shown}:{self.port}/"


def listening(host: str, port: int, *, allow_remote: bool = False) -> Listening:
    """Check `--host`: an address or a name of this machine; a wildcard ('', 0.0.0.0, ::) or an address other
    machines can reach only with `allow_remote`. A ConfigError about `--host` otherwise."""
    host = host.strip().lower().removeprefix("[").removesuffix("]")
    wildcard = host in WILDCARDS
    addresses = {host} if wildcard else _addresses(host)
    loopback = not wildcard and all(_is_loopback(a) for a in addresses)
    if not loopback and not allow_remote:
        where = "every network interface" if wildcard else f"{host}, which other machines can reach"
        raise ConfigError(
            f"listening on {where} lets anyone on the network drive the dashboard (it has no log-in)",
            key="--host",
            hint="add --allow-remote if that is what you want, or leave --host out to serve this machine only",
        )
    names = set(LOOPBACK_NAMES) if loopback or wildcard else set()
    names.add(host)
    if wildcard:
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    return Listening(host, port, wildcard, loopback, frozenset(n for n in names if n))


def _addresses(host: str) -> set[str]:
    """The IP addresses `host` stands for (itself, if it is one)."""
    try:
        return {str(ipaddress.ip_address(host))}
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise ConfigError(
            f"'{host}' is not an address or a known name of this machine",
            key="--host",
            hint="give an IP address such as 127.0.0.1, or a name that resolves, such as localhost",
        ) from None
    return {str(info[4][0]).split("%")[0] for info in found}


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


# ---------------------------------------------------------------------------------------------------------------
# Checking a request


def _split_host(value: str) -> tuple[str, int | None] | None:
    """'name:port' or '[v6]:port' (port optional) as (name, port); None if it is not a host."""
    try:
        parts = urlsplit(f"//{value}")
        return (parts.hostname or "").rstrip("."), parts.port
    except ValueError:
        return None


def refusal(scope: Scope, served: Listening) -> str | None:
    """Why a request must be refused (its Host or Origin is not this server's), or None if it may pass."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    host = _split_host(headers.get("host", ""))
    if host is None or not host[0]:
        return "no valid Host header"
    name, port = host
    local = str((scope.get("server") or ("", 0))[0]).lower()
    port = 80 if port is None else port
    if port != served.port or not (name in served.names or (name == local and _is_ip(name))):
        return f"Host '{headers['host']}' is not this server"
    origin = headers.get("origin")
    if origin is None:
        return "a websocket without an Origin" if scope["type"] == "websocket" else None
    parts = _split_origin(origin)
    if parts is None or parts != ("http", name, port):
        return f"Origin '{origin}' is not this server's page"
    return None


def _split_origin(origin: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(origin)
        return parts.scheme, (parts.hostname or "").rstrip("."), parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------------------------------
# The ASGI middleware


class Guard:
    """ASGI middleware: requests that are not from this server's own page are refused (HTTP 403, or a websocket
    closed before it opens); an error that ends one websocket connection is one line in the log."""

    def __init__(self, app: App, served: Listening) -> None:
        self.app = app
        self.served = served

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        why = refusal(scope, self.served)
        if why is not None:
            client = ":".join(map(str, scope.get("client") or ("?",)))
            log.warning("refused a %s request for %s from %s: %s", scope["type"], scope.get("path"), client, why)
            await (_refuse_websocket(receive, send) if scope["type"] == "websocket" else _refuse_http(send))
            return
        if scope["type"] == "http":
            await self.app(scope, receive, send)
            return
        await _websocket(self.app, scope, receive, send)


async def _refuse_http(send: Send) -> None:
    body = b"Forbidden: this server answers only its own page.\n"
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 403, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _refuse_websocket(receive: Receive, send: Send) -> None:
    """Close before accepting: the server answers the handshake with 403 and no connection opens."""
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.close", "code": 1008})


async def _websocket(app: App, scope: Scope, receive: Receive, send: Send) -> None:
    """Run a websocket connection; an error that ends it is logged as one line and the connection closed."""
    closed = False

    async def tracking(message: Message) -> None:
        nonlocal closed
        closed = closed or message["type"] == "websocket.close"
        await send(message)

    try:
        await app(scope, receive, tracking)
    except Exception as exc:  # including an ExceptionGroup from the app's task group
        log.warning("a websocket connection for %s ended with an error: %s", scope.get("path"), _first(exc))
        if not closed:
            with contextlib.suppress(Exception):  # the connection may be gone already: nothing left to close
                await send({"type": "websocket.close", "code": 1011})


def _first(exc: BaseException) -> str:
    """The innermost first error of an exception group (what actually went wrong), described in one line."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exception_line(exc)
