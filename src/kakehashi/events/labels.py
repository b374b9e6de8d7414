"""Interface names of the events feature's stored codes (:mod:`kakehashi.events.vocab`), marked for
translation; :data:`kakehashi.labels.VOCABULARIES` includes them (``{{ value|label("event_status") }}``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from kakehashi.errors import N_

EVENT_STATUSES: Final[Mapping[str, str]] = {
    "draft": N_("Draft"),
    "registration": N_("Open for registration"),
    "booking": N_("Open for meeting requests"),
    "scheduled": N_("Scheduled"),
    "published": N_("Agenda published"),
    "held": N_("Held"),
    "closed": N_("Closed"),
}

# What officers do to an event (events.lifecycle.EventAction).
EVENT_ACTIONS: Final[Mapping[str, str]] = {
    "open_registration": N_("Open registration"),
    "open_booking": N_("Open meeting requests"),
    "reopen_booking": N_("Reopen meeting requests"),
    "mark_scheduled": N_("Mark as scheduled"),
    "publish": N_("Publish the agenda"),
    "mark_held": N_("Mark as held"),
    "close": N_("Close the event"),
}

REQUEST_MODES: Final[Mapping[str, str]] = {
    "opt_in": N_("Requests are accepted or declined by the other side"),
    "automatic": N_("Requests count at once"),
}

MEETING_RULES: Final[Mapping[str, str]] = {
    "italy_japan": N_("Italian and Japanese participants meet each other"),
    "cross_country": N_("Participants of different countries meet"),
    "any": N_("Any two participants may meet"),
}

SESSION_PARTS: Final[Mapping[str, str]] = {
    "morning": N_("Morning"),
    "afternoon": N_("Afternoon"),
    "evening": N_("Evening"),
}

REGISTRATION_STATUSES: Final[Mapping[str, str]] = {
    "pending": N_("Waiting for approval"),
    "approved": N_("Approved"),
    "declined": N_("Declined"),
    "withdrawn": N_("Withdrawn"),
}

ATTENDANCE: Final[Mapping[str, str]] = {"on_site": N_("On site"), "online": N_("Online")}

MARKS: Final[Mapping[str, str]] = {
    "must_meet": N_("Must meet"),
    "meet": N_("Meet"),
    "no_thanks": N_("No thanks"),
}

REQUEST_STATUSES: Final[Mapping[str, str]] = {
    "pending": N_("Waiting for an answer"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "withdrawn": N_("Withdrawn"),
    "expired": N_("Expired"),
    "recorded": N_("Recorded"),
}

MEETING_STATUSES: Final[Mapping[str, str]] = {
    "scheduled": N_("Preliminary"),
    "published": N_("Published"),
    "cancelled": N_("Cancelled"),
}

INTERPRETER_PAIRS: Final[Mapping[str, str]] = {
    "it-ja": N_("Italian ↔ Japanese"),
    "en-it": N_("English ↔ Italian"),
    "en-ja": N_("English ↔ Japanese"),
}

RUN_STATUSES: Final[Mapping[str, str]] = {
    "queued": N_("Queued"),
    "running": N_("Running"),
    "succeeded": N_("Finished"),
    "failed": N_("Failed"),
    "cancelled": N_("Cancelled"),
    "stale": N_("Stopped without finishing"),
}

OUTCOMES: Final[Mapping[str, str]] = {"happened": N_("It happened"), "no_show": N_("No-show")}

FEEDBACK_RATINGS: Final[Mapping[str, str]] = {
    "not_held": N_("Did not take place"),
    "insufficient_interest": N_("Insufficient interest"),
    "informative": N_("Informative, no cooperation planned"),
    "cooperation_possible": N_("Cooperation possible"),
}

FOLLOW_UP_ANSWERS: Final[Mapping[str, str]] = {
    "no_further_contact": N_("No further contact"),
    "valuable_contact": N_("Valuable contact"),
    "negotiation_started": N_("Negotiation started"),
    "agreement_reached": N_("Agreement reached"),
}

EVENT_VOCABULARIES: Final[Mapping[str, Mapping[str, str]]] = {
    "event_status": EVENT_STATUSES,
    "event_action": EVENT_ACTIONS,
    "request_mode": REQUEST_MODES,
    "meeting_rule": MEETING_RULES,
    "session_part": SESSION_PARTS,
    "registration_status": REGISTRATION_STATUSES,
    "attendance": ATTENDANCE,
    "mark": MARKS,
    "request_status": REQUEST_STATUSES,
    "meeting_status": MEETING_STATUSES,
    "interpreter_pair": INTERPRETER_PAIRS,
    "run_status": RUN_STATUSES,
    "outcome": OUTCOMES,
    "feedback_rating": FEEDBACK_RATINGS,
    "follow_up_answer": FOLLOW_UP_ANSWERS,
}

# Request and form fields named after a vocabulary (kakehashi.validation shows allowed values by label).
EVENT_FIELD_VOCABULARIES: Final[Mapping[str, str]] = {
    "request_mode": "request_mode",
    "meeting_rule": "meeting_rule",
    "part": "session_part",
    "attendance": "attendance",
    "mark": "mark",
    "rating": "feedback_rating",
    "answer": "follow_up_answer",
    "pair": "interpreter_pair",
    "organisers": "agency",
}
