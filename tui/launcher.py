"""``shipit play``, ``serve`` and ``facilitate``: the game's subcommands for the ``shipit`` CLI.

``sim`` never imports ``tui``; instead the console script calls :func:`main`, which runs
:func:`sim.cli.main` with :func:`add_commands` as a parser extension.
``python -m tui`` is :func:`play_main`.  Input errors are one line on stderr and exit
status 2, as everywhere in ``shipit``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.argtypes import positive, seed
from sim.workshop.cli import dir_option

PROG = "shipit"
EXIT_USAGE = 2


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
        "--rounds", metavar="R", type=positive(int), default=4, help="rounds (default 4)"
    )
    parser.add_argument(
        "--round-days", metavar="D", type=positive(float), default=91.0,
        help="simulated days per round (default 91, a quarter)",
    )  # fmt: skip
    parser.add_argument(
        "--budget", metavar="PD", type=positive(float), default=None,
        help="person-days each round may invest in practices and people (default: no limit)",
    )  # fmt: skip
    parser.add_argument("--choose", action="store_true", help="start on the scenario chooser")
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
        description="Serve the game with textual-serve: each browser tab plays its own game.",
    )
    serve.add_argument(
        "scenario", metavar="SCENARIO", nargs="?", default=None,
        help="scenario every player starts on (default: legacy-enterprise)",
    )  # fmt: skip
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default all)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--public-url", metavar="URL", help="URL players open (default: http://<LAN-IP>:PORT)"
    )
    serve.add_argument("--seed", metavar="N", type=seed, help="master random seed")
    serve.add_argument("--rounds", metavar="R", type=positive(int), help="rounds")
    serve.add_argument("--budget", metavar="PD", type=positive(float), help="budget per round")
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


def build_app(args: argparse.Namespace) -> Any:
    """The app for parsed ``play`` arguments; input errors raise ScenarioError."""
    from sim.errors import ScenarioError

    if getattr(args, "workshop", None) or getattr(args, "team", None):
        return build_team_app(args)
    from sim.game import Game
    from sim.loading import load_scenario

    from .app import DEFAULT_SCENARIO, ShipItApp

    ref = args.scenario or args.scenario_option
    options = {
        "seed": args.seed,
        "rounds": args.rounds,
        "round_days": args.round_days,
        "budget": args.budget,
    }
    if args.replay:
        path = Path(args.replay)
        if not path.is_file():
            raise ScenarioError(args.replay, "", "no such file (a game saved with s)")
        game = Game.load(path)
        return ShipItApp(game.scenario, game=game, **options)
    scenario = load_scenario(ref or DEFAULT_SCENARIO)
    game = None if args.choose else Game(
        scenario,
        seed=args.seed,
        round_days=args.round_days,
        rounds=args.rounds,
        budget_person_days=args.budget,
    )  # fmt: skip
    return ShipItApp(scenario, game=game, choose=args.choose, **options)


def cmd_play(args: argparse.Namespace) -> int:
    app = build_app(args)
    app.run()
    return 0


def cmd_facilitate(args: argparse.Namespace) -> int:
    from sim.workshop.session import Workshop

    from .workshop.facilitator import FacilitatorApp

    FacilitatorApp(Workshop.open(args.name, args.dir), debrief=not args.no_debrief).run()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    forwarded: list[str] = []
    if args.scenario:
        forwarded.append(args.scenario)
    if args.seed is not None:
        forwarded += ["--seed", str(args.seed)]
    if args.rounds is not None:
        forwarded += ["--rounds", str(args.rounds)]
    if args.budget is not None:
        forwarded += ["--budget", str(args.budget)]
    if args.scenario:  # check it now rather than in every player's session
        from sim.loading import load_scenario

        load_scenario(args.scenario)
    if args.workshop or args.team:
        # One server per team (e.g. ports 8001, 8002 …): each browser tab joins that team.
        build_team_app(args)  # checks the session and the team before serving
        forwarded = ["--workshop", args.workshop, "--team", args.team]
        if args.dir:
            forwarded += ["--dir", args.dir]
    try:
        serve(args.host, args.port, args.public_url, forwarded)
    except KeyboardInterrupt:
        return 0
    return 0


def _run(handler: Any, args: argparse.Namespace) -> int:
    """Run ``handler`` with the CLI's error contract (for ``python -m tui``)."""
    from sim.errors import ScenarioError
    from sim.outputs import OutputError

    try:
        return int(handler(args))
    except ScenarioError as exc:
        print(f"{PROG}: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_USAGE
    except OutputError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        return 130


def play_main(argv: Sequence[str] | None = None) -> int:
    """``python -m tui``: the ``play`` command on its own."""
    parser = argparse.ArgumentParser(prog="python -m tui", description="Play Ship It.")
    add_play_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    return _run(cmd_play, args)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``shipit`` console script: the simulation's commands plus ``play`` and ``serve``."""
    from sim import cli

    return cli.main(argv, extensions=[add_commands])


if __name__ == "__main__":
    sys.exit(main())
