"""Interface names of the scheduler's reason codes (unmet requests, changed meetings), marked for
translation: pages and e-mails show ``gettext(UNMET_REASONS[code])`` in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from kakehashi.errors import N_

UNMET_REASONS: Final[Mapping[str, str]] = {
    "no_common_slot": N_("No slot that both can attend"),
    "no_interpreter": N_("No interpreter for this language pair when both can attend"),
    "no_table": N_("No table or online place left when both are free"),
    "no_interpreter_left": N_("Interpreters all taken when both are free"),
    "priority": N_("Both could not be free at once: other meetings had priority"),
    "not_chosen": N_("It would fit: the scheduler stopped before taking it"),
}

CHANGE_KINDS: Final[Mapping[str, str]] = {
    "moved": N_("Moved to another time"),
    "reseated": N_("Moved to another table"),
    "mode": N_("Changed between on site and online"),
    "dropped": N_("Cancelled"),
}

CHANGE_REASONS: Final[Mapping[str, str]] = {
    "unavailable": N_("A participant can no longer attend then"),
    "not_allowed": N_("The time or place is no longer possible"),
    "no_interpreter": N_("No interpreter at that time any more"),
    "locked": N_("The organisers fixed a meeting there"),
    "priority": N_("Made room for meetings with higher priority"),
}
