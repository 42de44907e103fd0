"""``shipit serve`` and ``shipit play`` safe by default.

The web tests run :class:`tui.serve.ShipItServer`'s aiohttp app in-process with
aiohttp's test client; none starts a game process (the session cap is tested with a
cap of 0 or a counted fake session).
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from textual.widgets import Input

from sim.cli import main as cli_main
from tui import launcher, serve
from tui.app import ShipItApp
from tui.launcher import play_main
from tui.screens.board import BoardScreen
from tui.screens.save import SaveScreen, clean_label, served_save_path

pytestmark = pytest.mark.timeout(60)

TOKEN = "join-token-123"
SAVED_NAME = re.compile(r"game-\d{8}-\d{6}(-[A-Za-z0-9_-]{1,40})?-[0-9a-f]{8}\.json")


def shipit(argv: list[str]) -> int:
    return cli_main(argv, extensions=[launcher.add_commands])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_server(**options: Any) -> serve.ShipItServer:
    options.setdefault("port", 8123)
    return serve.ShipItServer("true", **options)


async def client_for(server: serve.ShipItServer) -> TestClient:
    client = TestClient(TestServer(await server._make_app()))
    await client.start_server()
    return client


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    """`shipit serve` with the server replaced by a recorder, run in ``tmp_path``."""
    seen: dict[str, Any] = {}

    def fake_serve(host: str, port: int, public_url: Any, args: Any, **options: Any) -> None:
        seen.update(host=host, port=port, args=list(args), **options)

    monkeypatch.setattr(serve, "serve", fake_serve)
    monkeypatch.chdir(tmp_path)
    return seen


# ---------------------------------------------------------------------- the command
def test_serve_listens_on_loopback_and_saves_in_a_server_folder(
    captured: dict[str, Any], tmp_path: Path
) -> None:
    assert shipit(["serve"]) == 0
    assert captured["host"] == "127.0.0.1"
    assert captured["port"] == 8000
    assert "token" not in captured
    saves = tmp_path / "saved-games"
    assert saves.is_dir() and captured["saves"] == saves
    assert captured["args"][-2:] == ["--served-saves", str(saves)]
    assert make_server().host == "127.0.0.1"


def test_serve_passes_host_token_cap_and_saves(captured: dict[str, Any], tmp_path: Path) -> None:
    argv = ["serve", "elite", "--host", "0.0.0.0", "--port", "8100", "--token", TOKEN]
    argv += ["--max-sessions", "3", "--saves", "here", "--round-days", "28", "--rounds", "2"]
    assert shipit(argv) == 0
    assert captured["host"] == "0.0.0.0" and captured["port"] == 8100
    assert captured["token"] == TOKEN and captured["max_sessions"] == 3
    assert captured["args"] == [
        "elite", "--rounds", "2", "--round-days", "28.0",
        "--served-saves", str(tmp_path / "here"),
    ]  # fmt: skip


def test_serve_token_alone_is_random_and_url_safe(captured: dict[str, Any]) -> None:
    assert shipit(["serve", "--token"]) == 0
    first = captured["token"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{20,}", first)
    assert shipit(["serve", "--token"]) == 0
    assert captured["token"] != first


@pytest.mark.parametrize(
    "argv",
    [
        ["serve", "--port", "99999"],
        ["serve", "--port", "0"],
        ["serve", "--max-sessions", "0"],
        ["serve", "--token", "short"],
        ["serve", "--token", "../../etc"],
        ["serve", "--round-days", "nan"],
        ["serve", "--budget", "inf"],
        ["play", "--round-days", "nan"],
        ["play", "--round-days", "inf"],
        ["play", "--round-days", "0.5"],
        ["play", "--rounds", "521"],
        ["play", "--budget", "-1"],
    ],
)
def test_bad_numbers_exit_2_without_a_traceback(
    argv: list[str], captured: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert shipit(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if "error:" in line]) == 1
    assert not captured


def test_token_named_like_a_scenario_and_too_long_games_are_one_line(
    captured: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert shipit(["serve", "--token", "legacy-enterprise"]) == 2
    assert shipit(["serve", "--rounds", "100", "--round-days", "365"]) == 2
    assert shipit(["play", "--rounds", "100", "--round-days", "365"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 3 and err.startswith("shipit: ") and "Traceback" not in err
    assert not captured


def test_play_main_refuses_nan_round_days(capsys: pytest.CaptureFixture[str]) -> None:
    assert play_main(["--round-days", "nan"]) == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("host", ["no.such.host.invalid", "203.0.113.5"])
def test_unusable_host_is_one_line_exit_2(
    host: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(serve, "quiet_logging", lambda: None)
    assert shipit(["serve", "--host", host, "--port", str(free_port())]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("shipit: serve: cannot listen on")
    assert captured.err.count("\n") == 1
    assert "Unknown error" not in captured.err  # the system's reason, not a bare errno
    assert "Ship It for players" not in captured.out


def test_port_in_use_is_one_line_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(serve, "quiet_logging", lambda: None)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert shipit(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot listen on 127.0.0.1" in err


def test_serve_prints_the_address_and_warns_without_a_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fake_serve(self: serve.ShipItServer, debug: bool = False, started: Any = None) -> None:
        started()

    monkeypatch.setattr(serve.ShipItServer, "serve", fake_serve)
    serve.serve("0.0.0.0", 8001, "http://10.0.0.5:8001", token=TOKEN, max_sessions=4)
    out, err = capsys.readouterr()
    assert out.count("\n") == 1 and not err
    assert f"http://10.0.0.5:8001/?token={TOKEN}" in out and "at most 4 players" in out

    serve.serve("0.0.0.0", 8001, "http://10.0.0.5:8001")
    out, err = capsys.readouterr()
    assert "http://10.0.0.5:8001/ " in out
    assert err.count("\n") == 1 and "--token" in err

    serve.serve("127.0.0.1", 8001)
    assert not capsys.readouterr().err


# ---------------------------------------------------------------------- the web app
async def test_token_is_required_then_carried_by_a_cookie() -> None:
    client = await client_for(make_server(token=TOKEN))
    try:
        for path in ("/", "/?token=wrong", "/static/js/textual.js", "/ws"):
            response = await client.get(path)
            assert response.status == 403, path
            assert "token" in await response.text()
        response = await client.get(f"/?token={TOKEN}")
        assert response.status == 200
        assert "data-session-websocket-url" in await response.text()
        assert response.headers["Referrer-Policy"] == "no-referrer"
        # The cookie carries the token to the page's follow-ups.
        assert (await client.get("/static/js/textual.js")).status == 200
        assert (await client.get("/")).status == 200
        assert (await client.get("/ws")).status == 400  # past the token, not a websocket
    finally:
        await client.close()


async def test_without_a_token_anyone_gets_the_game() -> None:
    client = await client_for(make_server())
    try:
        assert (await client.get("/")).status == 200
    finally:
        await client.close()


async def test_a_full_game_says_so() -> None:
    server = make_server(max_sessions=1)
    client = await client_for(server)
    try:
        assert (await client.get("/")).status == 200
        server.sessions = 1  # one player connected
        response = await client.get("/?fontsize=22")
        assert response.status == 503
        text = await response.text()
        assert "The game is full: 1 player is connected; try again when one leaves." in text
        assert 'href="/?fontsize=22"' in text
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect("/ws")
        assert refused.value.status == 503
        server.sessions = 0
        assert (await client.get("/")).status == 200
    finally:
        await client.close()


async def test_cap_of_zero_refuses_the_websocket_before_any_process() -> None:
    server = make_server(max_sessions=0, token=TOKEN)
    client = await client_for(server)
    try:
        assert (await client.get(f"/?token={TOKEN}")).status == 503
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect("/ws")
        assert refused.value.status == 503  # the cookie got it past the token check
        assert server.sessions == 0
    finally:
        await client.close()


async def test_static_lists_no_directory() -> None:
    client = await client_for(make_server())
    try:
        for path in ("/static/", "/static/js/", "/static/..%2Fserver.py"):
            response = await client.get(path)
            assert response.status in (403, 404), path
            text = await response.text()
            assert "textual.js" not in text and "class Server" not in text
        assert (await client.get("/static/js/textual.js")).status == 200
    finally:
        await client.close()


async def test_plain_get_on_ws_is_400_and_logs_no_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = await client_for(make_server())
    try:
        with caplog.at_level(logging.DEBUG):
            response = await client.get("/ws")
        assert response.status == 400
        assert "websocket" in await response.text()
    finally:
        await client.close()
    assert not [record for record in caplog.records if record.exc_info]
    assert "Traceback" not in caplog.text


def test_log_lines_carry_no_traceback_or_locals() -> None:
    formatter = serve.OneLineFormatter()
    secret_local = "do-not-log-me"  # noqa: F841 (a local a rich traceback would show)
    try:
        raise RuntimeError("websocket went away\nsecond line")
    except RuntimeError:
        record = logging.getLogger("textual-serve").makeRecord(
            "textual-serve", logging.ERROR, __file__, 1, "session failed", (), None
        )
        import sys

        record.exc_info = sys.exc_info()
    line = formatter.format(record)
    assert "\n" not in line and "Traceback" not in line and "do-not-log-me" not in line
    assert line.startswith("session failed (RuntimeError: websocket went away")


async def test_server_runs_on_loopback_and_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    server = make_server(port=port, token=TOKEN)
    started = asyncio.Event()
    task = asyncio.create_task(server.run(started.set))
    try:
        await asyncio.wait_for(started.wait(), 10)
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/") as response:
                assert response.status == 403
            async with session.get(f"http://127.0.0.1:{port}/?token={TOKEN}") as response:
                assert response.status == 200
    finally:
        server.request_exit()
        await asyncio.wait_for(task, 10)


# ---------------------------------------------------------------------- served saves
@pytest.mark.parametrize(
    "typed", ["../../etc/passwd", "/tmp/x", "C:\\Windows\\evil", "", "my team", "é" * 80]
)
def test_served_save_path_stays_in_the_folder(tmp_path: Path, typed: str) -> None:
    saves = tmp_path / "saves"
    path = served_save_path(saves, typed)
    assert path.parent == saves.resolve()
    assert SAVED_NAME.fullmatch(path.name), path.name
    assert re.fullmatch(r"[A-Za-z0-9_-]{0,40}", clean_label(typed))


@pytest.mark.parametrize("typed", ["../../etc/passwd", "/tmp/x", "my game"])
async def test_served_save_screen_writes_only_in_the_saves_folder(
    tmp_path: Path, typed: str
) -> None:
    saves = tmp_path / "server" / "saved-games"
    outside_before = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    typed_existed = Path(typed).exists()
    app = ShipItApp(seed=7, saves_dir=saves)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        board.game.advance(24 * 3)
        await pilot.press("s")
        screen = app.screen
        assert isinstance(screen, SaveScreen)
        field = screen.query_one(Input)
        assert field.value == "legacy-enterprise-7"  # a label, not a path
        field.value = typed
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is board
        written = screen.saved_path
    assert written is not None and written.parent == saves.resolve()
    assert SAVED_NAME.fullmatch(written.name)
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert files == sorted([*outside_before, written])
    assert '"format"' in written.read_text()
    assert Path(typed).exists() == typed_existed


# ---------------------------------------------------------------------- exit status
class FakeApp:
    def __init__(self, *, raises: Exception | None = None, code: int | None = 0) -> None:
        self.raises = raises
        self.return_code = code

    def run(self) -> None:
        if self.raises is not None:
            raise self.raises


@pytest.mark.parametrize(
    ("app", "status"),
    [
        (FakeApp(code=0), 0),
        (FakeApp(code=None), 0),
        (FakeApp(code=1), 1),
        (FakeApp(code=3), 3),
        (FakeApp(raises=RuntimeError("boom\nsecond")), 1),
    ],
)
def test_play_exits_non_zero_when_the_app_fails(
    app: FakeApp,
    status: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(launcher, "build_app", lambda args: app)
    assert shipit(["play"]) == status
    assert play_main([]) == status
    err = capsys.readouterr().err
    if app.raises is not None:
        assert err == "shipit: the game stopped: RuntimeError: boom second\n" * 2
