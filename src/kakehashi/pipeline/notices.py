"""Every notification of the pipeline, in one place, through the platform's notification service.

No message names an organisation: before disclosure a side learns the other's country and kind only,
and afterwards the introduction's page (its link) shows who is who. Notices are written in the caller's
transaction, so a refused or rolled-back change notifies nobody.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy.orm import Session

from kakehashi.errors import N_
from kakehashi.labels import Label
from kakehashi.notifications.notices import notify
from kakehashi.notifications.params import NoticeParam
from kakehashi.pipeline.models import Agreement, Interest, Introduction

AGENCIES = ("ICE", "JETRO")
ALERT_FAMILY = "alert"  # notices of alerts are e-mailed in digests, never one by one


def _notify(
    session: Session,
    *,
    kind: str,
    message: str,
    params: Mapping[str, NoticeParam],
    link: str,
    users: Iterable[int] = (),
    organisations: Iterable[int] = (),
    agencies: Iterable[str] = (),
    exclude_user: int | None = None,
    email: bool = True,
) -> None:
    notify(
        session,
        kind=kind,
        message=message,
        params=dict(params),
        link=link,
        users=[u for u in users if u is not None],
        organisations=list(organisations),
        agencies=list(agencies),
        exclude_user=exclude_user,
        email=email,
    )


def _officers(intro: Introduction) -> list[int]:
    return [u for u in {intro.officer_a_id, intro.officer_b_id} if u is not None]


def _intro_link(intro: Introduction) -> str:
    return f"/introductions/{intro.id}"


def interest_expressed(
    session: Session, interest: Interest, *, title: str, country: str, actor_user_id: int | None
) -> None:
    _notify(
        session,
        kind="interest.new",
        message=N_("An organisation from %(country)s expressed interest in your opportunity “%(title)s”."),
        params={"country": Label("country", country), "title": title},
        link="/interests",
        organisations=[interest.owner_organisation_id],
        agencies=AGENCIES,
        exclude_user=actor_user_id,
    )


def interest_decided(session: Session, interest: Interest, *, title: str, actor_user_id: int | None) -> None:
    messages = {
        "accepted": N_(
            "Your interest in “%(title)s” was accepted: confirm the introduction to disclose both identities."
        ),
        "declined": N_("Your interest in “%(title)s” was declined."),
        "referred": N_("The owner of “%(title)s” asked the agency to look at your interest."),
    }
    _notify(
        session,
        kind=f"interest.{interest.status}",
        message=messages[interest.status],
        params={"title": title},
        link="/interests",
        organisations=[interest.from_organisation_id],
        agencies=AGENCIES if interest.status == "referred" else (),
        exclude_user=actor_user_id,
    )


def introduction_proposed(session: Session, intro: Introduction, *, actor_user_id: int | None) -> None:
    _notify(
        session,
        kind="intro.proposed",
        message=N_("An agency proposes introduction %(id)s: accept it to disclose both identities."),
        params={"id": intro.id},
        link=_intro_link(intro),
        organisations=[intro.organisation_a_id, intro.organisation_b_id],
        exclude_user=actor_user_id,
    )


def consent_given(
    session: Session, intro: Introduction, *, other_organisation: int, actor_user_id: int | None
) -> None:
    _notify(
        session,
        kind="intro.consent",
        message=N_("The other side accepted introduction %(id)s."),
        params={"id": intro.id},
        link=_intro_link(intro),
        organisations=[other_organisation],
        users=_officers(intro),
        exclude_user=actor_user_id,
    )


def disclosed(session: Session, intro: Introduction, *, actor_user_id: int | None) -> None:
    _notify(
        session,
        kind="intro.disclosed",
        message=N_("Both sides accepted introduction %(id)s: identities are now disclosed."),
        params={"id": intro.id},
        link=_intro_link(intro),
        organisations=[intro.organisation_a_id, intro.organisation_b_id],
        users=_officers(intro),
        exclude_user=actor_user_id,
    )


def stage_changed(session: Session, intro: Introduction, *, actor_user_id: int | None) -> None:
    _notify(
        session,
        kind="intro.stage",
        message=N_("Introduction %(id)s is now at the stage: %(stage)s."),
        params={"id": intro.id, "stage": Label("stage", intro.stage)},
        link=_intro_link(intro),
        organisations=[intro.organisation_a_id, intro.organisation_b_id],
        users=_officers(intro),
        exclude_user=actor_user_id,
    )


def overdue(session: Session, intro: Introduction, *, due: date) -> None:
    officers = _officers(intro)
    _notify(
        session,
        kind="intro.overdue",
        message=N_("The next step of introduction %(id)s was due on %(due)s."),
        params={"id": intro.id, "due": due},
        link=_intro_link(intro),
        users=officers,
        agencies=() if officers else AGENCIES,
    )


def agreement_recorded(
    session: Session, agreement: Agreement, intro: Introduction, *, actor_user_id: int | None
) -> None:
    _notify(
        session,
        kind="intro.agreement",
        message=N_("An agreement (%(subtype)s) was recorded for introduction %(id)s: please confirm it."),
        params={"id": intro.id, "subtype": Label("agreement_subtype", agreement.subtype)},
        link=_intro_link(intro),
        organisations=[intro.organisation_a_id, intro.organisation_b_id],
        users=_officers(intro),
        exclude_user=actor_user_id,
    )


def message_posted(
    session: Session, intro: Introduction, *, organisations: Iterable[int], actor_user_id: int | None
) -> None:
    officers = _officers(intro)
    _notify(
        session,
        kind="message.introduction",
        message=N_("New message in introduction %(id)s."),
        params={"id": intro.id},
        link=_intro_link(intro) + "#messages",
        organisations=organisations,
        users=officers,
        agencies=() if officers else AGENCIES,
        exclude_user=actor_user_id,
    )


def alert_hits(session: Session, *, organisation_id: int, count: int, alert_id: int) -> None:
    _notify(
        session,
        kind="alert.hits",
        message=N_("%(count)s new counterparts match your alert %(alert)s."),
        params={"count": count, "alert": alert_id},
        link="/alerts",
        organisations=[organisation_id],
        email=False,
    )
