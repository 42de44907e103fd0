"""``shipit validate``, ``scenarios``, ``practices`` and ``schema``: what there is to simulate.

The commands that run no simulation: check scenario files, list the built-in scenarios
and the practice catalogue (the levers a player can pull), and print the scenario JSON
schema for editors that validate TOML.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sim.clibase import error
from sim.errors import ScenarioError
from sim.exitcodes import EXIT_OK, EXIT_USAGE
from sim.loading import builtin_names, load_scenario, scenario_json_schema
from sim.outputs import atomic_write, check_output_path
from sim.practices import CATALOGUE
from sim.report import practices_table, scenarios_table

from .output import json_text, stdout


def add_validate_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``validate FILE…`` on ``shipit``'s subparsers; returns the new parser."""
    validate: argparse.ArgumentParser = subparsers.add_parser(
        "validate",
        help="check scenario files",
        description="Check scenario files (or built-in names); exit 2 if any is invalid.",
    )
    validate.add_argument("files", metavar="FILE", nargs="+", help="scenario file or name")
    validate.set_defaults(handler=cmd_validate)
    return validate


def add_scenarios_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``scenarios`` on ``shipit``'s subparsers; returns the new parser."""
    scenarios: argparse.ArgumentParser = subparsers.add_parser(
        "scenarios", help="list the built-in scenarios"
    )
    scenarios.set_defaults(handler=cmd_scenarios)
    return scenarios


def add_practices_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``practices`` on ``shipit``'s subparsers; returns the new parser."""
    practices: argparse.ArgumentParser = subparsers.add_parser(
        "practices", help="list the practice catalogue"
    )
    practices.set_defaults(handler=cmd_practices)
    return practices


def add_schema_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``schema [--output PATH]`` on ``shipit``'s subparsers; returns the new parser."""
    schema: argparse.ArgumentParser = subparsers.add_parser(
        "schema", help="print the scenario JSON schema"
    )
    schema.add_argument("--output", "-o", metavar="PATH", help="write to PATH instead")
    schema.set_defaults(handler=cmd_schema)
    return schema


def cmd_scenarios(args: argparse.Namespace) -> int:
    """List the built-in scenarios, loading each so a broken one is reported, not listed."""
    scenarios = [(name, load_scenario(name)) for name in builtin_names()]
    stdout().print(scenarios_table(scenarios))
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate every file given; report each, so one bad file does not hide the others."""
    status = EXIT_OK
    for ref in args.files:
        try:
            scenario = load_scenario(ref)
        except ScenarioError as exc:
            error(str(exc))
            status = EXIT_USAGE
        else:
            print(f"ok  {ref} ({scenario.scenario.name})")
    return status


def cmd_schema(args: argparse.Namespace) -> int:
    """Print or write the scenario JSON schema (for editors that validate TOML)."""
    text = json_text(scenario_json_schema())
    if args.output is None:
        sys.stdout.write(text)
    else:
        atomic_write(check_output_path(args.output, "--output"), [text])
    return EXIT_OK


def cmd_practices(args: argparse.Namespace) -> int:
    """Show the practice catalogue: the levers a player can pull."""
    stdout().print(practices_table(CATALOGUE))
    return EXIT_OK


__all__ = [
    "add_practices_parser",
    "add_scenarios_parser",
    "add_schema_parser",
    "add_validate_parser",
    "cmd_practices",
    "cmd_scenarios",
    "cmd_schema",
    "cmd_validate",
]
