"""Decks of facilitator event cards: TOML files facilitators can write.

A deck is a list of ``[[card]]`` tables::

    [[card]]
    id = "major-outage"                 # letters, digits, - and _
    title = "Major outage"
    description = "Read out to the room."
    available = true                    # optional; false cards are skipped with a note
    effects = [{ type = "incident", severity = 1 }]

Effects (applied to a team's organisation at the start of the round they are injected
for, after that team's own moves):

* ``{ type = "incident", severity = 1..4 }`` — an incident with no change behind it;
* ``{ type = "set_practice", practice = NAME, value = V }`` — impose a practice value;
* ``{ type = "leave", role = R, count = N }`` — N people of role R leave (never below 1);
* ``{ type = "hire", role = R, count = N }`` — N people join role R;
* ``{ type = "traffic", factor = F, days = D }`` — production load F times normal for D days
  (capacity failures multiply);
* ``{ type = "freeze", days = D }`` — no planned deployments for D days (hotfixes only).

Roles are ``developers``, ``testers`` and ``ops``.  Every problem is one
:class:`~sim.errors.ScenarioError` naming the file and the key.
"""

from __future__ import annotations

import math
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import resources
from ..errors import ScenarioError
from ..model import Command, InjectIncident, ReleaseFreeze, ResizePool, SetPractice, TrafficSpike
from ..model.organisation import ROLES
from ..scenario import PracticesConfig
from .store import NAME_PATTERN

DEFAULT_DECK: Path = resources.default_deck()
"""The deck that ships: ``scenarios/decks/default.toml`` (found through :mod:`sim.resources`)."""

EFFECT_TYPES: tuple[str, ...] = ("incident", "set_practice", "leave", "hire", "traffic", "freeze")
DECK_BYTES_MAX = 1_000_000
"""Largest deck file read (bytes): a deck is a page of cards, not a data set."""


@dataclass(frozen=True)
class Card:
    """One event card: what the facilitator reads out and what it does."""

    id: str
    title: str
    description: str
    effects: tuple[dict[str, Any], ...]
    available: bool = True


@dataclass(frozen=True)
class Deck:
    """A validated deck: its playable cards and notes about skipped ones."""

    source: str
    cards: tuple[Card, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def card(self, card_id: str) -> Card:
        """The card called ``card_id``; a one-line error lists the others."""
        for card in self.cards:
            if card.id == card_id:
                return card
        allowed = ", ".join(c.id for c in self.cards)
        if not isinstance(card_id, str) or not NAME_PATTERN.fullmatch(card_id):
            raise ScenarioError(self.source, repr(card_id), f"no such card; allowed: {allowed}")
        skipped = [n for n in self.notes if n.startswith(f"{card_id}:")]
        if skipped:
            raise ScenarioError(self.source, card_id, skipped[0].split(": ", 1)[1])
        raise ScenarioError(self.source, card_id, f"no such card; allowed: {allowed}")


def load_deck(path: str | Path | None = None) -> Deck:
    """Read and validate a deck (default: :data:`DEFAULT_DECK`)."""
    path = DEFAULT_DECK if path is None else Path(path).expanduser()
    source = str(path)
    try:
        if not path.exists():
            raise ScenarioError(source, "", "no such deck file")
        if not path.is_file():
            raise ScenarioError(source, "", "not a regular file; a deck is a TOML file")
        with path.open("rb") as handle:
            raw_bytes = handle.read(DECK_BYTES_MAX + 1)
    except OSError as exc:
        raise ScenarioError(source, "", f"cannot read: {exc.strerror or exc}") from None
    if len(raw_bytes) > DECK_BYTES_MAX:
        raise ScenarioError(source, "", f"larger than {DECK_BYTES_MAX} bytes; a deck is TOML")
    try:
        data = tomllib.loads(raw_bytes.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError(source, "", "not UTF-8 text; a deck is TOML") from None
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        problem = " ".join(str(exc).split()) or "nested too deeply"
        raise ScenarioError(source, "", f"not TOML: {problem}") from None
    extra = sorted(set(data) - {"card"})
    if extra:
        raise ScenarioError(source, extra[0], "unknown key; a deck holds only [[card]] tables")
    raw = data.get("card")
    if not isinstance(raw, list) or not raw:
        raise ScenarioError(source, "card", "expected one or more [[card]] tables")
    cards: list[Card] = []
    notes: list[str] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw):
        card = _card(entry, source, f"card.{index}")
        if card.id in seen:
            raise ScenarioError(source, f"card.{index}.id", f"duplicate card id {card.id!r}")
        seen.add(card.id)
        if card.available:
            cards.append(card)
        else:
            notes.append(f"{card.id}: not available yet (the model has no command for it)")
    return Deck(source, tuple(cards), tuple(notes))


_CARD_KEYS = {"id", "title", "description", "effects", "available"}


def _card(entry: Any, source: str, key: str) -> Card:
    if not isinstance(entry, dict):
        raise ScenarioError(source, key, "expected a [[card]] table")
    extra = sorted(set(entry) - _CARD_KEYS)
    if extra:
        allowed = ", ".join(sorted(_CARD_KEYS))
        raise ScenarioError(source, f"{key}.{extra[0]}", f"unknown key; allowed: {allowed}")
    for name in ("id", "title", "description"):
        if not isinstance(entry.get(name), str) or not entry[name].strip():
            raise ScenarioError(source, f"{key}.{name}", "expected a non-empty string")
        if _has_control(entry[name], allow="\n\t" if name == "description" else ""):
            where = "other than line breaks and tabs " if name == "description" else ""
            raise ScenarioError(source, f"{key}.{name}", f"control characters {where}not allowed")
    if not NAME_PATTERN.fullmatch(entry["id"]):
        raise ScenarioError(source, f"{key}.id", "use 1-64 letters, digits, - and _ only")
    available = entry.get("available", True)
    if not isinstance(available, bool):
        raise ScenarioError(source, f"{key}.available", "expected true or false")
    effects = entry.get("effects")
    if not isinstance(effects, list) or not effects:
        raise ScenarioError(source, f"{key}.effects", "expected a list of one or more effects")
    checked = tuple(
        _effect(effect, source, f"{key}.effects.{i}", available) for i, effect in enumerate(effects)
    )
    return Card(entry["id"], entry["title"], entry["description"], checked, available)


def _has_control(text: str, allow: str = "") -> bool:
    """Whether ``text`` holds control characters (other than those in ``allow``)."""
    return any(unicodedata.category(c) == "Cc" and c not in allow for c in text)


def check_effects(effects: Any, source: str, key: str) -> None:
    """Check a card's ``effects`` (a list) as a deck file's are checked; one line if wrong.

    Used on decks and again on the effects a session stored for its injects.
    """
    if not isinstance(effects, list) or not effects:
        raise ScenarioError(source, key, "expected a list of one or more effects")
    for i, effect in enumerate(effects):
        _effect(effect, source, f"{key}.{i}", True)


def _effect(effect: Any, source: str, key: str, strict: bool) -> dict[str, Any]:
    if not isinstance(effect, dict):
        raise ScenarioError(source, key, "expected a table such as { type = ... }")
    kind = effect.get("type")
    if not strict:  # an unavailable card may name effects the model does not have yet
        if not isinstance(kind, str):
            raise ScenarioError(source, f"{key}.type", "expected a string")
        _check_numbers(effect, source, key)
        return dict(effect)
    if kind not in EFFECT_TYPES:
        raise ScenarioError(source, f"{key}.type", f"allowed: {', '.join(EFFECT_TYPES)}")
    fields = {
        "incident": {"severity"},
        "set_practice": {"practice", "value"},
        "leave": {"role", "count"},
        "hire": {"role", "count"},
        "traffic": {"factor", "days"},
        "freeze": {"days"},
    }[kind]
    extra = sorted(set(effect) - fields - {"type"})
    if extra:
        raise ScenarioError(source, f"{key}.{extra[0]}", f"unknown key; allowed: type, "
                            f"{', '.join(sorted(fields))}")  # fmt: skip
    missing = sorted(fields - set(effect))
    if missing:
        raise ScenarioError(source, f"{key}.{missing[0]}", "missing")
    if kind == "incident":
        severity = effect["severity"]
        if (
            isinstance(severity, bool)
            or not isinstance(severity, int)
            or severity not in (1, 2, 3, 4)
        ):
            raise ScenarioError(source, f"{key}.severity", "allowed: 1, 2, 3, 4")
    elif kind == "set_practice":
        practice = effect["practice"]
        if practice not in PracticesConfig.model_fields:
            allowed = ", ".join(PracticesConfig.model_fields)
            raise ScenarioError(source, f"{key}.practice", f"unknown practice; allowed: {allowed}")
        value = effect["value"]
        if isinstance(value, float) and not math.isfinite(value):
            raise ScenarioError(source, f"{key}.value", f"expected a finite number, got {value}")
        defaults = PracticesConfig().model_dump()
        try:
            PracticesConfig.model_validate({**defaults, practice: effect["value"]})
        except Exception as exc:  # pydantic's ValidationError, summarised
            problem = str(exc).splitlines()[-1].strip()
            raise ScenarioError(source, f"{key}.value", problem) from None
    elif kind in ("traffic", "freeze"):
        for field in sorted(fields):
            value = effect[field]
            low = 1.0 if field == "factor" else 0.0
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or not (low < value <= (100 if field == "factor" else 365))
            ):
                raise ScenarioError(source, f"{key}.{field}", "expected a number: factor in "
                                    "(1, 100], days in (0, 365]")  # fmt: skip
    else:
        if effect["role"] not in ROLES:
            raise ScenarioError(source, f"{key}.role", f"allowed: {', '.join(ROLES)}")
        count = effect["count"]
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1000:
            raise ScenarioError(source, f"{key}.count", "expected a whole number 1..1000")
    return dict(effect)


def _check_numbers(value: Any, source: str, key: str) -> None:
    """Refuse nan and infinity anywhere in ``value`` (an unavailable card's effects are
    kept as written, but still only with finite numbers)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ScenarioError(source, key, f"expected a finite number, got {value}")
    if isinstance(value, dict):
        for name, item in value.items():
            _check_numbers(item, source, f"{key}.{name}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_numbers(item, source, f"{key}.{i}")


def effect_commands(effects: Any, headcount: dict[str, int]) -> list[Command]:
    """The model commands ``effects`` mean now, given the current ``headcount``.

    Relative effects (``leave``, ``hire``) are resolved against ``headcount`` here, at the
    moment they are applied; a leave never takes a role below one person.
    """
    counts = dict(headcount)
    commands: list[Command] = []
    for effect in effects:
        kind = effect["type"]
        if kind == "incident":
            commands.append(InjectIncident(int(effect["severity"])))
        elif kind == "set_practice":
            commands.append(SetPractice(effect["practice"], effect["value"]))
        elif kind == "traffic":
            commands.append(TrafficSpike(float(effect["factor"]), float(effect["days"])))
        elif kind == "freeze":
            commands.append(ReleaseFreeze(float(effect["days"])))
        elif kind in ("leave", "hire"):
            role, count = effect["role"], int(effect["count"])
            size = counts[role] + count if kind == "hire" else max(1, counts[role] - count)
            counts[role] = size
            commands.append(ResizePool(role, size))
    return commands
