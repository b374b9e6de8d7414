"""B2B meeting scheduling: typed problem, .dzn reader, CP-SAT solver, checker, greedy baseline, exports.

Pure core: nothing here reads the environment or the network; only ``dzn.read_dzn`` and ``export``
touch files, and only where the caller says.
"""

from kakehashi.scheduling.problem import (
    Assignment,
    Change,
    ChangeKind,
    ChangeReason,
    InterpreterPool,
    Meeting,
    Pair,
    Placement,
    Problem,
    Result,
    Session,
    Status,
    Unmet,
    UnmetReason,
    language_pair,
)

__all__ = [
    "Assignment",
    "Change",
    "ChangeKind",
    "ChangeReason",
    "InterpreterPool",
    "Meeting",
    "Pair",
    "Placement",
    "Problem",
    "Result",
    "Session",
    "Status",
    "Unmet",
    "UnmetReason",
    "language_pair",
]
