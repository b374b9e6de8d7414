"""Rendered opportunity cards are kept in memory, keyed by what they show: a change written anywhere (here
straight to the store, as another server process would) shows at once, never a stale card."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kakehashi.accounts.service import SYSTEM
from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.profiles import service
from kakehashi.profiles.models import Organisation
from kakehashi.profiles.schemas import OpportunityPatch, OrganisationPatch, TranslationInput
from kakehashi.store import Database
from kakehashi.web.cards import kept_cards
from tests.factories import make_opportunity, make_organisation, make_user
from tests.web.conftest import sign_in


def _cards(page: str) -> str:
    start = page.index('<ul class="card-list">')
    return page[start : page.index("</ul>", start)]


def test_a_change_written_elsewhere_shows_at_once_on_the_list_pages(
    settings: Settings, database: Database
) -> None:
    with database.session() as session:
        org = make_organisation(session, name="Wafer Works", country="IT")
        opp = make_opportunity(session, org, title="Silicon carbide wafers for inverters")
        opp_id, org_id = opp.id, org.id
    reader = TestClient(create_app(settings, database=database), headers={"accept-language": "ja"})
    with reader:
        first = reader.get("/opportunities").text
        assert "Silicon carbide wafers for inverters" in first
        # The kept card is the card (the rest of the page may change meanwhile: the indexing thread).
        assert _cards(first) == _cards(reader.get("/opportunities").text)

        with database.session() as session:
            service.update_opportunity(
                session, SYSTEM, opp_id, OpportunityPatch(title="Gallium nitride wafers for chargers")
            )
        second = reader.get("/opportunities").text
        assert "Gallium nitride wafers for chargers" in second
        assert "Silicon carbide wafers for inverters" not in second

        with database.session() as session:
            service.update_opportunity(
                session,
                SYSTEM,
                opp_id,
                OpportunityPatch(
                    translations={
                        "ja": TranslationInput(
                            title="充電器用の窒化ガリウムウェハ",
                            description="窒化ガリウムのウェハを提供します。",
                        )
                    }
                ),
            )
        third = reader.get("/opportunities").text
        assert "充電器用の窒化ガリウムウェハ" in third

    member = TestClient(create_app(settings, database=database), headers={"accept-language": "en"})
    with member:
        with database.session() as session:
            email = make_user(session, organisation=session.get(Organisation, org_id)).email
        sign_in(member, email)
        assert "Wafer Works" in member.get("/opportunities").text
        with database.session() as session:
            service.update_organisation(session, SYSTEM, org_id, OrganisationPatch(name="Nitride Works"))
        renamed = member.get("/opportunities").text  # the opportunity's own version did not move
        assert "Nitride Works" in renamed
        assert "Wafer Works" not in renamed


def test_the_kept_cards_are_bounded() -> None:
    card = kept_cards(limit=2)
    calls: list[int] = []

    class Opp:
        def __init__(self, n: int) -> None:
            self.id, self.version, self.type, self.language = n, 1, "technology_offer", "en"
            self.title, self.description, self.translations = f"t{n}", "d", {}
            self.status, self.illustrative, self.anonymised = "published", False, True
            self.organisation_kind, self.country, self.organisation = "company", "IT", None
            self.sectors, self.deadline = ["ai"], None

    class Fmt:
        locale, viewer_zone = "en", "Europe/Rome"

    def render(opp: Opp, *, show_status: bool) -> str:
        calls.append(opp.id)
        return f"<li>{opp.title}</li>"

    context = {"locale": "en", "fmt": Fmt()}
    kept = card.__wrapped__ if hasattr(card, "__wrapped__") else card
    for n in (1, 2, 1, 3, 1):
        assert kept(context, Opp(n), render) == f"<li>t{n}</li>"
    assert calls == [1, 2, 3, 1]  # 1 kept, then the cache started again when full
