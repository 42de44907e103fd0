"""``shipit bench``: measure simulation speed (model and raw SimPy events and items per second).

A thin wrapper: :mod:`sim.bench` does the measuring and is imported only when the command
runs; here the ``--json`` path is checked first, like every other output of ``shipit``.
"""

from __future__ import annotations

import argparse
from typing import Any

from sim.outputs import check_output_path


def add_bench_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``bench [--quick] [--json PATH]`` on ``shipit``'s subparsers."""
    bench: argparse.ArgumentParser = subparsers.add_parser("bench", help="measure simulation speed")
    bench.add_argument("--quick", action="store_true", help="a short benchmark")
    bench.add_argument("--json", metavar="PATH", help="write the results as JSON")
    bench.set_defaults(handler=cmd_bench)
    return bench


def cmd_bench(args: argparse.Namespace) -> int:
    """Hand over to :mod:`sim.bench`, imported only when asked for."""
    from sim import bench

    argv: list[str] = []
    if args.quick:
        argv.append("--quick")
    if args.json is not None:
        check_output_path(args.json, "--json")
        argv += ["--json", args.json]
    return int(bench.main(argv))


__all__ = ["add_bench_parser", "cmd_bench"]
