"""A delivery record from a git repository: release tags are the deployments.

:func:`record_from_git` reads the history with pygit2 (libgit2's bindings: no ``git``
program and no parsing of its output) and builds the tables of
:mod:`sim.calibration.record`, as the Textual record was made:

* every tag whose name matches ``tag_pattern`` (``re.search``; by default
  ``v?MAJOR.MINOR[.PATCH]``) and leads to a commit is a deployment, deployed at the tag's
  date: the tagger's date for an annotated tag, else the tagged commit's commit date;
* deployments are taken in date order (ties by version number, then name);
* a deployment's changes are the commits reachable from its tag and from no earlier tag
  (so a tag on an already-released commit has no changes); ``change_id`` is the first 12
  hex digits of the commit id, ``authored_at`` / ``committed_at`` its author and commit
  dates, ``is_merge`` whether it has more than one parent;
* ``version_kind`` compares the version number (the first ``N.N[.N]`` in the tag's name)
  with the closest lower version tagged earlier: ``major`` when the major number differs,
  ``minor`` when the minor does, else ``patch`` (``v1.1.2`` after ``v1.0.2`` is a minor
  release; a maintenance ``v1.2.5`` after ``v2.0.0`` is a patch of ``v1.2.4``).  With no
  lower earlier version the number alone says: ``X.Y.Z`` with ``Z > 0`` is a patch,
  ``X.Y.0`` with ``Y > 0`` a minor, else a major.  A name without a version: empty.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pygit2
from pygit2.enums import RepositoryOpenFlag, SortMode

from sim.calibration.record import (
    CLOCK_SKEW_HOURS,
    RECORD_ROWS_MAX,
    DeliveryRecord,
    typed_changes,
    typed_deployments,
    when_text,
)
from sim.calibration.settings import DEFAULT_TAG_PATTERN
from sim.errors import ScenarioError

CHANGE_ID_HEX = 12
"""Hex digits of a commit id kept as its ``change_id`` (as in the Textual record)."""

_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")
"""The version number in a tag's name: its first ``N.N`` or ``N.N.N``."""

_TAGS = "refs/tags/"

Version = tuple[int, int, int]


@dataclass(frozen=True)
class _Tag:
    name: str
    commit: pygit2.Oid
    when: int
    """Seconds since the epoch (UTC)."""
    version: Version | None


def version_of(name: str) -> Version | None:
    """``(major, minor, patch)`` of the first ``N.N[.N]`` in a tag's name, or ``None``."""
    match = _VERSION.search(name)
    if match is None:
        return None
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch or 0)


def _kind(version: Version, base: Version | None) -> str:
    if base is None:
        return "patch" if version[2] else "minor" if version[1] else "major"
    if version[0] != base[0]:
        return "major"
    return "minor" if version[1] != base[1] else "patch"


def version_kinds(versions: list[Version | None]) -> list[str]:
    """The ``version_kind`` of each version, in release order (module notes)."""
    earlier: list[Version] = []
    kinds: list[str] = []
    for version in versions:
        if version is None:
            kinds.append("")
            continue
        position = bisect.bisect_left(earlier, version)
        kinds.append(_kind(version, earlier[position - 1] if position else None))
        bisect.insort(earlier, version)
    return kinds


def _open(repo_path: str | os.PathLike[str], source: str) -> pygit2.Repository:
    path = Path(repo_path)
    expected = "expected a git repository (a working copy or a bare repository)"
    try:
        exists = path.exists()
    except OSError as exc:
        raise ScenarioError(source, "", f"cannot read: {exc.strerror or exc}") from None
    if not exists:
        raise ScenarioError(source, "", f"not found; {expected}")
    try:
        return pygit2.Repository(str(path), RepositoryOpenFlag.NO_SEARCH)
    except (pygit2.GitError, ValueError, OSError):
        hint = "; make one from a bundle with: git clone BUNDLE DIR" if path.is_file() else ""
        raise ScenarioError(source, "", f"is not a git repository; {expected}{hint}") from None


def _tags(repo: pygit2.Repository, pattern: re.Pattern[str], source: str) -> list[_Tag]:
    """The matching tags that lead to a commit, in date order."""
    names = [name[len(_TAGS) :] for name in repo.references if name.startswith(_TAGS)]
    tags: list[_Tag] = []
    for name in names:
        if not pattern.search(name):
            continue
        target = repo.references[_TAGS + name].resolve().target
        obj = repo[target]
        try:
            commit = obj.peel(pygit2.Commit)
        except (pygit2.GitError, ValueError, TypeError, KeyError):
            continue  # a tag of a tree or a blob: no release
        when = commit.commit_time
        if isinstance(obj, pygit2.Tag) and obj.tagger is not None:
            when = obj.tagger.time
        tags.append(_Tag(name, commit.id, when, version_of(name)))
    if not tags:
        shown = ", ".join(sorted(names)[:5]) or "none"
        raise ScenarioError(
            source,
            "tag_pattern",
            f"no tag matches {pattern.pattern!r}; the repository has {len(names)} tags "
            f"({shown}{', …' if len(names) > 5 else ''}); give a pattern that matches the "
            "release tags",
        )
    return sorted(tags, key=lambda tag: (tag.when, tag.version or (-1, -1, -1), tag.name))


def record_from_git(
    repo_path: str | os.PathLike[str], tag_pattern: str = DEFAULT_TAG_PATTERN
) -> DeliveryRecord:
    """The delivery record of the git repository at ``repo_path`` (module notes).

    Raises :class:`ScenarioError` (one line) for a path that is not a git repository, a
    ``tag_pattern`` that is no regular expression or matches no tag, a history that
    cannot be read (a shallow clone), more than
    :data:`~sim.calibration.record.RECORD_ROWS_MAX` commits, or a commit dated more than
    :data:`~sim.calibration.record.CLOCK_SKEW_HOURS` after the tag that releases it.
    """
    source = str(repo_path)
    try:
        pattern = re.compile(tag_pattern)
    except re.error as exc:
        raise ScenarioError(
            source, "tag_pattern", f"{tag_pattern!r} is not a regular expression: {exc}"
        ) from None
    repo = _open(repo_path, source)
    tags = _tags(repo, pattern, source)
    columns = ("id", "authored", "committed", "tag", "deployed", "merge")
    rows: dict[str, list] = {name: [] for name in columns}
    counts: list[int] = []
    released: set[pygit2.Oid] = set()
    try:
        for tag in tags:
            walker = repo.walk(tag.commit, SortMode.TIME)
            for tip in released:
                walker.hide(tip)
            before = len(rows["id"])
            for commit in walker:
                rows["id"].append(str(commit.id)[:CHANGE_ID_HEX])
                rows["authored"].append(commit.author.time)
                rows["committed"].append(commit.commit_time)
                rows["tag"].append(tag.name)
                rows["deployed"].append(tag.when)
                rows["merge"].append(len(commit.parents) > 1)
                if len(rows["id"]) > RECORD_ROWS_MAX:
                    raise ScenarioError(
                        source, "", f"more than {RECORD_ROWS_MAX} released commits; too large"
                    )
            counts.append(len(rows["id"]) - before)
            released.add(tag.commit)
    except pygit2.GitError as exc:
        raise ScenarioError(source, "", f"cannot read the history: {exc}") from None
    record = _record(source, tags, counts, rows)
    _check_dates(record)
    return record


def _seconds(values: list[int]) -> pd.Series:
    return pd.Series(pd.to_datetime(values, unit="s", utc=True))


def _record(
    source: str, tags: list[_Tag], counts: list[int], rows: dict[str, list]
) -> DeliveryRecord:
    deployments = pd.DataFrame(
        {
            "deployment_id": [tag.name for tag in tags],
            "deployed_at": _seconds([tag.when for tag in tags]),
            "changes": counts,
            "version_kind": version_kinds([tag.version for tag in tags]),
        }
    )
    changes = pd.DataFrame(
        {
            "change_id": rows["id"],
            "authored_at": _seconds(rows["authored"]),
            "committed_at": _seconds(rows["committed"]),
            "deployment_id": rows["tag"],
            "deployed_at": _seconds(rows["deployed"]),
            "is_merge": rows["merge"],
        }
    )
    return DeliveryRecord(
        source=source, changes=typed_changes(changes), deployments=typed_deployments(deployments)
    )


def _check_dates(record: DeliveryRecord) -> None:
    """Refuse a commit dated more than the clock skew after the tag that releases it."""
    changes = record.changes
    late = changes["committed_at"] > changes["deployed_at"] + pd.Timedelta(hours=CLOCK_SKEW_HOURS)
    if late.any():
        row = changes[late].iloc[0]
        raise ScenarioError(
            record.source,
            f"commit {row['change_id']}",
            f"committed at {when_text(row['committed_at'])}, more than {CLOCK_SKEW_HOURS:g} h "
            f"after tag {row['deployment_id']!r} ({when_text(row['deployed_at'])}) that first "
            "releases it: a deployment before its changes (the repository's dates are wrong)",
        )


__all__ = ["CHANGE_ID_HEX", "DEFAULT_TAG_PATTERN", "record_from_git", "version_kinds", "version_of"]
