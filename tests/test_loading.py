"""Tests of sim.loading: every bad input gives one ScenarioError line naming file, key, rule.

Expected ranges and choices are read from the schema (``Scenario.model_fields``), not
copied from the messages, so the tests check that messages say what the schema enforces.
"""

from __future__ import annotations

import json
import math
import pickle
import typing
from pathlib import Path
from typing import Any

import annotated_types
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import loading
from sim.errors import ScenarioError
from sim.loading import (
    apply_overrides,
    builtin_names,
    load_scenario,
    load_with_overrides,
    parse_override,
    scenario_json_schema,
)
from sim.scenario import PracticesConfig, Scenario

MINIMAL = '[scenario]\nname = "x"\n'


# --------------------------------------------------------------------------- helpers


def write(tmp_path: Path, text: str | bytes, name: str = "s.toml") -> str:
    """Write a scenario file and return its path as the string a user would type."""
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def load_error(ref: str) -> ScenarioError:
    """Load ``ref``, expect a ScenarioError, and check its message is one line."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(ref)
    error = info.value
    assert "\n" not in error.message
    assert error.message.startswith(error.source)
    return error


def file_error(tmp_path: Path, text: str | bytes) -> tuple[str, ScenarioError]:
    """Write ``text`` to a file, load it, and return the path and the error."""
    ref = write(tmp_path, text)
    error = load_error(ref)
    assert error.source == ref
    return ref, error


def set_error(overrides: list[str], base: Scenario | None = None) -> ScenarioError:
    """Apply overrides, expect a ScenarioError from --set, and check the message."""
    scenario = base or Scenario.model_validate({"scenario": {"name": "x"}})
    with pytest.raises(ScenarioError) as info:
        apply_overrides(scenario, overrides)
    error = info.value
    assert error.source == "--set"
    assert "\n" not in error.message
    assert error.message.startswith("--set: ")
    return error


def section_model(section: str) -> type:
    return Scenario.model_fields[section].annotation  # type: ignore[return-value]


def bounds(section: str, key: str) -> dict[str, Any]:
    """The numeric constraints of a field, read from its metadata."""
    found: dict[str, Any] = {}
    for item in section_model(section).model_fields[key].metadata:
        for name in ("ge", "gt", "le", "lt"):
            if isinstance(item, getattr(annotated_types, name.capitalize())):
                found[name] = getattr(item, name)
    return found


def bound_texts(section: str, key: str) -> list[str]:
    """How each bound of a field should appear in a message (">= 1", "<= 3650")."""
    symbols = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
    texts = []
    for name, value in bounds(section, key).items():
        number = int(value) if float(value).is_integer() else value
        texts.append(f"{symbols[name]} {number}")
    return texts


def numeric_fields() -> list[tuple[str, str, type]]:
    """Every bounded int or float field of every section."""
    fields = []
    for section in Scenario.model_fields:
        model = section_model(section)
        for key, info in model.model_fields.items():
            if info.annotation in (int, float) and bounds(section, key):
                fields.append((section, key, info.annotation))
    return fields


# --------------------------------------------------------------------------- valid files


def test_minimal_file_loads_with_defaults(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, MINIMAL))
    assert scenario.scenario.name == "x"
    assert scenario == Scenario(scenario={"name": "x"})  # type: ignore[arg-type]
    assert scenario.org.developers == section_model("org").model_fields["developers"].default


def test_full_file_loads_every_toml_type(tmp_path: Path) -> None:
    text = MINIMAL + (
        'learning_goals = ["small batches", "fast feedback"]\n'
        'expected_tier = "high"\n'
        "[run]\ndays = 100\nwarmup_days = 10.5\nseed = 7\n"
        "[org]\ndevelopers = 12\nteams = 3\n"
        '[practices]\ncanary = true\ndeployment = "automated"\n'
        "[incidents]\nseverity_shares = [0.1, 0.2, 0.3, 0.4]\n"
    )
    scenario = load_scenario(write(tmp_path, text))
    assert scenario.run.days == 100.0 and isinstance(scenario.run.days, float)
    assert scenario.run.seed == 7
    assert scenario.org.teams == 3
    assert scenario.practices.canary is True
    assert scenario.incidents.severity_shares == (0.1, 0.2, 0.3, 0.4)
    assert scenario.scenario.learning_goals == ("small batches", "fast feedback")


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, b"\xef\xbb\xbf" + MINIMAL.encode()))
    assert scenario.scenario.name == "x"


def test_loaded_scenario_is_hashable_picklable_and_round_trips(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, MINIMAL + "[org]\ndevelopers = 20\n"))
    again = pickle.loads(pickle.dumps(scenario))
    assert again == scenario
    assert hash(again) == hash(scenario)
    assert len({scenario, again}) == 1
    assert Scenario.model_validate(scenario.model_dump(mode="python")) == scenario
    assert again.content_hash() == scenario.content_hash()


# --------------------------------------------------------------------------- built-ins


def test_builtin_lookup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loading, "SCENARIO_DIR", tmp_path)
    write(tmp_path, '[scenario]\nname = "zeta"\n', "zeta.toml")
    write(tmp_path, '[scenario]\nname = "alpha"\n', "alpha.toml")
    (tmp_path / "notes.txt").write_text("not a scenario")
    assert builtin_names() == ["alpha", "zeta"]
    assert load_scenario("alpha").scenario.name == "alpha"


def test_builtin_names_without_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loading, "SCENARIO_DIR", tmp_path / "missing")
    assert builtin_names() == []


def test_unknown_builtin_lists_names_and_suggests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loading, "SCENARIO_DIR", tmp_path)
    write(tmp_path, MINIMAL, "startup.toml")
    write(tmp_path, MINIMAL, "enterprise.toml")
    error = load_error("startpu")
    assert error.source == "built-in scenario startpu"
    assert "did you mean 'startup'?" in error.message
    assert "enterprise, startup" in error.message
    assert ".toml" in error.message  # how to load a file instead


def test_error_in_builtin_names_the_builtin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loading, "SCENARIO_DIR", tmp_path)
    write(tmp_path, MINIMAL + "[org]\ndevelopers = 0\n", "broken.toml")
    error = load_error("broken")
    assert error.message.startswith("built-in scenario broken: org.developers: ")


def test_empty_reference() -> None:
    assert "path to a .toml file" in load_error("").message


# --------------------------------------------------------------------------- unreadable files


def test_missing_file(tmp_path: Path) -> None:
    ref = str(tmp_path / "nope.toml")
    error = load_error(ref)
    assert error.message == f"{ref}: file not found"


def test_directory_given_as_file(tmp_path: Path) -> None:
    (tmp_path / "dir.toml").mkdir()
    ref = str(tmp_path / "dir.toml")
    error = load_error(ref)
    assert error.source == ref
    assert "directory" in error.message and ".toml file" in error.message


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file_asks_for_scenario_section(tmp_path: Path, text: str) -> None:
    _, error = file_error(tmp_path, text)
    assert error.key == "scenario"
    assert "[scenario] section with a name is required" in error.message


def test_not_toml_gives_line_and_column(tmp_path: Path) -> None:
    ref, error = file_error(tmp_path, MINIMAL + "[org]\ndevelopers = eight\n")
    assert error.message.startswith(f"{ref}: not valid TOML")
    assert "line 4, column 14" in error.message
    assert "double quotes" in error.message


def test_duplicate_key_is_a_toml_error(tmp_path: Path) -> None:
    _, error = file_error(tmp_path, MINIMAL + "[org]\nteams = 1\nteams = 2\n")
    assert "not valid TOML" in error.message


def test_not_utf8(tmp_path: Path) -> None:
    _, error = file_error(tmp_path, b'[scenario]\nname = "caf\xe9"\n')
    assert "not UTF-8" in error.message
    assert "line 2" in error.message and "0xe9" in error.message


# --------------------------------------------------------------------------- structure


def test_top_level_value_that_is_not_a_table(tmp_path: Path) -> None:
    ref, error = file_error(tmp_path, "org = 5\n" + MINIMAL)
    assert error.message.startswith(f"{ref}: org: ")
    assert "table" in error.message and "5 (an integer)" in error.message


def test_array_of_tables_instead_of_table(tmp_path: Path) -> None:
    _, error = file_error(tmp_path, MINIMAL + "[[org]]\ndevelopers = 3\n")
    assert error.key == "org" and "an array" in error.message


def test_key_outside_any_section(tmp_path: Path) -> None:
    ref, error = file_error(tmp_path, "developers = 8\n" + MINIMAL)
    assert error.message.startswith(f"{ref}: developers: unknown top-level key")
    assert "org.developers" in error.message


def test_missing_scenario_section(tmp_path: Path) -> None:
    _, error = file_error(tmp_path, "[org]\ndevelopers = 3\n")
    assert error.key == "scenario"
    assert "[scenario] section with a name is required" in error.message


def test_missing_scenario_name(tmp_path: Path) -> None:
    _, error = file_error(tmp_path, '[scenario]\ntitle = "t"\n')
    assert error.key == "scenario.name"
    assert "missing" in error.message and "string" in error.message


def test_unknown_section_did_you_mean(tmp_path: Path) -> None:
    ref, error = file_error(tmp_path, MINIMAL + "[orgg]\ndevelopers = 8\n")
    assert error.message.startswith(f"{ref}: orgg: unknown section [orgg]; did you mean [org]?")
    for section in Scenario.model_fields:
        assert f"[{section}]" in error.message


def test_unknown_key_did_you_mean(tmp_path: Path) -> None:
    ref, error = file_error(tmp_path, MINIMAL + "[org]\ndeveloprs = 8\n")
    assert error.message.startswith(
        f"{ref}: org.developrs: unknown key 'developrs' in [org]; did you mean 'developers'?"
    )
    allowed = ", ".join(section_model("org").model_fields)
    assert error.message.endswith(f"allowed: {allowed}")


def test_key_in_wrong_section_points_to_its_home(tmp_path: Path) -> None:
    _, error = file_error(tmp_path, MINIMAL + "[org]\ncanary = true\n")
    assert error.key == "org.canary"
    assert "practices.canary" in error.message


def test_key_used_as_section_points_to_its_home(tmp_path: Path) -> None:
    _, error = file_error(tmp_path, MINIMAL + "[canary]\nenabled = true\n")
    assert error.key == "canary"
    assert "practices.canary" in error.message


# --------------------------------------------------------------------------- values


def test_wrong_type_says_expected_integer(tmp_path: Path) -> None:
    ref, error = file_error(tmp_path, MINIMAL + '[org]\ndevelopers = "eight"\n')
    assert error.message.startswith(f"{ref}: org.developers: expected an integer")
    assert '"eight" (a string)' in error.message
    for text in bound_texts("org", "developers"):
        assert text in error.message


def test_float_for_integer_field(tmp_path: Path) -> None:
    _, error = file_error(tmp_path, MINIMAL + "[org]\ndevelopers = 8.0\n")
    assert error.key == "org.developers"
    assert "expected an integer" in error.message and "write 8" in error.message


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [("run", "days", "2024-01-01"), ("practices", "canary", '"yes"'), ("run", "seed", "true")],
)
def test_wrong_toml_types(tmp_path: Path, section: str, key: str, value: str) -> None:
    _, error = file_error(tmp_path, MINIMAL + f"[{section}]\n{key} = {value}\n")
    assert error.key == f"{section}.{key}"
    assert "expected" in error.message


def test_zero_developers(tmp_path: Path) -> None:
    ref, error = file_error(tmp_path, MINIMAL + "[org]\ndevelopers = 0\n")
    assert error.message.startswith(f"{ref}: org.developers: 0 is out of range")
    assert ">= 1" in bound_texts("org", "developers")
    for text in bound_texts("org", "developers"):
        assert text in error.message


def test_huge_horizon(tmp_path: Path) -> None:
    assert bounds("run", "days")["le"] == 3650
    _, error = file_error(tmp_path, MINIMAL + "[run]\ndays = 3651\n")
    assert error.key == "run.days"
    assert "<= 3650" in error.message and "3651" in error.message


@pytest.mark.parametrize(("section", "key", "kind"), numeric_fields())
def test_out_of_range_names_the_schema_bounds(
    tmp_path: Path, section: str, key: str, kind: type
) -> None:
    limits = bounds(section, key)
    high = limits.get("le", limits.get("lt"))
    low = limits.get("ge", limits.get("gt"))
    bad = (high + 1) if high is not None else (low - 1)
    _, error = file_error(tmp_path, MINIMAL + f"[{section}]\n{key} = {kind(bad)!r}\n")
    assert error.key == f"{section}.{key}"
    for text in bound_texts(section, key):
        assert text in error.message


@pytest.mark.parametrize("literal", ["inf", "-inf", "nan", "+inf", "-nan"])
def test_non_finite_numbers(tmp_path: Path, literal: str) -> None:
    _, error = file_error(tmp_path, MINIMAL + f"[workload]\narrivals_per_day = {literal}\n")
    assert error.key == "workload.arrivals_per_day"
    assert "not a finite number" in error.message
    for text in bound_texts("workload", "arrivals_per_day"):
        assert text in error.message


def test_non_finite_in_array(tmp_path: Path) -> None:
    text = MINIMAL + "[incidents]\nimpacted_share = [1.0, nan, 0.1, 0.0]\n"
    _, error = file_error(tmp_path, text)
    assert error.key == "incidents.impacted_share.1"


@pytest.mark.parametrize(
    "key",
    [k for k, f in PracticesConfig.model_fields.items() if typing.get_origin(f.annotation)],
)
def test_unknown_practice_value_lists_allowed(tmp_path: Path, key: str) -> None:
    allowed = typing.get_args(PracticesConfig.model_fields[key].annotation)
    typo = allowed[-1][:-1]  # drop the last letter: close enough for a suggestion
    _, error = file_error(tmp_path, MINIMAL + f'[practices]\n{key} = "{typo}"\n')
    assert error.key == f"practices.{key}"
    assert f'did you mean "{allowed[-1]}"?' in error.message
    for value in allowed:
        assert f'"{value}"' in error.message


def test_literal_written_as_number_suggests_quotes(tmp_path: Path) -> None:
    _, error = file_error(tmp_path, MINIMAL + "[run]\ntier_edition = 2024\n")
    assert error.key == "run.tier_edition"
    assert 'in quotes: "2024"' in error.message


def test_array_of_wrong_length(tmp_path: Path) -> None:
    _, error = file_error(tmp_path, MINIMAL + "[incidents]\nseverity_shares = [0.5, 0.5]\n")
    assert error.key == "incidents.severity_shares"
    assert "got 2 values" in error.message and "exactly 4 numbers" in error.message


def test_array_item_of_wrong_type(tmp_path: Path) -> None:
    text = MINIMAL + '[incidents]\nseverity_shares = [0.5, "a", 0.25, 0.25]\n'
    _, error = file_error(tmp_path, text)
    assert error.key == "incidents.severity_shares.1"
    assert "expected a number" in error.message


def test_name_too_long(tmp_path: Path) -> None:
    _, error = file_error(tmp_path, f'[scenario]\nname = "{"x" * 500}"\n')
    assert error.key == "scenario.name"
    assert "80 characters" in error.message
    assert len(error.message) < 300  # the bad value is shortened


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[run]\ndays = 20\n", "run.warmup_days"),
        ("[org]\nteams = 9\ndevelopers = 4\n", "org.teams"),
        ("[org]\nops = 0\n", "org.ops"),
        ("[incidents]\nseverity_shares = [0.5, 0.5, 0.5, 0.5]\n", "incidents.severity_shares"),
        ("[calendar]\nwork_start_hour = 18\n", "calendar.work_end_hour"),
    ],
)
def test_cross_field_errors_use_the_key_path(tmp_path: Path, text: str, key: str) -> None:
    ref, error = file_error(tmp_path, MINIMAL + text)
    assert error.key == key
    assert error.message.startswith(f"{ref}: {key}: ")
    assert "Value error" not in error.message


# --------------------------------------------------------------------------- overrides


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("org.developers=9", "org.developers", 9),
        (" org.developers = 9 ", "org.developers", 9),
        ("run.days=100.5", "run.days", 100.5),
        ("practices.canary=true", "practices.canary", True),
        ("practices.deployment=automated", "practices.deployment", "automated"),
        ('practices.deployment="automated"', "practices.deployment", "automated"),
        ("incidents.severity_shares=[0.1,0.2,0.3,0.4]", "incidents.severity_shares", None),
        ("scenario.title=two words", "scenario.title", "two words"),
        ("scenario.title=a=b", "scenario.title", "a=b"),
        ("scenario.title=", "scenario.title", ""),
    ],
)
def test_parse_override_types(text: str, key: str, value: Any) -> None:
    parsed_key, parsed = parse_override(text)
    assert parsed_key == key
    if value is None:
        assert parsed == [0.1, 0.2, 0.3, 0.4]
    else:
        assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize("text", ["noequals", "=9", "developers=9", "a.b.c=1", "org.=1", ".x=1"])
def test_parse_override_bad_form(text: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_override(text)
    assert info.value.source == "--set"
    assert "section.key=value" in info.value.message
    assert "\n" not in info.value.message


def test_apply_overrides_stores_typed_values() -> None:
    base = Scenario.model_validate({"scenario": {"name": "x"}})
    result = apply_overrides(
        base,
        [
            "org.developers=9",
            "workload.effort_cv=0.5",
            "practices.canary=true",
            "practices.deployment=automated",
            "incidents.severity_shares=[0.1,0.2,0.3,0.4]",
            'scenario.learning_goals=["a", "b"]',
        ],
    )
    assert result.org.developers == 9
    assert result.workload.effort_cv == 0.5
    assert result.practices.canary is True
    assert result.practices.deployment == "automated"
    assert result.incidents.severity_shares == (0.1, 0.2, 0.3, 0.4)
    assert result.scenario.learning_goals == ("a", "b")
    assert base.org.developers != 9  # the original is untouched
    assert apply_overrides(base, []) is base


def test_override_of_string_field_keeps_text() -> None:
    base = Scenario.model_validate({"scenario": {"name": "x"}})
    result = apply_overrides(base, ["scenario.name=2024", "run.tier_edition=2024"])
    assert result.scenario.name == "2024"
    assert result.run.tier_edition == "2024"


def test_override_unknown_key_did_you_mean() -> None:
    error = set_error(["org.developrs=9"])
    assert error.key == "org.developrs"
    assert "did you mean 'developers'?" in error.message


def test_override_unknown_section_did_you_mean() -> None:
    error = set_error(["practises.canary=true"])
    assert error.key == "practises.canary"
    assert "did you mean [practices]?" in error.message


def test_override_bad_value_is_as_strict_as_the_file(tmp_path: Path) -> None:
    file_message = load_error(write(tmp_path, MINIMAL + "[org]\ndevelopers = 8.0\n")).message
    error = set_error(["org.developers=8.0"])
    assert error.message.split(": ", 1)[1] == file_message.split(": ", 1)[1]


def test_override_unquoted_practice_typo_lists_values() -> None:
    error = set_error(["practices.deployment=automatic"])
    assert error.key == "practices.deployment"
    assert '"manual"' in error.message and '"automated"' in error.message


def test_override_warmup_not_below_days() -> None:
    error = set_error(["run.days=60", "run.warmup_days=60"])
    assert error.key == "run.warmup_days"
    assert "run.days" in error.message


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "1e9"])
def test_override_out_of_range(value: str) -> None:
    error = set_error([f"run.days={value}"])
    assert error.key == "run.days"
    assert "<= 3650" in error.message


def test_load_with_overrides(tmp_path: Path) -> None:
    ref = write(tmp_path, MINIMAL)
    assert load_with_overrides(ref, ["org.developers=30"]).org.developers == 30
    assert load_with_overrides(ref) == load_scenario(ref)


# --------------------------------------------------------------------------- JSON schema


def test_json_schema_has_every_section() -> None:
    schema = scenario_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "Ship It scenario"
    assert set(schema["properties"]) == set(Scenario.model_fields)
    assert schema["additionalProperties"] is False
    assert json.loads(json.dumps(schema)) == schema


# --------------------------------------------------------------------------- properties

CROSS_FIELD = {"run.days", "run.warmup_days", "calendar.work_start_hour", "calendar.work_end_hour"}
NUMERIC = [(s, k, t) for s, k, t in numeric_fields() if f"{s}.{k}" not in CROSS_FIELD]
"""Fields whose every in-range value passes the cross-field rules, given ``BASE``."""


def _toml(value: float | int) -> str:
    """A number as TOML text (repr gives inf, nan and exponents TOML understands)."""
    return repr(value)


@st.composite
def in_range(draw: st.DrawFn) -> tuple[str, str, float | int]:
    section, key, kind = draw(st.sampled_from(NUMERIC))
    limits = bounds(section, key)
    low = limits.get("ge", limits.get("gt"))
    high = limits.get("le", limits.get("lt"))
    if kind is int:
        value: float | int = draw(
            st.integers(
                min_value=None if low is None else int(low) + ("gt" in limits),
                max_value=None if high is None else int(high) - ("lt" in limits),
            )
        )
    else:
        value = draw(
            st.floats(
                min_value=low,
                max_value=high,
                exclude_min="gt" in limits,
                exclude_max="lt" in limits,
                allow_nan=False,
                allow_infinity=False,
            )
        )
    return section, key, value


@st.composite
def out_of_range(draw: st.DrawFn) -> tuple[str, str, float | int]:
    section, key, kind = draw(st.sampled_from(numeric_fields()))
    limits = bounds(section, key)
    options = []
    if "ge" in limits or "gt" in limits:
        low = limits.get("ge", limits.get("gt"))
        if kind is int:
            options.append(st.integers(max_value=int(low) - ("ge" in limits)))
        else:
            options.append(st.floats(max_value=low, exclude_max="ge" in limits))
    if "le" in limits or "lt" in limits:
        high = limits.get("le", limits.get("lt"))
        if kind is int:
            options.append(st.integers(min_value=int(high) + ("le" in limits)))
        else:
            options.append(st.floats(min_value=high, exclude_min="le" in limits))
    if kind is float:
        options.append(st.sampled_from([math.nan, math.inf, -math.inf]))
    return section, key, draw(st.one_of(options))


BASE = Scenario.model_validate(
    {
        "scenario": {"name": "prop"},
        "org": {"structure": "cross_functional", "developers": 10_000},
    }
)
"""No silo staffing rules, and room for any number of teams."""


@given(in_range())
def test_property_in_range_values_are_stored(case: tuple[str, str, float | int]) -> None:
    section, key, value = case
    result = apply_overrides(BASE, [f"{section}.{key}={_toml(value)}"])
    stored = getattr(getattr(result, section), key)
    assert stored == value and type(stored) is type(value)


@given(out_of_range())
def test_property_out_of_range_values_are_scenario_errors(
    case: tuple[str, str, float | int],
) -> None:
    section, key, value = case
    with pytest.raises(ScenarioError) as info:
        apply_overrides(BASE, [f"{section}.{key}={_toml(value)}"])
    assert info.value.key == f"{section}.{key}"
    for text in bound_texts(section, key):
        assert text in info.value.message


ALL_KEYS = [f"{s}.{k}" for s in Scenario.model_fields for k in section_model(s).model_fields]


@given(st.sampled_from([*ALL_KEYS, "org.nope", "nope.x"]), st.text(max_size=40))
def test_property_any_override_text_is_a_value_or_a_scenario_error(key: str, text: str) -> None:
    try:
        apply_overrides(BASE, [f"{key}={text}"])
    except ScenarioError as error:
        assert "\n" not in error.message


TOML_VALUES = [
    "1",
    "0",
    "-3",
    "2.5",
    "1e400",
    "inf",
    "nan",
    "true",
    '"x"',
    "[1, 2]",
    "{a = 1}",
    "1979-05-27",
    '"automated"',
    "[0.25, 0.25, 0.25, 0.25]",
    "'",
]
SECTIONS = [*Scenario.model_fields, "bogus"]
KEYS = sorted({k for s in Scenario.model_fields for k in section_model(s).model_fields} | {"zz"})


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(SECTIONS),
            st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from(TOML_VALUES)), max_size=3),
        ),
        max_size=4,
    )
)
def test_property_any_file_loads_or_is_a_scenario_error(
    tmp_path: Path, tables: list[tuple[str, list[tuple[str, str]]]]
) -> None:
    text = MINIMAL + "".join(
        f"[{section}]\n" + "".join(f"{key} = {value}\n" for key, value in pairs)
        for section, pairs in tables
    )
    ref = write(tmp_path, text)
    try:
        load_scenario(ref)
    except ScenarioError as error:
        assert error.source == ref and "\n" not in error.message


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200))
def test_property_any_bytes_load_or_are_a_scenario_error(tmp_path: Path, data: bytes) -> None:
    ref = write(tmp_path, data)
    try:
        load_scenario(ref)
    except ScenarioError as error:
        assert "\n" not in error.message


def test_a_bare_checkout_finds_the_built_ins_beside_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With only the checkout on ``sys.path`` (no install) ``sim.bundled`` does not exist."""
    from sim import resources

    def missing(package: str) -> None:
        raise ModuleNotFoundError(f"No module named {package!r}")

    monkeypatch.setattr(resources, "files", missing)
    assert resources.scenarios() == resources.CHECKOUT
    assert (resources.CHECKOUT / "legacy-enterprise.toml").is_file()
    assert resources.default_deck().is_file()
