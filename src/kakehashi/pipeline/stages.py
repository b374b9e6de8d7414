"""The introduction stages and who may move them: a pure table, no I/O.

proposed → accepted (only when both sides have consented: never by hand) → met → negotiating →
agreement | closed without agreement. An officer moves an introduction forward one stage at a time
(met may go straight to agreement); any open stage may be closed, with a reason.
"""

from __future__ import annotations

from typing import Final

from kakehashi.pipeline.vocab import Stage

OPEN_STAGES: Final = frozenset({Stage.PROPOSED, Stage.ACCEPTED, Stage.MET, Stage.NEGOTIATING})
DISCLOSED_STAGES: Final = frozenset({Stage.ACCEPTED, Stage.MET, Stage.NEGOTIATING, Stage.AGREEMENT})
# Stages from which an agreement may be recorded (after consent, before closing).
AGREEMENT_STAGES: Final = frozenset({Stage.ACCEPTED, Stage.MET, Stage.NEGOTIATING, Stage.AGREEMENT})

# Moves an officer makes by hand (``accepted`` is reached by consent; ``agreement`` also by recording one).
MOVES: Final[dict[Stage, frozenset[Stage]]] = {
    Stage.PROPOSED: frozenset({Stage.CLOSED}),
    Stage.ACCEPTED: frozenset({Stage.MET, Stage.CLOSED}),
    Stage.MET: frozenset({Stage.NEGOTIATING, Stage.AGREEMENT, Stage.CLOSED}),
    Stage.NEGOTIATING: frozenset({Stage.AGREEMENT, Stage.CLOSED}),
    Stage.AGREEMENT: frozenset(),
    Stage.CLOSED: frozenset(),
}


def may_move(source: Stage, target: Stage) -> bool:
    return target in MOVES[source]


def skips_consent(source: Stage, target: Stage) -> bool:
    """A move from ``proposed`` to a stage that needs both consents first."""
    return source == Stage.PROPOSED and target in DISCLOSED_STAGES
