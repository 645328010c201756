"""Who may write: API keys for uploads and deletes, loopback-only when no key is configured.

Reads are open (the knowledge base is meant to be consulted). Writes need a key from
`EVALKB_API_KEYS`, sent as `X-API-Key: <key>` or `Authorization: Bearer <key>`; with no keys
configured, writes are accepted only from the machine itself. CORS origins come from
`EVALKB_CORS_ORIGINS`.
"""

from __future__ import annotations

import hmac
import ipaddress
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

from ..settings import Settings
from .errors import ApiError


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


def presented_key(request: Request) -> str:
    """The key a client sent, from `X-API-Key` or an `Authorization: Bearer` header."""
    key = request.headers.get("x-api-key", "")
    if not key:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            key = value.strip()
    return key


def check_write_access(request: Request, settings: Settings) -> None:
    """Raise 401/403 problem errors unless this request may upload or delete."""
    keys = settings.keys
    if keys:
        key = presented_key(request)
        # compare_digest on every key: no timing hint about which prefix matched
        if not key or not any(hmac.compare_digest(key.encode(), k.encode()) for k in keys):
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
    # Loopback is not proof of intent: any web page the user visits can POST a form to
    # 127.0.0.1. Browsers send Origin on such requests, so refuse writes from other sites.
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.headers.get("host", ""):
        raise ApiError(403, f"cross-site write from {origin} refused")


def install_cors(app: FastAPI, settings: Settings) -> None:
    """Allow the configured origins (none by default: same-origin only)."""
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if not origins:
        return
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["X-API-Key", "Authorization", "Content-Type"],
        allow_credentials=False,
    )
