"""B2B meeting scheduling: typed problem, .dzn reader, CP-SAT solver, checker, greedy baseline, exports.

Pure core: nothing here reads the environment or the network; only ``dzn.read_dzn`` and ``export``
touch files, and only where the caller says.
"""

from kakehashi.scheduling.problem import (
    Assignment,
    Meeting,
    Problem,
    Result,
    Session,
    Status,
)

__all__ = ["Assignment", "Meeting", "Problem", "Result", "Session", "Status"]
