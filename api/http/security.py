"""Who may write, which host names are served, and the page's security headers.

Reads are open (the knowledge base is meant to be consulted). Writes need a key from
`EVALKB_API_KEYS`, sent as `X-API-Key: <key>` or `Authorization: Bearer <key>`; with no keys
configured, writes are accepted only from the machine itself, addressed by a loopback name
(`Host` 127.0.0.1, localhost or [::1]) and, when the browser sends an `Origin`, from that same
origin. The Host check stops DNS rebinding: a page on evil.example that points its name at
127.0.0.1 reaches the server with `Host: evil.example`. A server bound to a loopback address
also refuses reads for a foreign Host, so such a page cannot read the knowledge base either.
CORS origins come from `EVALKB_CORS_ORIGINS`.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..settings import Settings
from .errors import ApiError, problem


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and IPv4-mapped loopback; False for anything unparsable."""
    if not host:
        return False
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(addr, "ipv4_mapped", None)
    return bool(addr.is_loopback or (mapped is not None and mapped.is_loopback))


OPENAPI_PAGES = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def host_name(host_header: str) -> str:
    """The name part of a Host header: 'localhost:8000' → 'localhost', '[::1]:80' → '::1'."""
    parsed = urlsplit(f"//{host_header.strip()}")
    try:
        return (parsed.hostname or "").lower()
    except ValueError:
        return ""


def is_loopback_host(host_header: str) -> bool:
    """True when a Host header names this machine by a loopback name or address."""
    name = host_name(host_header)
    return name in LOOPBACK_NAMES or is_loopback(name)


def presented_key(request: Request) -> str:
    """The key a client sent, from `X-API-Key` or an `Authorization: Bearer` header."""
    key = request.headers.get("x-api-key", "")
    if not key:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            key = value.strip()
    return key


def _matches(key: str, keys: set[str]) -> bool:
    # compare_digest on every key: no timing hint about which prefix matched
    return any([hmac.compare_digest(key.encode(), k.encode()) for k in keys])


def check_write_access(request: Request, settings: Settings) -> None:
    """Raise 401/403 problem errors unless this request may upload or delete."""
    keys = settings.keys
    if keys:
        key = presented_key(request)
        if key and _matches(key, settings.reader_keys) and not _matches(key, keys):
            raise ApiError(403, "this API key may read but not write")
        if not key or not _matches(key, keys):
            raise ApiError(
                401,
                "this operation needs an API key (X-API-Key header); "
                "the one given is missing or wrong",
                {"WWW-Authenticate": "Bearer"},
            )
        return
    client = request.client.host if request.client else None
    if not is_loopback(client):
        raise ApiError(403, "writes are allowed only from loopback when EVALKB_API_KEYS is not set")
    host = request.headers.get("host", "")
    if not is_loopback_host(host) and host_name(host) not in settings.allowed_host_names:
        raise ApiError(
            403, f"writes need a loopback host name (127.0.0.1, localhost), not host {host!r}"
        )
    # Loopback is not proof of intent: any web page the user visits can POST a form to
    # 127.0.0.1. Browsers send Origin on such requests, so refuse writes from other sites.
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != host:
        raise ApiError(403, f"cross-site write from {origin} refused")


def install_cors(app: FastAPI, settings: Settings) -> None:
    """Allow the configured origins (none by default: same-origin only)."""
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if not origins:
        return
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=["X-API-Key", "Authorization", "Content-Type"],
        allow_credentials=False,
    )


def foreign_host(request: Request, settings: Settings) -> bool:
    """True when a keyless server bound to loopback is reached under another host name that
    `EVALKB_ALLOWED_HOSTS` does not list (what DNS rebinding looks like)."""
    if settings.keys:
        return False  # keys decide
    server = request.scope.get("server") or ("", 0)
    host = request.headers.get("host", "")
    if not host or not is_loopback(str(server[0])) or is_loopback_host(host):
        return False
    return host_name(host) not in settings.allowed_host_names


def install_guards(app: FastAPI, settings_of: Callable[[Request], Settings]) -> None:
    """Security headers on every response; foreign Host names refused on a loopback server."""
    app.add_middleware(Guard, settings_of=settings_of)


class Guard:
    """The guard as a plain ASGI middleware: `@app.middleware("http")` (BaseHTTPMiddleware)
    runs every request through an extra task and stream, which costs the most when the
    server is busiest."""

    def __init__(self, app: ASGIApp, settings_of: Callable[[Request], Settings]) -> None:
        self.app = app
        self.settings_of = settings_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        path = request.url.path
        headers = dict(SECURITY_HEADERS)
        if path in OPENAPI_PAGES:
            headers.pop("Content-Security-Policy")  # FastAPI's /docs load Swagger UI from a CDN

        async def send_guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for name, value in headers.items():
                    if name not in out:
                        out[name] = value
            await send(message)

        if foreign_host(request, self.settings_of(request)):
            host = request.headers.get("host", "")
            refusal = problem(403, f"host {host!r} is not served here (DNS rebinding?)", path)
            await refusal(scope, receive, send_guarded)
            return
        await self.app(scope, receive, send_guarded)
