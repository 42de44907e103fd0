"""Publish the game in a browser with textual-serve, for players on a local network.

Every browser tab gets its own game process (textual-serve runs ``command`` per
websocket).  With ``host="0.0.0.0"`` the page must be told the address other machines
reach this one on (``public_url``); when none is given we use this machine's LAN address.
"""

from __future__ import annotations

import shlex
import socket
import sys
from collections.abc import Sequence


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
    if host in ("0.0.0.0", "", "::"):
        return f"http://{lan_address()}:{port}"
    return f"http://{host}:{port}"


def serve(
    host: str = "0.0.0.0",
    port: int = 8000,
    public_url: str | None = None,
    args: Sequence[str] = (),
) -> None:
    """Serve ``python -m tui ARGS`` on ``host:port`` until interrupted."""
    from textual_serve.server import Server

    url = public_url_for(host, port, public_url)
    print(f"Ship It for players: open {url} in a browser (add ?fontsize=22 for a projector).")
    Server(play_command(args), host=host, port=port, title="Ship It", public_url=url).serve()
