"""Publish the game in a browser with textual-serve, safely by default.

Every browser tab gets its own game process (textual-serve runs ``command`` per
websocket).  :class:`ShipItServer` is textual-serve's aiohttp server with guards:

- it listens on ``127.0.0.1`` unless told otherwise (``--host``);
- with a join token, only requests carrying ``?token=…`` (or the cookie that request
  sets, so the websocket and the static files follow) get the game; the others get a
  short 403 page;
- at most ``max_sessions`` games run at once; a visitor beyond that gets a page saying
  the game is full (a websocket beyond it gets 503 before any process starts);
- ``/static`` lists no directory; a plain ``GET /ws`` gets 400; logs are one line per
  event (no tracebacks, no local variables) and the access log leaves out query strings
  (the token).

Saved games never go to a path a player types: the serve command gives every game
``--served-saves DIR`` (see :mod:`tui.screens.save`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import html
import ipaddress
import logging
import os
import secrets
import shlex
import signal
import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from textual_serve.server import Server

from sim.outputs import OutputError

from .serve_defaults import DEFAULT_HOST, DEFAULT_MAX_SESSIONS, DEFAULT_PORT

WILDCARD_HOSTS = ("0.0.0.0", "", "::")

log = logging.getLogger("textual-serve")


def new_token() -> str:
    """A random URL-safe join token (128 bits)."""
    return secrets.token_urlsafe(16)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lan_address() -> str:
    """This machine's address on the local network, from its own host name, or 127.0.0.1.

    Nothing is sent anywhere: the host name is resolved locally.  When it only resolves
    to loopback, pass ``--public-url`` with the address players can reach.
    """
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return "127.0.0.1"
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        if not address.startswith("127."):
            return address
    return "127.0.0.1"


def play_command(args: Sequence[str] = ()) -> str:
    """The shell command each browser session runs: this Python, ``-m tui`` and ``args``."""
    return " ".join(shlex.quote(part) for part in (sys.executable, "-m", "tui", *args))


def public_url_for(host: str, port: int, public_url: str | None = None) -> str:
    """The URL players open; for a wildcard host, this machine's LAN address."""
    if public_url:
        return public_url.rstrip("/")
    if host in WILDCARD_HOSTS:
        return f"http://{lan_address()}:{port}"
    if ":" in host and not host.startswith("["):
        return f"http://[{host}]:{port}"
    return f"http://{host}:{port}"


def join_url(url: str, token: str | None) -> str:
    """The address to hand out: ``url`` plus ``?token=…`` when there is a token."""
    return f"{url}/?token={quote(token, safe='')}" if token else f"{url}/"


# ---------------------------------------------------------------------- logging
class OneLineFormatter(logging.Formatter):
    """``message (ExceptionType: text)`` on one line: no traceback, no local variables."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            detail = f"{type(error).__name__}: {error}".rstrip(": ")
            if detail not in message:
                message = f"{message} ({detail})"
        return " ".join(message.split())[:500]


class PathAccessLogger(AbstractAccessLogger):
    """One line per request: client, method, path (never the query: it holds the token)."""

    def log(self, request: Any, response: Any, time: float) -> None:
        self.logger.info(
            "%s %s %s %s", request.remote, request.method, request.path, response.status
        )


def quiet_logging() -> None:
    """Send textual-serve's and aiohttp's logs to stderr, one line each."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter())
    for name in ("textual-serve", "aiohttp"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False


# ---------------------------------------------------------------------- pages
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Ship It: {title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{background:#0c181f;color:#eee;font-family:sans-serif;display:flex;
align-items:center;justify-content:center;height:100vh;margin:0}}
main{{max-width:36em;padding:2em;background:#12232d;border-radius:6px}}
a{{color:#ac5af4}}</style></head>
<body><main><h1>{title}</h1><p>{message}</p>{extra}</main></body></html>
"""


def page(status: int, title: str, message: str, extra: str = "") -> web.Response:
    """A small HTML page (no game, no script)."""
    body = PAGE.format(title=html.escape(title), message=html.escape(message), extra=extra)
    return web.Response(status=status, text=body, content_type="text/html")


def token_page() -> web.Response:
    return page(
        403,
        "This game needs its link",
        "This game only opens from the link with its token (it ends in ?token=…). "
        "Ask the facilitator for the address they handed out.",
    )


def full_message(players: int) -> str:
    connected = "1 player is" if players == 1 else f"{players} players are"
    return f"The game is full: {connected} connected; try again when one leaves."


def full_page(players: int, request: web.Request) -> web.Response:
    again = html.escape(request.path_qs, quote=True)
    return page(
        503, "The game is full", full_message(players), f'<p><a href="{again}">Try again</a></p>'
    )


# ---------------------------------------------------------------------- server
class ShipItServer(Server):
    """textual-serve's server with a join token, a session cap and quiet errors."""

    def __init__(
        self,
        command: str,
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        public_url: str | None = None,
        token: str | None = None,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
        title: str = "Ship It",
    ) -> None:
        super().__init__(
            command,
            host=host,
            port=port,
            title=title,
            public_url=public_url or public_url_for(host, port),
        )
        self.token = token
        self.max_sessions = max_sessions
        self.sessions = 0
        """Games running now (open websockets with a process behind them)."""
        self._stop: asyncio.Event | None = None

    @property
    def cookie_name(self) -> str:
        """Cookies ignore ports: one name per port keeps team servers on one host apart."""
        return f"shipit-token-{self.port}"

    @property
    def full(self) -> bool:
        return self.sessions >= self.max_sessions

    def initialize_logging(self) -> None:
        quiet_logging()

    async def on_startup(self, app: web.Application) -> None:
        """Nothing: :func:`serve` prints the one line to hand out (no logo)."""

    def request_exit(self) -> None:
        if self._stop is not None:
            self._stop.set()

    # -------------------------------------------------------------- the web app
    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard_middleware()])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, show_index=False, name="static"),
            ]
        )
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    def token_matches(self, given: str | None) -> bool:
        if self.token is None:
            return True
        if not given:
            return False
        return hmac.compare_digest(given.encode(), self.token.encode())

    def _guard_middleware(self) -> Any:
        @web.middleware
        async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
            from_query = request.query.get("token")
            if not (
                self.token_matches(from_query)
                or self.token_matches(request.cookies.get(self.cookie_name))
            ):
                return token_page()
            response = await handler(request)
            if not response.prepared:
                response.headers.setdefault("Referrer-Policy", "no-referrer")
                response.headers.setdefault("X-Content-Type-Options", "nosniff")
                if self.token is not None and self.token_matches(from_query):
                    response.set_cookie(
                        self.cookie_name,
                        self.token,
                        httponly=True,
                        samesite="Lax",
                        path="/",
                        secure=self.public_url.startswith("https:"),
                    )
            return response

        return guard

    async def handle_index(self, request: web.Request) -> Any:  # type: ignore[override]
        if self.full:
            return full_page(self.sessions, request)
        return await super().handle_index(request)

    async def handle_websocket(self, request: web.Request) -> Any:  # type: ignore[override]
        if not web.WebSocketResponse().can_prepare(request).ok:
            return web.Response(
                status=400, text="This address is the game's websocket: open / in a browser."
            )
        if self.full:
            return web.Response(status=503, text=full_message(self.sessions))
        self.sessions += 1
        try:
            return await super().handle_websocket(request)
        finally:
            self.sessions -= 1

    # -------------------------------------------------------------- running
    async def run(self, started: Callable[[], None] | None = None) -> None:
        """Listen until :meth:`request_exit` (or SIGTERM, or cancellation).

        A host or port that cannot be used raises :class:`OutputError` (one line).
        """
        self._stop = asyncio.Event()
        app = await self._make_app()
        runner = web.AppRunner(app, handle_signals=False, access_log_class=PathAccessLogger)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port)
            try:
                await site.start()
            except OSError as exc:
                # asyncio's message repeats the address; the system's reason is enough.
                # asyncio's strerror repeats the address; a host name that does not
                # resolve (gaierror) has a negative errno and only its strerror says why.
                errno = exc.errno or 0
                reason = os.strerror(errno) if errno > 0 else exc.strerror or str(exc)
                raise OutputError(
                    f"serve: cannot listen on {self.host}:{self.port}: {reason}"
                ) from None
            loop = asyncio.get_running_loop()
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signal.SIGTERM, self.request_exit)
            if started is not None:
                started()
            await self._stop.wait()
        finally:
            await runner.cleanup()

    def serve(self, debug: bool = False, started: Callable[[], None] | None = None) -> None:
        """Serve until Ctrl+C or SIGTERM (Ctrl+C raises KeyboardInterrupt)."""
        self.debug = debug
        self.initialize_logging()
        asyncio.run(self.run(started))


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    public_url: str | None = None,
    args: Sequence[str] = (),
    *,
    token: str | None = None,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    saves: Path | None = None,
) -> None:
    """Serve ``python -m tui ARGS`` on ``host:port`` until interrupted.

    Once listening, prints the address to hand out (with the token), after a warning
    when other machines can connect and there is no token.
    """
    url = public_url_for(host, port, public_url)
    server = ShipItServer(
        play_command(args),
        host=host,
        port=port,
        public_url=url,
        token=token,
        max_sessions=max_sessions,
    )
    where = f"; saved games go to {saves}" if saves is not None else ""
    sep = "&" if token else "?"

    players = "1 player" if max_sessions == 1 else f"{max_sessions} players"

    def started() -> None:
        if not is_loopback(host) and token is None:
            print(
                f"shipit: warning: anyone who can reach this machine on port {port} can "
                "play and start a game process; add --token to require the link with a token",
                file=sys.stderr,
                flush=True,
            )
        print(
            f"Ship It for players: open {join_url(url, token)} "
            f"(add {sep}fontsize=22 for a projector; at most {players}"
            f"{where}; Ctrl+C stops)",
            flush=True,
        )

    server.serve(started=started)
