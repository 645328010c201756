"""`evalkb serve`: the API and the web page on one host and port, printing the URL."""

from __future__ import annotations

import argparse

from ..settings import get_settings


def cmd_serve(args: argparse.Namespace) -> int:
    """Open the store and serve until interrupted."""
    import uvicorn

    from ..service import KnowledgeBase
    from .app import create_app

    settings = get_settings()
    host = args.host or settings.host
    port = settings.port if args.port is None else args.port
    kb = KnowledgeBase(settings)
    app = create_app(kb)
    shown = f"[{host}]" if ":" in host else host
    print(
        f"evalkb: serving {kb.library.document_count()} document(s) from {kb.home} "
        f"on http://{shown}:{port}/  (API docs at /docs; Ctrl-C to stop)",
        flush=True,
    )
    if not settings.keys:
        print(
            "evalkb: no EVALKB_API_KEYS set: uploads and deletes are accepted only from "
            "this machine (loopback)",
            flush=True,
        )
    try:
        uvicorn.run(
            app, host=host, port=port, log_level=args.log_level, timeout_graceful_shutdown=5
        )
    finally:
        kb.close()
    return 0


def add_serve_command(sub: argparse._SubParsersAction) -> None:
    """Register `serve` on the CLI's subparsers."""
    p = sub.add_parser("serve", help="serve the HTTP API and the web page")
    p.add_argument("--host", help="interface to listen on (default EVALKB_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default EVALKB_PORT or 8000)")
    p.add_argument(
        "--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"]
    )
    p.set_defaults(func=cmd_serve)
