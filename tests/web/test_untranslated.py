"""Every page and every error, rendered in Italian, Japanese and English, shows no untranslated text.

The pages are every GET page route of the web app (a new page route fails the coverage test until it
is listed in ``PAGES``), each seen by a visitor, a member, an officer and an administrator, with the
data it needs. The errors are every KakehashiError class (raised by a probe route), the HTTP errors
(404, 405, 500), the validation errors of a query and of a form, a 403 of a role, the expired form
(CSRF), a 409 of a transition. ``tests/web/untranslated.py`` says what counts as untranslated.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

import kakehashi
from kakehashi.accounts.models import User
from kakehashi.accounts.roles import Role
from kakehashi.config import Settings
from kakehashi.errors import N_, FieldProblem, KakehashiError
from kakehashi.events.agenda_models import Feedback
from kakehashi.events.models import Event, EventTable
from kakehashi.notifications import notify
from kakehashi.profiles.models import Opportunity, OpportunityTranslation, Organisation
from kakehashi.store import Database
from tests.events.day_world import event_for_every_page
from tests.factories import make_opportunity, make_organisation, make_user
from tests.web.conftest import csrf_token, sign_in
from tests.web.untranslated import untranslated, visible_texts

LOCALES = ("it", "ja", "en")
ROLES = ("visitor", "member", "officer", "admin")

# Every GET page route, with the address that shows it ({...} filled from the world).
PAGES: dict[str, list[str]] = {
    "/": ["/"],
    "/signin": ["/signin"],
    "/opportunities": ["/opportunities", "/opportunities?sector=semiconductors&country=JP"],
    "/opportunities/{opportunity_id}": [
        "/opportunities/{published_it}",
        "/opportunities/{published_jp}",
        "/opportunities/{draft_it}",
        "/opportunities/{in_review_it}",
    ],
    "/opportunities/{opportunity_id}/edit": ["/opportunities/{draft_it}/edit"],
    "/organisations": ["/organisations", "/organisations?country=IT"],
    "/organisations/{organisation_id}": ["/organisations/{org_it}", "/organisations/{org_jp}"],
    "/organisations/{organisation_id}/matches": ["/organisations/{org_it}/matches"],
    "/search": ["/search", "/search?q=carburo+di+silicio"],
    "/review": ["/review"],
    "/my/organisation": ["/my/organisation"],
    "/my/opportunities/new": ["/my/opportunities/new"],
    "/password/forgot": ["/password/forgot"],
    "/password/reset": ["/password/reset?token=unknown-token"],
    "/account/password": ["/account/password"],
    "/admin/users": ["/admin/users"],
    "/admin/audit": ["/admin/audit"],
    "/jobs": ["/jobs"],
    "/events/{event_id}/schedule": ["/events/{event_id}/schedule"],
    "/events/{event_id}/meetings/{meeting_id}/move": [
        "/events/{event_id}/meetings/{meeting_id}/move",
        "/events/{event_id}/meetings/{meeting_id}/move?slot=1&table=online",
        "/events/{event_id}/meetings/{meeting_id}/move?slot=2&table={table_id}",
    ],
    "/events/{event_id}/agenda": ["/events/{event_id}/agenda"],
    "/events/{event_id}/agenda/{registration_id}": ["/events/{event_id}/agenda/{registration_it}"],
    "/events/{event_id}/print/participants": ["/events/{event_id}/print/participants"],
    "/events/{event_id}/print/tables": ["/events/{event_id}/print/tables"],
    "/events/{event_id}/desk": ["/events/{event_id}/desk"],
    "/events/{event_id}/feedback": ["/events/{event_id}/feedback"],
    "/events/{event_id}/meetings/{meeting_id}/follow-up": [
        "/events/{event_id}/meetings/{meeting_id}/follow-up"
    ],
    "/notices": ["/notices"],
    "/account/notifications": ["/account/notifications"],
    "/events": ["/events"],
    "/events/new": ["/events/new"],
    "/events/{event_id}": ["/events/{event}"],
    "/events/{event_id}/edit": ["/events/{event}/edit"],
    "/events/{event_id}/register": ["/events/{event}/register"],
    "/events/{event_id}/registrations": ["/events/{event}/registrations"],
    "/events/{event_id}/participants": [
        "/events/{event}/participants",
        "/events/{event}/participants?registration={reg_jp}",
    ],
    "/events/{event_id}/requests": ["/events/{event}/requests"],
    "/interests": ["/interests"],
    "/introductions": ["/introductions", "/introductions?country=JP&idle=true&agency=JETRO"],
    "/introductions/{introduction_id}": [
        "/introductions/{intro_disclosed}",
        "/introductions/{intro_proposed}",
    ],
    "/alerts": ["/alerts"],
    "/analytics": [
        "/analytics",
        "/analytics?start=2026-13-01&end=2026-01-01&sector=tourism&granularity=week",
    ],
    "/analytics/sections/{key}": [
        "/analytics/sections/funnel",
        "/analytics/sections/trends?start=2026-13-01",
    ],
    "/analytics/fragments/{key}": [
        "/analytics/fragments/sector_country",
        "/analytics/fragments/events?sector=x",
    ],
    "/analytics/reports/{token}": ["/analytics/reports/{report_token}"],
}
# GET routes that are not pages (a redirect, the JSON health probes, a file export; the error of a bad
# value is among ERRORS).
NOT_PAGES = {
    "/language/{locale}",
    "/probe/error/{name}",
    "/probe/crash",
    "/healthz",
    "/readyz",
    "/admin/audit/export",
    "/events/{event_id}/agenda.ics",
    "/introductions/{introduction_id}/audit.csv",
    "/analytics/reports/{token}/file",
    "/analytics/exports/{key}.{file_format}",
    "/analytics/charts/{key}.svg",
}
# Addresses that end in an error page (each as every role).
ERRORS = [
    "/opportunities/999999",  # NotFound with a parameter
    "/opportunities/{in_review_jp}",  # exists, but not visible: the same 404
    "/nothing-here",  # Starlette's 404
    "/opportunities?type=spaceship&sector=quantum",  # a bad query value: field and allowed values
    "/search?type=spaceship",  # ValidationFailed with Choices from a page
    "/opportunities?page=abc",  # int_parsing
    "/language/xx",  # NotFound with a parameter, from the language switch
    "/probe/crash",  # 500
]


@dataclass
class World:
    ids: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    data: list[str] = field(default_factory=list)

    def url(self, template: str) -> str:
        return template.format(**self.ids)


def _every_error_class() -> list[type[KakehashiError]]:
    for module in pkgutil.walk_packages(kakehashi.__path__, "kakehashi."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    found: list[type[KakehashiError]] = []
    pending: list[type[KakehashiError]] = [KakehashiError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return sorted(found, key=lambda cls: cls.__name__)


def _probe_router(classes: dict[str, type[KakehashiError]]) -> APIRouter:
    router = APIRouter()

    @router.get("/probe/error/{name}")
    def raise_error(name: str) -> None:
        error = classes[name].__new__(classes[name])
        KakehashiError.__init__(
            error,
            "Opportunity %(id)s does not exist.",
            params={"id": 4242},
            problems=[FieldProblem("title", "Write at most %(n)s characters.", params={"n": 300})],
        )
        raise error

    @router.get("/probe/crash")
    def crash() -> None:
        raise RuntimeError("a bug")

    return router


@pytest.fixture
def error_classes() -> dict[str, type[KakehashiError]]:
    return {cls.__name__: cls for cls in _every_error_class()}


@pytest.fixture
def probed_app(app: FastAPI, error_classes: dict[str, type[KakehashiError]]) -> FastAPI:
    app.include_router(_probe_router(error_classes))
    return app


@pytest.fixture
def world(database: Database, settings: Settings) -> World:
    built = World()
    with database.session() as session:
        org_it = make_organisation(
            session,
            name="Meccanica Subalpina S.r.l.",
            country="IT",
            city="Torino",
            industry="retail",
            size="small",
            employees=42,
            description="Progettiamo sensori e moduli di potenza in carburo di silicio.",
            description_language="it",
            sectors=["semiconductors", "energy"],
        )
        org_jp = make_organisation(
            session,
            name="Kansai Hikari Kogyo",
            name_ja="関西光工業株式会社",
            country="JP",
            kind="research",
            city="Osaka",
            industry="steel",
            description="量子センサーとフォトニクスの研究開発を行っています。",
            description_language="ja",
            sectors=["quantum"],
        )
        built.ids.update(org_it=org_it.id, org_jp=org_jp.id)
        italian = {
            "language": "it",
            "title": "Moduli di potenza in carburo di silicio",
            "description": "Offriamo moduli di potenza SiC per inverter industriali.",
            "keywords": ["carburo di silicio", "inverter"],
            "partner_sought": "Un produttore giapponese di inverter.",
            "deadline": date(2027, 8, 31),
        }
        japanese = {
            "language": "ja",
            "type": "technology_request",
            "title": "量子センサーの共同研究パートナー募集",
            "description": "量子センサーの実用化に向けた共同研究パートナーを探しています。",
            "keywords": ["量子センサー"],
            "sectors": ["quantum"],
            "deadline": date(2027, 5, 31),
        }
        for status in ("published", "draft", "in_review"):
            built.ids[f"{status}_it"] = make_opportunity(session, org_it, status=status, **italian).id
            built.ids[f"{status}_jp"] = make_opportunity(session, org_jp, status=status, **japanese).id
        published = session.get(Opportunity, built.ids["published_it"])
        assert published is not None
        published.published_at = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
        users = {
            "member": make_user(session, role=Role.MEMBER, organisation=org_it),
            "officer": make_user(session, role=Role.OFFICER, agency="JETRO"),
            "admin": make_user(session, role=Role.ADMIN),
        }
        built.emails = {role: user.email for role, user in users.items()}
        built.ids.update(event_for_every_page(session, org_it_id=org_it.id, org_jp_id=org_jp.id))
        built.ids["table_id"] = session.scalar(
            select(EventTable.id).where(EventTable.event_id == built.ids["event_id"])
        )
        notify(
            session,
            kind="alert.match",
            message=N_("Your notification settings are saved."),
            link="/account/notifications",
            users=[user.id for user in users.values()],
            email=False,
        )
        built.ids.update(_event(session, users["officer"], org_it, org_jp))
        _pipeline(session, built, users, org_jp)
        built.data = _stored_texts(session)
        built.ids["report_token"] = _report(settings, users["officer"].id)
    return built


def _report(settings: Settings, officer_id: int) -> int:
    """A quarterly report the officer asked for (its page: waiting; others are refused)."""
    from kakehashi.analytics.report import ReportRequest, record_request

    token = 7_000_000_000_000_001  # a report's token is any 16+ letters or digits
    record_request(settings, str(token), ReportRequest(quarter="2026Q3", locale="ja"), user_id=officer_id)
    return token


def _event(session: Any, officer: User, org_it: Organisation, org_jp: Organisation) -> dict[str, int]:
    """A JETRO event open for requests: both organisations approved, a request each way."""
    from kakehashi.accounts.service import actor_for
    from kakehashi.events import registrations, requests, service
    from kakehashi.events.lifecycle import EventAction
    from kakehashi.events.schemas import MarkInput, RegistrationInput
    from tests.events.factories import event_input

    staff = actor_for(officer)
    event = service.create_event(session, staff, event_input(organisers=["JETRO"]))
    service.transition(session, staff, event.id, EventAction.OPEN_REGISTRATION)
    ids = {"event": event.id}
    for name, org, language in (("reg_it", org_it, "it"), ("reg_jp", org_jp, "ja")):
        data = RegistrationInput.model_validate(
            {"representatives": [{"name": f"Rappresentante {language}", "languages": [language]}]}
        )
        ids[name] = registrations.register(session, staff, event.id, data, organisation_id=org.id).id
    service.transition(session, staff, event.id, EventAction.OPEN_BOOKING)
    for sender, receiver in (("reg_it", "reg_jp"), ("reg_jp", "reg_it")):
        data = MarkInput(
            to_registration_id=ids[receiver], mark="meet", note="SiC", from_registration_id=ids[sender]
        )
        requests.mark(session, staff, event.id, data)
    return ids


def _pipeline(session: Any, built: World, users: dict[str, User], org_jp: Organisation) -> None:
    """A disclosed introduction at "met" with a JPY investment, a next step and a message; a proposal."""
    from kakehashi.pipeline import agreements, conversation, interests, introductions
    from kakehashi.pipeline.schemas import (
        AgreementInput,
        FollowUpInput,
        InterestInput,
        MoveInput,
        ProposalInput,
    )
    from kakehashi.pipeline.vocab import Stage
    from tests.factories import actor

    owner, officer = actor(users["member"]), actor(users["officer"])
    asker = actor(make_user(session, role=Role.MEMBER, organisation=org_jp))
    note = InterestInput(opportunity_id=built.ids["published_it"], note="量子センサーに関心があります。")
    intro = interests.accept(session, owner, interests.express(session, asker, note).id)
    introductions.consent(session, asker, intro.id)
    introductions.move(session, officer, intro.id, MoveInput(stage=Stage.MET), today=date(2026, 11, 20))
    follow = FollowUpInput(next_step="Invio campioni", next_step_due=date(2026, 11, 25), follow="both")
    introductions.follow_up(session, officer, intro.id, follow)
    money = {
        "amount": "150000000",
        "currency": "JPY",
        "jpy_per_eur": "162.35",
        "description": "Quota di minoranza",
    }
    agreement = {"category": "investment", "subtype": "equity", "signed_on": "2026-11-28", **money}
    agreements.record(session, officer, intro.id, AgreementInput.model_validate(agreement))
    conversation.post(session, owner, intro.id, "Buongiorno, vi mandiamo i campioni.")
    proposal = ProposalInput(
        opportunity_a_id=built.ids["published_jp"], opportunity_b_id=built.ids["published_it"]
    )
    built.ids.update(
        intro_disclosed=intro.id, intro_proposed=introductions.propose(session, officer, proposal).id
    )


def _stored_texts(session: Any) -> list[str]:
    """Free text the world stored (names, titles, e-mails): data, shown as written."""
    texts: list[str] = []
    for org in session.scalars(select(Organisation)):
        texts += [org.name, org.name_ja, org.name_en, org.city, org.website, org.description, org.external_id]
    for opp in session.scalars(select(Opportunity)):
        texts += [opp.title, opp.description, opp.partner_sought, opp.external_id, *opp.keywords]
    for translation in session.scalars(select(OpportunityTranslation)):
        texts += [translation.title, translation.description]
    from kakehashi.events.models import Representative

    for event in session.scalars(select(Event)):
        texts += [event.title_en, event.title_it, event.title_ja, event.venue, event.city, event.time_zone]
    texts += [rep.name for rep in session.scalars(select(Representative))]
    for row in session.scalars(select(Feedback)):
        texts.append(row.comment)
    for user in session.scalars(select(User)):
        texts += [user.email, user.display_name]
    from kakehashi.pipeline.models import Agreement, Interest, Introduction, IntroductionMessage

    texts += [i.note for i in session.scalars(select(Interest))]
    texts += [i.next_step for i in session.scalars(select(Introduction))]
    texts += [m.body for m in session.scalars(select(IntroductionMessage))]
    texts += [a.description for a in session.scalars(select(Agreement))]
    return [text for text in texts if text]


def _clients(app: FastAPI, world: World, locale: str) -> Iterator[tuple[str, TestClient]]:
    for role in ROLES:
        with TestClient(app, headers={"accept-language": locale}, raise_server_exceptions=False) as client:
            if role != "visitor":
                sign_in(client, world.emails[role])
            yield role, client


def _problems(response: Any, locale: str, world: World) -> list[str]:
    if "text/html" not in response.headers.get("content-type", ""):
        return [f"not a page: {response.headers.get('content-type')}"]
    html = response.text
    if locale == "en":
        texts = " ".join(visible_texts(html, "en"))
        return [f"unfilled placeholder in {texts[:200]!r}"] if "%(" in texts or "{{" in texts else []
    return untranslated(html, locale, data=world.data)


def _render_everything(app: FastAPI, world: World, locale: str, error_names: list[str]) -> list[str]:
    """Every page and every error as every role; returns what was found untranslated, per address."""
    failures: list[str] = []
    for role, client in _clients(app, world, locale):
        addresses = [world.url(url) for urls in PAGES.values() for url in urls]
        addresses += [world.url(url) for url in ERRORS]
        addresses += [f"/probe/error/{name}" for name in error_names]
        for address in addresses:
            response = client.get(address, follow_redirects=True)
            failures += [f"{locale} {role} GET {address}: {p}" for p in _problems(response, locale, world)]
        for address, response in _posted_errors(client, world, role):
            failures += [f"{locale} {role} POST {address}: {p}" for p in _problems(response, locale, world)]
    return failures


def _posted_errors(client: TestClient, world: World, role: str) -> Iterator[tuple[str, Any]]:
    # The expired form: no CSRF token.
    yield (
        "/opportunities/{id}/actions/submit (no token)",
        client.post(f"/opportunities/{world.ids['draft_it']}/actions/submit"),
    )
    token = csrf_token(client)
    # A transition that the status does not allow (409), or a role that may not (403/404).
    yield (
        "/opportunities/{id}/actions/submit",
        client.post(f"/opportunities/{world.ids['published_it']}/actions/submit", data={"csrf_token": token}),
    )
    yield (
        "/opportunities/{id}/actions/fly",
        client.post(f"/opportunities/{world.ids['draft_it']}/actions/fly", data={"csrf_token": token}),
    )
    yield "DELETE /", client.delete("/")
    if role in ("member", "admin"):
        # A form with bad values comes back with each problem next to its field.
        form = {"csrf_token": token, "type": "spaceship", "language": "it", "title": "", "trl": "12"}
        yield "/my/opportunities/new", client.post("/my/opportunities/new", data=form)


def _get_paths(routes: Any, prefix: str = "") -> Iterator[str]:
    """Paths of every GET route, through included routers (FastAPI keeps them nested)."""
    for route in routes:
        if hasattr(route, "original_router"):
            yield from _get_paths(route.original_router.routes, prefix + route.include_context.prefix)
        elif isinstance(route, APIRoute) and "GET" in route.methods:
            yield prefix + route.path


def test_every_page_route_is_covered(app: FastAPI) -> None:
    routes = {path for path in _get_paths(app.routes) if not path.startswith(("/api", "/docs"))}
    assert routes - NOT_PAGES == set(PAGES), "list the new page in PAGES (with the data it needs)"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_page_and_error_is_in_the_interface_language(
    probed_app: FastAPI, world: World, error_classes: dict[str, type[KakehashiError]], locale: str
) -> None:
    failures = _render_everything(probed_app, world, locale, sorted(error_classes))
    assert failures == [], "\n".join(failures[:60]) + f"\n({len(failures)} in all)"


def test_the_checker_finds_english_on_an_italian_and_a_japanese_page() -> None:
    english = '<html lang="{lang}"><body><p>Opportunity 999999 does not exist.</p><p lang="en">Data</p></body></html>'
    assert untranslated(english.format(lang="it"), "it")
    assert untranslated(english.format(lang="ja"), "ja")
    pydantic = "<html lang=\"it\"><body><li>type: Input should be 'technology_offer'</li></body></html>"
    assert untranslated(pydantic, "it")
    data = '<html lang="ja"><body><dt>業種</dt><dd>retail</dd></body></html>'
    assert untranslated(data, "ja") == ["'retail' has no Japanese"]
    clean = (
        '<html lang="ja"><body><p>案件 999999 は存在しません。</p><p lang="it">Moduli SiC</p></body></html>'
    )
    assert untranslated(clean, "ja") == []
