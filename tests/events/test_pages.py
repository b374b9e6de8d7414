"""Event pages through their forms: an officer creates an event and opens it, two organisations register
and are approved, they mark each other and one declines; errors come back in the interface language."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kakehashi.accounts.roles import Role
from kakehashi.events.models import Event, MeetingRequest, Registration
from kakehashi.store import Database
from tests.factories import make_opportunity, make_organisation, make_user
from tests.web.conftest import index_now, post_form, sign_in

EVENT_FORM = {
    "title_it": "Giornate dei semiconduttori",
    "title_ja": "半導体デー",
    "title_en": "Semiconductor Days",
    "venue": "Palazzo dei Congressi",
    "city": "Roma",
    "time_zone": "Europe/Rome",
    "organisers": ["ICE", "JETRO"],
    "days": "2027-10-29 2027-11-01",
    "morning_starts": "09:00",
    "morning_ends": "12:00",
    "morning_online": "1",
    "afternoon_starts": "14:00",
    "afternoon_ends": "16:00",
    "slot_minutes": "30",
    "tables": "4",
    "online_capacity": "2",
    "request_cap": "5",
    "expiry_value": "2",
    "expiry_unit": "days",
    "request_mode": "opt_in",
    "meeting_rule": "italy_japan",
}


def _people(database: Database) -> dict[str, str]:
    with database.session() as session:
        officer = make_user(session, role=Role.OFFICER, agency="JETRO")
        italian = make_organisation(session, name="Silicio Etneo", country="IT")
        japanese = make_organisation(session, name="Kyushu Power Devices", country="JP")
        make_opportunity(session, italian)
        make_opportunity(
            session,
            japanese,
            type="technology_request",
            title="SiC wafers wanted",
            description="We seek silicon carbide wafers for our power modules.",
        )
        return {
            "officer": officer.email,
            "it": make_user(session, organisation=italian).email,
            "jp": make_user(session, organisation=japanese).email,
        }


def _event_id(database: Database) -> int:
    with database.session() as session:
        event = session.query(Event).one()
        return event.id


def test_the_whole_registration_and_request_flow_through_the_pages(
    client: TestClient, database: Database
) -> None:
    people = _people(database)
    index_now(client)
    sign_in(client, people["officer"])
    created = post_form(client, "/events/new", EVENT_FORM)
    assert created.status_code == 303, created.text
    event_id = _event_id(database)
    page = client.get(f"/events/{event_id}")
    assert "Semiconductor Days" in page.text
    assert page.text.count("<tr><td>") == 2 * (6 + 4)
    post_form(client, f"/events/{event_id}/transition", {"action": "open_registration", "version": "1"})

    for who, language in (("it", "it"), ("jp", "ja")):
        client.cookies.clear()
        sign_in(client, people[who])
        assert 'data-testid="register"' in client.get(f"/events/{event_id}").text
        sent = post_form(
            client,
            f"/events/{event_id}/register",
            {
                "rep_name_0": f"Rep {who}",
                "rep_languages_0": [language, "en"],
                "attendance": "on_site",
                "unavailable": ["0"],
            },
        )
        assert sent.status_code == 303, sent.text
        assert "Waiting for approval" in client.get(f"/events/{event_id}").text

    client.cookies.clear()
    sign_in(client, people["officer"])
    with database.session() as session:
        ids = {r.organisation_id: (r.id, r.version) for r in session.query(Registration)}
    for registration_id, version in ids.values():
        decided = post_form(
            client,
            f"/events/{event_id}/registrations/{registration_id}/decide",
            {"decision": "approve", "version": str(version)},
        )
        assert decided.status_code == 303
    assert client.get(f"/events/{event_id}/registrations").text.count("Approved") == 2
    post_form(client, f"/events/{event_id}/transition", {"action": "open_booking", "version": "2"})

    client.cookies.clear()
    sign_in(client, people["it"])
    listing = client.get(f"/events/{event_id}/participants")
    assert "Kyushu Power Devices" in listing.text
    assert 'data-testid="reason"' in listing.text
    with database.session() as session:
        japanese = (
            session.query(Registration).join(Registration.representatives).filter_by(name="Rep jp").one().id
        )
        italian = (
            session.query(Registration).join(Registration.representatives).filter_by(name="Rep it").one().id
        )
    post_form(client, f"/events/{event_id}/marks", {"to": str(japanese), "mark": "must_meet", "note": "SiC"})
    own_mark = post_form(client, f"/events/{event_id}/marks", {"to": str(italian), "mark": "meet"})
    assert own_mark.status_code == 303
    assert (
        "You cannot request a meeting with yourself." in client.get(f"/events/{event_id}/participants").text
    )

    client.cookies.clear()
    sign_in(client, people["jp"])
    with database.session() as session:
        request = session.query(MeetingRequest).one()
    assert "Silicio Etneo" in client.get(f"/events/{event_id}/requests").text
    post_form(
        client,
        f"/events/{event_id}/requests/{request.id}/answer",
        {"answer": "decline", "version": str(request.version)},
    )
    with database.session() as session:
        assert session.query(MeetingRequest).one().status == "declined"


def test_a_bad_event_form_names_the_fields_in_italian(client: TestClient, database: Database) -> None:
    people = _people(database)
    sign_in(client, people["officer"])
    bad = {**EVENT_FORM, "time_zone": "Mars/Olympus", "days": ""}
    response = post_form(client, "/events/new", bad)
    assert response.status_code == 422
    client.cookies.set("kakehashi_locale", "it")
    italian = post_form(client, "/events/new", bad)
    assert "Mars/Olympus" in italian.text
    assert 'data-testid="form-errors"' in italian.text
