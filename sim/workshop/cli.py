"""``shipit workshop …``: create a session, show it, inject cards, play rounds, debrief, decks.

Registered by :func:`add_workshop_parser` on ``shipit``'s subparsers.  Every handler
returns an exit status; refused requests are :class:`~sim.errors.ScenarioError`, which
the CLI prints as one line with exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from ..argtypes import positive, positive_int, seed
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
    new.add_argument("--teams", metavar="N", type=positive_int, required=True, help="teams")
    new.add_argument("--rounds", metavar="R", type=positive_int, required=True, help="rounds")
    new.add_argument(
        "--round-days", metavar="D", type=positive(float), default=91.0,
        help="simulated days per round (default 91, a quarter)",
    )  # fmt: skip
    new.add_argument(
        "--budget", metavar="B", type=positive(float), default=None,
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
    report.add_argument("--out", metavar="DIR", default=None, help="output folder")
    dir_option(report)
    report.set_defaults(handler=_cmd_report)

    deck = sub.add_parser("deck", help="list the cards of a deck")
    deck.add_argument("--deck", metavar="FILE", default=None, help="deck TOML (default deck)")
    deck.set_defaults(handler=_cmd_deck)
    return workshop


def _console() -> Console:
    return Console(file=sys.stdout)


def _number(value: Any, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def leaderboard_table(rows: list[LeaderboardRow], title: str = "Leaderboard") -> Table:
    """The leaderboard as a Rich table: rank, team, rounds, total, last round's four keys."""
    table = Table(title=title)
    for name in ("#", "team", "rounds", "total", "last round", "deploys/day", "lead time h",
                 "CFR", "restore h"):  # fmt: skip
        table.add_column(name, justify="left" if name == "team" else "right")
    for row in rows:
        m, t = row.last_metrics, row.last_tiers

        def cell(metric: str, key: str, digits: int = 2, m: Any = m, t: Any = t) -> str:
            tier = t.get(key)
            return _number(m.get(metric), digits) + (f" {tier}" if tier else "")

        table.add_row(
            str(row.rank), row.team, str(row.rounds_played), f"{row.total:g}",
            "–" if row.last_score is None else f"{row.last_score:g}",
            cell("deployment_frequency_per_day", "deployment_frequency"),
            cell("lead_time_hours_median", "lead_time", 1),
            cell("change_failure_rate", "change_failure_rate"),
            cell("time_to_restore_hours_median", "time_to_restore", 1),
        )  # fmt: skip
    return table


def _cmd_new(args: argparse.Namespace) -> int:
    workshop = Workshop.create(
        args.name, args.scenario, args.teams, args.rounds, round_days=args.round_days,
        budget=args.budget, seed=args.seed, directory=args.dir,
    )  # fmt: skip
    print(f"created workshop {workshop.name} at {workshop.store.path}: {len(workshop.teams)} "
          f"teams ({', '.join(workshop.teams)}), {workshop.rounds} rounds of "
          f"{workshop.round_days:g} days")  # fmt: skip
    workshop.close()
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    workshop = Workshop.open(args.name, args.dir)
    status = workshop.status()
    console = _console()
    budget = "unlimited" if status.budget is None else f"{status.budget:g} person-days"
    console.print(
        f"Workshop {status.name} · scenario {status.scenario} · round "
        f"{status.round}/{status.rounds} · {status.status} · budget {budget}"
    )
    teams = Table(title="Teams")
    for name in ("team", "joined", "last seen", "moves this round"):
        teams.add_column(name)
    for team in status.teams:
        teams.add_row(team.name, team.joined or "–", team.last_seen or "–",
                      str(team.moves_this_round))  # fmt: skip
    console.print(teams)
    if status.pending_injects:
        cards = ", ".join(f"{card} → {team or 'all'}" for card, team in status.pending_injects)
        console.print(f"Injects for the next round: {cards}")
    console.print(leaderboard_table(workshop.leaderboard()))
    workshop.close()
    return 0


def _cmd_inject(args: argparse.Namespace) -> int:
    workshop = Workshop.open(args.name, args.dir)
    number = workshop.inject(args.card, team=args.team, deck=args.deck)
    print(f"{args.card} injected into {args.team or 'all teams'} at the start of round {number}")
    workshop.close()
    return 0


def _cmd_play_round(args: argparse.Namespace) -> int:
    workshop = Workshop.open(args.name, args.dir)
    number = workshop.status().round
    rows = workshop.play_round()
    status = workshop.status()
    after = "finished" if status.status == "finished" else f"round {status.round} planning"
    _console().print(leaderboard_table(rows, f"Leaderboard after round {number} ({after})"))
    if args.debrief:
        from .report import write_debrief  # late: charts pull in matplotlib

        paths = write_debrief(workshop)
        print(f"debrief written to {paths[-1].parent} ({len(paths)} files)")
    workshop.close()
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    workshop = Workshop.open(args.name, args.dir)
    try:
        from .report import write_debrief  # late: charts pull in matplotlib

        paths = write_debrief(workshop, out_dir=args.out, replications=args.replications)
    finally:
        workshop.close()
    for path in paths:
        print(path)
    return 0


def _cmd_deck(args: argparse.Namespace) -> int:
    deck = load_deck(args.deck)
    table = Table(title=f"Deck {deck.source}")
    for name in ("card", "title", "description"):
        table.add_column(name)
    for card in deck.cards:
        table.add_row(card.id, card.title, card.description)
    console = _console()
    console.print(table)
    for note in deck.notes:
        console.print(f"skipped {note}")
    return 0
