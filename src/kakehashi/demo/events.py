"""The demo's illustrative Italy–Japan event: open for meeting requests, with approved, pending and
declined registrations and requests in every state (loaded once; ``kakehashi demo`` may run again)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kakehashi.accounts.service import SYSTEM
from kakehashi.events import registrations, requests, service
from kakehashi.events.lifecycle import EventAction
from kakehashi.events.models import Event, MeetingRequest, Registration
from kakehashi.events.schemas import EventInput, MarkInput, RegistrationInput
from kakehashi.profiles.models import Organisation
from kakehashi.store.base import utcnow

TITLE_EN = "Italy–Japan Technology Partnering Days 2027 (illustrative)"

EVENT: dict[str, Any] = {
    "title_en": TITLE_EN,
    "title_it": "Giornate di partenariato tecnologico Italia–Giappone 2027 (illustrativo)",
    "title_ja": "日伊技術パートナリング・デイズ 2027（説明用）",
    "description": (
        "Illustrative demo event. One-to-one meetings between Italian and Japanese companies, research "
        "centres and investors in semiconductors, energy, quantum technologies, AI and biotechnology; "
        "Japanese participants may join the morning sessions online from Tokyo."
    ),
    "venue": "Centro Congressi La Nuvola",
    "city": "Roma",
    "time_zone": "Europe/Rome",
    "organisers": ["ICE", "JETRO"],
    # The second day falls after the end of summer time in Europe (31 October 2027).
    "days": ["2027-10-28", "2027-11-02"],
    "sessions": [
        {"part": "morning", "starts": "09:00", "ends": "12:30", "online": True},
        {"part": "afternoon", "starts": "14:00", "ends": "17:30"},
    ],
    "slot_minutes": 30,
    "tables": 12,
    "table_names": ["Sala Tokyo", "Sala Osaka", "Sala Kyoto"],
    "online_capacity": 4,
    "online_link_template": "https://meet.example.org/kakehashi/{uid}",
    "request_mode": "opt_in",
    "request_cap": 8,
    "must_meet_cap": 3,
    "request_expiry_minutes": 3 * 24 * 60,
    "meeting_rule": "italy_japan",
}

# (external id, languages of its representative, online, unavailable slots, status)
PARTICIPANTS: tuple[tuple[str, str, list[str], bool, list[int], str], ...] = (
    ("demo-org-it-001", "Marco Rinaldi", ["it", "en"], False, [0, 1], "approved"),
    ("demo-org-it-002", "Chiara Brambilla", ["it"], False, [], "approved"),
    ("demo-org-it-004", "Luca Ferrero", ["it", "en"], False, [14], "approved"),
    ("demo-org-it-005", "Elena Bianchi", ["it", "en"], False, [], "approved"),
    ("demo-org-it-007", "Paolo Conti", ["it"], False, [], "approved"),
    ("demo-org-it-015", "Sara Moretti", ["it", "en", "ja"], False, [], "approved"),
    ("demo-org-it-014", "Giorgio Greco", ["it"], False, [], "pending"),
    ("demo-org-jp-001", "田中 健一", ["ja", "en"], False, [], "approved"),
    ("demo-org-jp-002", "鈴木 彩", ["ja"], True, [], "approved"),
    ("demo-org-jp-004", "高橋 誠", ["ja", "en"], False, [13], "approved"),
    ("demo-org-jp-008", "伊藤 直樹", ["ja"], True, [], "approved"),
    ("demo-org-jp-012", "渡辺 由美", ["ja", "en"], False, [], "approved"),
    ("demo-org-jp-014", "山本 大輔", ["ja"], False, [], "pending"),
    ("demo-org-jp-016", "中村 翔", ["ja"], False, [], "declined"),
)

# (from, to, mark, note, answer): answer None leaves it pending, "expired" backdates it.
REQUESTS: tuple[tuple[str, str, str, str, str | None], ...] = (
    ("demo-org-it-001", "demo-org-jp-004", "must_meet", "SiC wafers for your power modules.", "accept"),
    ("demo-org-it-001", "demo-org-jp-002", "meet", "Joint characterisation of GaN-on-SiC.", None),
    ("demo-org-jp-001", "demo-org-it-005", "must_meet", "量子センシングの共同研究について", "accept"),
    ("demo-org-jp-002", "demo-org-it-001", "meet", "Epitaxy partnership", None),
    ("demo-org-it-004", "demo-org-jp-008", "must_meet", "Electrolysers for Yokohama port.", None),
    ("demo-org-jp-012", "demo-org-it-007", "meet", "バイオ医薬品の受託製造", "decline"),
    ("demo-org-it-015", "demo-org-jp-001", "meet", "Edge AI chips for quantum control.", "expired"),
    ("demo-org-it-002", "demo-org-jp-012", "no_thanks", "", None),
    ("demo-org-jp-004", "demo-org-it-002", "meet", "MEMS packaging", "accept"),
)


def ensure_demo_event(session: Session) -> None:
    if session.scalar(select(Event.id).where(Event.title_en == TITLE_EN)) is not None:
        return
    event = service.create_event(session, SYSTEM, EventInput.model_validate(EVENT))
    event.illustrative = True
    service.transition(session, SYSTEM, event.id, EventAction.OPEN_REGISTRATION)
    ids = _register(session, event.id)
    service.transition(session, SYSTEM, event.id, EventAction.OPEN_BOOKING)
    _request(session, event.id, ids)
    session.execute(update(Registration).where(Registration.event_id == event.id).values(illustrative=True))
    session.execute(
        update(MeetingRequest).where(MeetingRequest.event_id == event.id).values(illustrative=True)
    )


def _register(session: Session, event_id: int) -> dict[str, int]:
    ids: dict[str, int] = {}
    for external_id, person, languages, online, unavailable, status in PARTICIPANTS:
        org_id = session.scalar(select(Organisation.id).where(Organisation.external_id == external_id))
        if org_id is None:
            continue
        body: dict[str, Any] = {
            "representatives": [{"name": person, "languages": languages}],
            "unavailable_slots": unavailable,
        }
        if online:
            body.update(attendance="online", time_zone="Asia/Tokyo", work_starts="08:30", work_ends="19:00")
        registration = registrations.register(
            session, SYSTEM, event_id, RegistrationInput.model_validate(body), organisation_id=org_id
        )
        if status != "approved":
            registration.status = "pending"
            registration.decided_at = registration.decided_by_id = None
            session.flush()
            if status == "declined":
                registrations.decide(
                    session,
                    SYSTEM,
                    registration.id,
                    approve=False,
                    reason="Outside the sectors of this edition.",
                )
        ids[external_id] = registration.id
    return ids


def _request(session: Session, event_id: int, ids: dict[str, int]) -> None:
    for sender, receiver, mark, note, answer in REQUESTS:
        if sender not in ids or receiver not in ids:
            continue
        data = MarkInput.model_validate(
            {
                "from_registration_id": ids[sender],
                "to_registration_id": ids[receiver],
                "mark": mark,
                "note": note,
            }
        )
        request = requests.mark(session, SYSTEM, event_id, data)
        if answer in ("accept", "decline") and request.status == "pending":
            requests.answer(session, SYSTEM, request.id, accept=answer == "accept")
        elif answer == "expired" and request.status == "pending":
            request.expires_at = utcnow() - timedelta(hours=1)
            session.flush()
