"""``shipit play``, ``serve`` and ``facilitate``: the game's subcommands for the ``shipit`` CLI.

``sim`` never imports ``tui``; instead the console script calls :func:`main`, which runs
:func:`sim.cli.main` with :func:`add_commands` as a parser extension (a
:data:`sim.clibase.Extension`).
``python -m tui`` is :func:`play_main`.  Input errors are one line on stderr and exit
status 2, as everywhere in ``shipit``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.argtypes import number, seed, whole
from sim.clibase import PROG, run_handler
from sim.exitcodes import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
from sim.limits import (
    BUDGET_PERSON_DAYS_MAX,
    HORIZON_DAYS_MAX,
    ROUND_DAYS_MIN,
    ROUNDS_MAX,
    game_length_problem,
)
from sim.workshop.cli import dir_option

from .serve_defaults import (
    DEFAULT_HOST,
    DEFAULT_MAX_SESSIONS,
    DEFAULT_PORT,
    DEFAULT_SAVES,
    MAX_SESSIONS_LIMIT,
)

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,128}")
"""A join token: URL-safe characters, long enough not to be guessed by accident."""
GENERATE_TOKEN = ""
"""``--token`` without a value: generate one."""


def token_type(text: str) -> str:
    """A join token given on the command line (``--token VALUE``; alone: generate one)."""
    if text != GENERATE_TOKEN and not TOKEN_PATTERN.fullmatch(text):
        raise argparse.ArgumentTypeError(
            "expected 8 to 128 letters, digits, - or _ (or --token alone for a random one)"
        )
    return text


rounds_type = whole(1, ROUNDS_MAX)
round_days_type = number(ROUND_DAYS_MIN, HORIZON_DAYS_MAX, low_open=False)
budget_type = number(0, BUDGET_PERSON_DAYS_MAX)
port_type = whole(1, 65535)
DEFAULT_ROUNDS = 4
DEFAULT_ROUND_DAYS = 91.0


def add_team_options(parser: argparse.ArgumentParser, workshop_help: str) -> None:
    """``--workshop NAME --team T [--dir DIR]``: play (or serve) one team of a session."""
    parser.add_argument("--workshop", metavar="NAME", default=None, help=workshop_help)
    parser.add_argument("--team", metavar="T", default=None, help="the team in --workshop")
    dir_option(parser)


def add_play_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``shipit play`` (and ``python -m tui``)."""
    parser.add_argument(
        "scenario", metavar="SCENARIO", nargs="?", default=None,
        help="built-in name or path to a .toml (default: legacy-enterprise)",
    )  # fmt: skip
    parser.add_argument(
        "--scenario", dest="scenario_option", metavar="SCENARIO", help=argparse.SUPPRESS
    )
    parser.add_argument("--seed", metavar="N", type=seed, help="master random seed")
    parser.add_argument("--replay", metavar="FILE", help="replay a saved game")
    parser.add_argument(
        "--rounds", metavar="R", type=rounds_type, default=DEFAULT_ROUNDS,
        help=f"rounds, 1 to {ROUNDS_MAX} (default {DEFAULT_ROUNDS})",
    )  # fmt: skip
    parser.add_argument(
        "--round-days", metavar="D", type=round_days_type, default=DEFAULT_ROUND_DAYS,
        help=f"simulated days per round, {ROUND_DAYS_MIN:g} to {HORIZON_DAYS_MAX:g} "
        "(default 91, a quarter)",
    )  # fmt: skip
    parser.add_argument(
        "--budget", metavar="PD", type=budget_type, default=None,
        help="person-days each round may invest in practices and people (default: no limit)",
    )  # fmt: skip
    parser.add_argument("--choose", action="store_true", help="start on the scenario chooser")
    parser.add_argument(
        "--served-saves", metavar="DIR", default=None,
        help="save games only into DIR, under generated names (what `shipit serve` "
        "gives every player's game)",
    )  # fmt: skip
    add_team_options(parser, "join a workshop session as a team (with --team)")


def add_commands(subparsers: Any) -> None:
    """Register ``play``, ``serve`` and ``facilitate`` on the ``shipit`` subparsers."""
    play = subparsers.add_parser(
        "play",
        help="play the game in this terminal",
        description="Play Ship It: change practices, watch the DORA four keys respond, "
        "beat the ghost of the untouched organisation.",
    )
    add_play_arguments(play)
    play.set_defaults(handler=cmd_play)

    serve = subparsers.add_parser(
        "serve",
        help="publish the game in a browser for players on a local network",
        description="Serve the game with textual-serve: each browser tab plays its own game. "
        "Listens on 127.0.0.1 unless --host says otherwise; for other machines use "
        "--host 0.0.0.0 --token and hand out the printed address.",
    )
    serve.add_argument(
        "scenario", metavar="SCENARIO", nargs="?", default=None,
        help="scenario every player starts on (default: legacy-enterprise)",
    )  # fmt: skip
    serve.add_argument(
        "--host", default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: this machine only; "
        "0.0.0.0 for every network)",
    )  # fmt: skip
    serve.add_argument(
        "--port", metavar="N", type=port_type, default=DEFAULT_PORT,
        help=f"port, 1 to 65535 (default {DEFAULT_PORT})",
    )  # fmt: skip
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="URL players open (default: http://HOST:PORT; this machine's LAN address "
        "for --host 0.0.0.0)",
    )
    serve.add_argument(
        "--token", metavar="VALUE", nargs="?", const=GENERATE_TOKEN, default=None, type=token_type,
        help="require a join token: players need the printed address with ?token=...; "
        "without VALUE a random one (write SCENARIO before --token, or --token=VALUE)",
    )  # fmt: skip
    serve.add_argument(
        "--max-sessions", metavar="N", type=whole(1, MAX_SESSIONS_LIMIT),
        default=DEFAULT_MAX_SESSIONS,
        help=f"most games running at once, one per browser tab (default "
        f"{DEFAULT_MAX_SESSIONS}); beyond it a visitor is told the game is full",
    )  # fmt: skip
    serve.add_argument(
        "--saves", metavar="DIR", default=DEFAULT_SAVES,
        help=f"folder on this machine that players' saved games go to, under generated "
        f"names (default ./{DEFAULT_SAVES})",
    )  # fmt: skip
    serve.add_argument("--seed", metavar="N", type=seed, help="master random seed")
    serve.add_argument("--rounds", metavar="R", type=rounds_type, help="rounds")
    serve.add_argument(
        "--round-days", metavar="D", type=round_days_type, help="simulated days per round"
    )
    serve.add_argument("--budget", metavar="PD", type=budget_type, help="budget per round")
    add_team_options(serve, "serve one team of a workshop session in the browser (with --team)")
    serve.set_defaults(handler=cmd_serve)

    facilitate = subparsers.add_parser(
        "facilitate",
        help="run a workshop session from a console (teams, leaderboard, rounds, injects)",
        description="The facilitator's console for a workshop session made with "
        "`shipit workshop new`: enter plays the round, i injects a card, ? helps.",
    )
    facilitate.add_argument("name", metavar="NAME", help="session name")
    dir_option(facilitate)
    facilitate.add_argument(
        "--no-debrief", action="store_true",
        help="do not write the debrief pack after each round (shipit workshop report can)",
    )  # fmt: skip
    facilitate.set_defaults(handler=cmd_facilitate)


def build_team_app(args: argparse.Namespace) -> Any:
    """The team client for ``play --workshop NAME --team T``; errors raise ScenarioError."""
    from sim.errors import ScenarioError
    from sim.workshop.session import Workshop

    from .workshop.team import TeamApp

    if not (args.workshop and args.team):
        given, missing = ("--workshop", "--team") if args.workshop else ("--team", "--workshop")
        raise ScenarioError(f"play {given}", missing, "both --workshop and --team are needed")
    workshop = Workshop.open(args.workshop, args.dir)
    return TeamApp(workshop, args.team)


def check_game_length(command: str, rounds: int, round_days: float) -> None:
    """Refuse a game longer than a run may be, before anything starts (one line)."""
    from sim.errors import ScenarioError

    problem = game_length_problem(rounds, round_days)
    if problem:
        raise ScenarioError(command, "--rounds × --round-days", problem)


def build_app(args: argparse.Namespace) -> Any:
    """The app for parsed ``play`` arguments; input errors raise ScenarioError."""
    from sim.errors import ScenarioError

    if getattr(args, "workshop", None) or getattr(args, "team", None):
        return build_team_app(args)
    from sim.game import Game, GameError
    from sim.loading import load_scenario

    from .app import DEFAULT_SCENARIO, ShipItApp

    ref = args.scenario or args.scenario_option
    options = {
        "seed": args.seed,
        "rounds": args.rounds,
        "round_days": args.round_days,
        "budget": args.budget,
        "saves_dir": Path(args.served_saves) if getattr(args, "served_saves", None) else None,
    }
    if args.replay:
        path = Path(args.replay)
        if not path.is_file():
            raise ScenarioError(args.replay, "", "no such file (a game saved with s)")
        game = Game.load(path)
        return ShipItApp(game.scenario, game=game, **options)
    check_game_length("play", args.rounds, args.round_days)
    scenario = load_scenario(ref or DEFAULT_SCENARIO)
    try:
        game = None if args.choose else Game(
            scenario,
            seed=args.seed,
            round_days=args.round_days,
            rounds=args.rounds,
            budget_person_days=args.budget,
        )  # fmt: skip
    except GameError as exc:  # settings the game refuses: one line, like any input
        raise ScenarioError("play", "", str(exc)) from None
    return ShipItApp(scenario, game=game, choose=args.choose, **options)


def run_app(app: Any) -> int:
    """Run a Textual app; its exit status: 0 when it ended normally, else non-zero.

    Textual reports a crash inside the app itself (and sets ``return_code`` to 1); an
    exception escaping ``run`` is one line here, status 1.
    """
    try:
        app.run()
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        from sim.errors import one_line

        detail = one_line(f"{type(exc).__name__}: {exc}")
        print(f"{PROG}: the game stopped: {detail}", file=sys.stderr)
        return EXIT_FAILURE
    code = app.return_code
    if code is None or code == 0:
        return EXIT_OK
    return code if isinstance(code, int) and 0 < code < 256 else EXIT_FAILURE


def cmd_play(args: argparse.Namespace) -> int:
    return run_app(build_app(args))


def cmd_facilitate(args: argparse.Namespace) -> int:
    from sim.workshop.session import Workshop

    from .workshop.facilitator import FacilitatorApp

    app = FacilitatorApp(Workshop.open(args.name, args.dir), debrief=not args.no_debrief)
    return run_app(app)


def cmd_serve(args: argparse.Namespace) -> int:
    from sim.errors import ScenarioError
    from sim.loading import builtin_names
    from sim.outputs import OutputError

    from .serve import new_token, serve

    token = args.token
    if token == GENERATE_TOKEN:
        token = new_token()
    elif token is not None and token in builtin_names():
        raise ScenarioError(
            "serve --token",
            "",
            f"{token!r} is a scenario name; write the scenario before --token "
            "(or --token=VALUE for that token)",
        )
    forwarded: list[str] = []
    if args.scenario:
        forwarded.append(args.scenario)
    if args.seed is not None:
        forwarded += ["--seed", str(args.seed)]
    if args.rounds is not None:
        forwarded += ["--rounds", str(args.rounds)]
    if args.round_days is not None:
        forwarded += ["--round-days", repr(args.round_days)]
    if args.budget is not None:
        forwarded += ["--budget", repr(args.budget)]
    # Check now rather than in every player's session.
    check_game_length("serve", args.rounds or DEFAULT_ROUNDS, args.round_days or DEFAULT_ROUND_DAYS)
    if args.scenario:
        from sim.loading import load_scenario

        load_scenario(args.scenario)
    saves: Path | None = None
    if args.workshop or args.team:
        # One server per team (e.g. ports 8001, 8002 …): each browser tab joins that team.
        # A team's client has no save key: the session folder keeps the game.
        build_team_app(args)  # checks the session and the team before serving
        forwarded = ["--workshop", args.workshop, "--team", args.team]
        if args.dir:
            forwarded += ["--dir", args.dir]
    else:
        saves = Path(args.saves).resolve()
        try:
            saves.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"serve --saves {args.saves}: {exc.strerror or exc}") from None
        forwarded += ["--served-saves", str(saves)]
    options: dict[str, Any] = {}
    if token is not None:
        options["token"] = token
    if args.max_sessions != DEFAULT_MAX_SESSIONS:
        options["max_sessions"] = args.max_sessions
    if saves is not None:
        options["saves"] = saves
    try:
        serve(args.host, args.port, args.public_url, forwarded, **options)
    except KeyboardInterrupt:
        return EXIT_OK
    return EXIT_OK


def play_main(argv: Sequence[str] | None = None) -> int:
    """``python -m tui``: the ``play`` command on its own."""
    parser = argparse.ArgumentParser(prog="python -m tui", description="Play Ship It.")
    add_play_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    return run_handler(cmd_play, args)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``shipit`` console script: the simulation's commands plus ``play`` and ``serve``."""
    from sim import cli

    return cli.main(argv, extensions=[add_commands])


if __name__ == "__main__":
    sys.exit(main())
