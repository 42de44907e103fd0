"""The stages of the value stream, and how a change's hours are laid out over them.

:data:`STAGES` names every stage of the road from idea to customer, in value-stream
order (what each stage's hours contain is told in :mod:`sim.metrics.valuestream`).  A
change's hours are kept as one flat list of :data:`SLOTS` floats per stage -- waiting,
working and blocking hours -- so ``hours[SLOTS * stage + WAIT]`` is its waiting in
``stage`` (hours); the fold (:mod:`sim.metrics.valuestream_fold`) fills such lists and the
summary (:func:`sim.metrics.valuestream.value_stream`) averages them.
"""

from __future__ import annotations

STAGES: tuple[tuple[str, str, str, str], ...] = (
    (
        "development",
        "development",
        "the development backlog",
        "In the backlog for a developer (and back for rework), then writing the change.",
    ),
    (
        "integration",
        "integration and review",
        "integration and review",
        "From the commit: merging the branch, peer review, the automated tests.",
    ),
    (
        "testing",
        "manual testing",
        "manual testing (the hand-off to QA)",
        "Hand-off to QA, waiting for a tester, then testing the single change.",
    ),
    (
        "release",
        "waiting for a release",
        "the release train (waiting for the batch to leave)",
        "Ready, waiting for the next release train, or on demand for the batch ahead.",
    ),
    (
        "regression",
        "regression cycle",
        "the regression cycle",
        "Waiting for a test environment and testers, then regression-testing the batch.",
    ),
    (
        "approval",
        "change approval (CAB)",
        "change approval (CAB)",
        "Waiting for the change advisory board to meet and approve the batch.",
    ),
    (
        "window",
        "deployment window",
        "the deployment window",
        "Approved, waiting for the maintenance window (or a freeze, a deploy ahead).",
    ),
    (
        "deploy",
        "deployment",
        "the deployment",
        "Waiting for an ops engineer, deploying, a canary's bake until all users have it.",
    ),
    (
        "rolled_back",
        "live, then rolled back",
        "failed changes taken back from production",
        "A faulty change's time in production before a rollback took it back for rework.",
    ),
)
"""Every stage: ``(key, name, constraint name, one-line explanation)``, in value-stream
order.  The constraint name is the stage as a sentence names it ("the constraint is the
regression cycle")."""

STAGE_KEYS: tuple[str, ...] = tuple(stage[0] for stage in STAGES)
"""Stage keys in value-stream order."""

STAGE_INDEX: dict[str, int] = {key: index for index, key in enumerate(STAGE_KEYS)}
"""Position of each stage key in :data:`STAGE_KEYS`."""
STAGE_COUNT = len(STAGE_KEYS)
"""Number of stages."""
DEVELOPMENT, INTEGRATION, TESTING, RELEASE, REGRESSION, APPROVAL, WINDOW, DEPLOY, ROLLED = range(
    STAGE_COUNT
)
"""Stage indices, in value-stream order (positions in :data:`STAGE_KEYS`)."""
WAIT, WORK, BLOCKED = 0, 1, 2
"""Offsets of the waiting, working and blocking hours within a stage's slots."""
SLOTS = 3
"""Per stage an item keeps waiting, working and blocking hours: ``hours[SLOTS * stage + …]``."""
