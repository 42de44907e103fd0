"""``shipit workshop …``: create a session, show it, inject cards, play rounds, debrief, decks.

Registered by :func:`add_workshop_parser` on ``shipit``'s subparsers.  Every handler
returns an exit status; refused requests are :class:`~sim.errors.ScenarioError`, which
the CLI prints as one line with exit status 2.  Every number an option takes is checked
against :mod:`sim.limits` where it is typed, and text from files (scenario names, deck
cards, paths) is shown as plain text, never as Rich markup.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..argtypes import number, positive_int, seed, whole
from ..errors import ScenarioError
from ..exitcodes import EXIT_FAILURE, EXIT_OK
from ..formatting import FOUR_KEYS, MISSING, TIER_KEY, format_value, short_label
from ..limits import (
    BUDGET_PERSON_DAYS_MAX,
    HORIZON_DAYS_MAX,
    REPLICATIONS_MAX,
    ROUND_DAYS_MIN,
    ROUNDS_MAX,
    TEAMS_MAX,
    game_length_problem,
)
from ..outputs import OutputError, check_output_dir
from .deck import load_deck
from .session import DEBRIEF_REPLICATIONS, LeaderboardRow, Workshop


def dir_option(parser: argparse.ArgumentParser) -> None:
    """``--dir DIR``: where workshop sessions live (shared by every workshop command)."""
    parser.add_argument(
        "--dir", metavar="DIR", default=None,
        help="workshop sessions folder (default: $SHIPIT_WORKSHOPS or ./workshops)",
    )  # fmt: skip


def add_workshop_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``workshop`` and its subcommands; returns the new parser."""
    workshop = subparsers.add_parser(
        "workshop",
        help="run a multi-team workshop session",
        description="Workshop mode: several teams play the same scenario on the same "
        "random numbers; the facilitator plays rounds and injects events. Sessions live "
        "in DIR/NAME/session.db (DIR: --dir, $SHIPIT_WORKSHOPS or ./workshops).",
    )
    sub = workshop.add_subparsers(dest="workshop_command", metavar="ACTION", required=True)

    new = sub.add_parser("new", help="create a session", description="Create a session.")
    new.add_argument("name", metavar="NAME", help="session name: letters, digits, - and _")
    new.add_argument("--scenario", metavar="S", required=True, help="built-in name or .toml")
    new.add_argument(
        "--teams", metavar="N", type=whole(1, TEAMS_MAX), required=True,
        help=f"teams (1-{TEAMS_MAX})",
    )  # fmt: skip
    new.add_argument(
        "--rounds", metavar="R", type=whole(1, ROUNDS_MAX), required=True,
        help=f"rounds (1-{ROUNDS_MAX}; rounds × round days at most {HORIZON_DAYS_MAX:g} days)",
    )  # fmt: skip
    new.add_argument(
        "--round-days", metavar="D", type=number(ROUND_DAYS_MIN, HORIZON_DAYS_MAX, low_open=False),
        default=91.0,
        help=f"simulated days per round (default 91, a quarter; {ROUND_DAYS_MIN:g}-"
        f"{HORIZON_DAYS_MAX:g})",
    )  # fmt: skip
    new.add_argument(
        "--budget", metavar="B", type=number(0.0, BUDGET_PERSON_DAYS_MAX), default=None,
        help="person-days of investment per team per round (default: unlimited)",
    )  # fmt: skip
    new.add_argument("--seed", metavar="N", type=seed, default=None, help="random seed")
    dir_option(new)
    new.set_defaults(handler=_cmd_new)

    status = sub.add_parser("status", help="show a session and its leaderboard")
    status.add_argument("name", metavar="NAME")
    dir_option(status)
    status.set_defaults(handler=_cmd_status)

    inject = sub.add_parser(
        "inject",
        help="inject a deck card into all teams or one",
        description="Inject CARD at the start of the next round played.",
    )
    inject.add_argument("name", metavar="NAME")
    inject.add_argument("card", metavar="CARD", help="card id (see `shipit workshop deck`)")
    inject.add_argument("--team", metavar="T", default=None, help="only this team")
    inject.add_argument("--deck", metavar="FILE", default=None, help="deck TOML (default deck)")
    dir_option(inject)
    inject.set_defaults(handler=_cmd_inject)

    play = sub.add_parser(
        "play-round",
        help="play the round being planned and open the next",
        description="Close planning, play the round for every team and print the leaderboard.",
    )
    play.add_argument("name", metavar="NAME")
    play.add_argument(
        "--debrief", action="store_true",
        help="write the debrief pack afterwards (see `shipit workshop report`)",
    )  # fmt: skip
    play.add_argument(
        "--futures", metavar="N", type=whole(0, REPLICATIONS_MAX), default=DEBRIEF_REPLICATIONS,
        help="other futures per team run and stored for the debrief's 'luck vs. decisions', "
        f"once the results are stored (default {DEBRIEF_REPLICATIONS}; 0: none, a pack "
        "runs them)",
    )  # fmt: skip
    dir_option(play)
    play.set_defaults(handler=_cmd_play_round)

    report = sub.add_parser(
        "report",
        help="write the debrief pack (HTML with charts) of the rounds played",
        description="Write the debrief pack: team-<name>.html per team and index.html "
        "comparing teams, with the PNG charts in img/ (embedded in the pages too). "
        "Default folder: DIR/NAME/debrief.",
    )
    report.add_argument("name", metavar="NAME")
    report.add_argument(
        "--replications", metavar="N", type=positive_int, default=DEBRIEF_REPLICATIONS,
        help=f"other futures per distribution in 'luck vs. decisions' "
        f"(default {DEBRIEF_REPLICATIONS})",
    )  # fmt: skip
    report.add_argument(
        "--out", metavar="DIR", default=None,
        help="output folder (made if missing; its parent must exist; default DIR/NAME/debrief)",
    )  # fmt: skip
    dir_option(report)
    report.set_defaults(handler=_cmd_report)

    deck = sub.add_parser("deck", help="list the cards of a deck")
    deck.add_argument("--deck", metavar="FILE", default=None, help="deck TOML (default deck)")
    deck.set_defaults(handler=_cmd_deck)
    return workshop


def _console() -> Console:
    return Console(file=sys.stdout)


LAST_ROUND = "last round"
"""The window of the leaderboard's four keys (and of its last score)."""


def leaderboard_table(rows: list[LeaderboardRow], title: str = "Leaderboard") -> Table:
    """The leaderboard as a Rich table: rank, team, rounds, total, last round's four keys.

    The four keys are written by :mod:`sim.formatting`, in the units of the game's board
    and the CLI scorecard, and each carries its tier.
    """
    table = Table(title=title, caption=f"score and four keys: {LAST_ROUND} played")
    for name in ("#", "team", "rounds", "total", LAST_ROUND):
        table.add_column(name, justify="left" if name == "team" else "right")
    for key in FOUR_KEYS:
        table.add_column(short_label(key), justify="right")
    for row in rows:
        m, t = row.last_metrics, row.last_tiers

        def cell(metric: str, m: Any = m, t: Any = t) -> str:
            tier = t.get(TIER_KEY[metric])
            return format_value(metric, m.get(metric)) + (f" {tier}" if tier else "")

        table.add_row(
            str(row.rank), row.team, str(row.rounds_played), f"{row.total:g}",
            MISSING if row.last_score is None else f"{row.last_score:g}",
            *[cell(metric) for metric in FOUR_KEYS],
        )  # fmt: skip
    return table


def _cmd_new(args: argparse.Namespace) -> int:
    problem = game_length_problem(args.rounds, args.round_days)
    if problem:
        raise ScenarioError("workshop new", "--rounds × --round-days", problem)
    workshop = Workshop.create(
        args.name, args.scenario, args.teams, args.rounds, round_days=args.round_days,
        budget=args.budget, seed=args.seed, directory=args.dir,
    )  # fmt: skip
    print(f"created workshop {workshop.name} at {workshop.store.path}: {len(workshop.teams)} "
          f"teams ({', '.join(workshop.teams)}), {workshop.rounds} rounds of "
          f"{workshop.round_days:g} days")  # fmt: skip
    workshop.close()
    return EXIT_OK


def _cmd_status(args: argparse.Namespace) -> int:
    workshop = Workshop.open(args.name, args.dir)
    status = workshop.status()
    console = _console()
    budget = "unlimited" if status.budget is None else f"{status.budget:g} person-days"
    console.print(
        Text(
            f"Workshop {status.name} · scenario {status.scenario} · round "
            f"{status.round}/{status.rounds} · {status.status} · budget {budget}"
        )
    )
    teams = Table(title="Teams")
    for name in ("team", "joined", "last seen", "moves this round"):
        teams.add_column(name)
    for team in status.teams:
        teams.add_row(team.name, Text(team.joined or "–"), Text(team.last_seen or "–"),
                      str(team.moves_this_round))  # fmt: skip
    console.print(teams)
    if status.pending_injects:
        cards = ", ".join(f"{card} → {team or 'all'}" for card, team in status.pending_injects)
        console.print(Text(f"Injects for the next round: {cards}"))
    console.print(leaderboard_table(workshop.leaderboard()))
    workshop.close()
    return EXIT_OK


def _cmd_inject(args: argparse.Namespace) -> int:
    workshop = Workshop.open(args.name, args.dir)
    number = workshop.inject(args.card, team=args.team, deck=args.deck)
    print(f"{args.card} injected into {args.team or 'all teams'} at the start of round {number}")
    workshop.close()
    return EXIT_OK


def _cmd_play_round(args: argparse.Namespace) -> int:
    workshop = Workshop.open(args.name, args.dir)
    try:
        if args.debrief:  # checked before the round is played: a bad folder is refused
            from .report import debrief_dir

            check_output_dir(debrief_dir(workshop), "debrief folder", "the debrief")
        number = workshop.status().round
        rows = workshop.play_round(replications=args.futures)
        status = workshop.status()
        after = "finished" if status.status == "finished" else f"round {status.round} planning"
        _console().print(leaderboard_table(rows, f"Leaderboard after round {number} ({after})"))
        if args.debrief:
            return _debrief_after_round(workshop, number, args.futures or DEBRIEF_REPLICATIONS)
    finally:
        workshop.close()
    return EXIT_OK


def _debrief_after_round(workshop: Workshop, number: int, replications: int) -> int:
    """Write the debrief after round ``number``; the round is stored whatever happens here,
    so a failure is its own line (exit status 1) and never says the round was not played."""
    try:
        from .report import write_debrief  # late: charts pull in matplotlib

        paths = write_debrief(workshop, replications=replications)
    except Exception as exc:  # any failure (Ctrl-C is not one): the round itself stands
        problem = exc.message if isinstance(exc, ScenarioError) else str(exc)
        problem = " ".join(problem.split()) or type(exc).__name__
        print(
            f"shipit: round {number} was played and stored; the debrief was not written: "
            f"{problem} (try `shipit workshop report {workshop.name}`)",
            file=sys.stderr,
        )
        return exc.status if isinstance(exc, OutputError) else EXIT_FAILURE
    print(f"debrief written to {paths[-1].parent} ({len(paths)} files)")
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    out = None if args.out is None else check_output_dir(args.out, "--out", "the debrief")
    workshop = Workshop.open(args.name, args.dir)
    try:
        from .report import write_debrief  # late: charts pull in matplotlib

        paths = write_debrief(workshop, out_dir=out, replications=args.replications)
    finally:
        workshop.close()
    for path in paths:
        print(path)
    return EXIT_OK


def _cmd_deck(args: argparse.Namespace) -> int:
    deck = load_deck(args.deck)
    table = Table(title=f"Deck {escape(deck.source)}")
    for name in ("card", "title", "description"):
        table.add_column(name)
    for card in deck.cards:
        table.add_row(card.id, Text(card.title), Text(card.description))
    console = _console()
    console.print(table)
    for note in deck.notes:
        console.print(Text(f"skipped {note}"))
    return EXIT_OK
