"""Opportunities: search, each filter, pagination, read, post, edit, the lifecycle, the review queue."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from kakehashi.accounts.roles import Role
from kakehashi.accounts.service import issue_token
from kakehashi.store import Database
from tests.api.conftest import API, World, assert_error, field_names
from tests.api.payloads import NEW_OPPORTUNITY
from tests.factories import make_opportunity, make_organisation, make_user

# --- search, filters, pagination -------------------------------------------------------------------


class Catalogue:
    """Four published opportunities that differ in every filtered dimension, and one draft."""

    def __init__(self, database: Database) -> None:
        with database.session() as session:
            alpi = make_organisation(session, name="Alpi Semiconduttori S.p.A.", country="IT")
            fuji = make_organisation(session, name="Fujisan Devices K.K.", country="JP")
            self.alpi, self.fuji = alpi.id, fuji.id
            officer = make_user(session, role=Role.OFFICER, agency="JETRO")
            member = make_user(session, organisation=alpi)
            self.officer = {"Authorization": "Bearer " + issue_token(session, officer, max_age_s=600)}
            self.member_alpi = {"Authorization": "Bearer " + issue_token(session, member, max_age_s=600)}
            made = {
                "it_offer": make_opportunity(
                    session,
                    alpi,
                    type="technology_offer",
                    language="it",
                    sectors=["semiconductors"],
                    title="Wafer in carburo di silicio da 200 mm",
                    description="Offriamo wafer in carburo di silicio a bassa densità di difetti per l'elettronica di potenza.",
                    keywords=["SiC"],
                    translations={
                        "en": {
                            "title": "Silicon carbide wafers",
                            "description": "Low-defect SiC wafers for power electronics.",
                        }
                    },
                ),
                "jp_request": make_opportunity(
                    session,
                    fuji,
                    type="technology_request",
                    language="ja",
                    sectors=["semiconductors", "energy"],
                    title="SiCパワーデバイス用ウェハの調達",
                    description="電気自動車向けインバータ用のSiCウェハを安定的に供給できるパートナーを探しています。",
                    keywords=["パワー半導体"],
                ),
                "jp_investment": make_opportunity(
                    session,
                    fuji,
                    type="investment_sought",
                    language="en",
                    sectors=["ai"],
                    title="Series A for edge AI accelerators",
                    description="We seek a Series A lead investor for our low-power edge AI accelerator chips.",
                    keywords=["edge AI"],
                ),
                "it_rd": make_opportunity(
                    session,
                    alpi,
                    type="rd_partner_request",
                    language="en",
                    sectors=["biotech"],
                    title="Partner for microfluidic bioreactors",
                    description="Research partner wanted to co-develop microfluidic bioreactors on silicon.",
                    keywords=["microfluidics"],
                ),
                "it_draft": make_opportunity(
                    session,
                    alpi,
                    status="draft",
                    type="business_offer",
                    language="it",
                    sectors=["other"],
                    title="Distribuzione di componenti in Giappone",
                    description="Cerchiamo distributori giapponesi per i nostri componenti passivi di potenza.",
                ),
            }
            self.ids = {name: opp.id for name, opp in made.items()}

    def names(self, ids: list[int]) -> set[str]:
        by_id = {v: k for k, v in self.ids.items()}
        return {by_id[i] for i in ids}


@pytest.fixture
def catalogue(database: Database, client: TestClient) -> Catalogue:
    made = Catalogue(database)
    client.app.state.matching.sync()  # type: ignore[attr-defined]  # indexed, as the indexer would
    return made


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"it_offer", "jp_request", "jp_investment", "it_rd"}),
        ("type=technology_request", {"jp_request"}),
        ("type=business_offer", set()),
        ("sector=semiconductors", {"it_offer", "jp_request"}),
        ("sector=energy", {"jp_request"}),
        ("country=JP", {"jp_request", "jp_investment"}),
        ("country=IT", {"it_offer", "it_rd"}),
        ("language=en", {"jp_investment", "it_rd"}),
        ("language=ja", {"jp_request"}),
        ("status=published", {"it_offer", "jp_request", "jp_investment", "it_rd"}),
        ("status=draft", set()),
        ("country=JP&language=en", {"jp_investment"}),
        ("sector=semiconductors&country=IT&type=technology_offer", {"it_offer"}),
    ],
)
def test_visitor_search_and_each_filter(
    client: TestClient, catalogue: Catalogue, query: str, expected: set[str]
) -> None:
    assert catalogue.names(_ids(client.get(f"{API}/opportunities?{query}"))) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=draft", {"it_draft"}),
        ("status=in_review", set()),
        ("type=business_offer", {"it_draft"}),
        ("q=Distribuzione&status=draft", {"it_draft"}),  # other statuses: every word must appear
    ],
)
def test_staff_filters_over_every_status(
    client: TestClient, catalogue: Catalogue, query: str, expected: set[str]
) -> None:
    ids = _ids(client.get(f"{API}/opportunities?{query}", headers=catalogue.officer))
    assert catalogue.names(ids) == expected


# --- the list's search is the hybrid retrieval (the fake embedder: similar trigrams, similar vectors) ---


@pytest.mark.parametrize(
    ("q", "best"),
    [
        ("carburo di silicio", "it_offer"),
        ("SiCウェハの調達", "jp_request"),
        ("edge AI accelerator investor", "jp_investment"),
        ("microfluidic bioreactors", "it_rd"),
    ],
)
def test_search_ranks_the_best_answer_first(
    client: TestClient, catalogue: Catalogue, q: str, best: str
) -> None:
    body = client.get(f"{API}/opportunities", params={"q": q}).json()
    assert body["sort"] == "relevance"
    assert catalogue.names([body["items"][0]["id"]]) == {best}
    assert "it_draft" not in catalogue.names([i["id"] for i in body["items"]])  # only what is published


def test_search_combines_with_filters(client: TestClient, catalogue: Catalogue) -> None:
    for query, allowed in [
        ({"type": "technology_request"}, {"jp_request"}),
        ({"country": "IT"}, {"it_offer", "it_rd"}),
        ({"language": "en", "sector": "ai"}, {"jp_investment"}),
        ({"sector": "semiconductors", "country": "JP"}, {"jp_request"}),
    ]:
        ids = _ids(client.get(f"{API}/opportunities", params={"q": "silicon wafers", **query}))
        assert catalogue.names(ids) == allowed, query


def test_search_pages_and_sorts(client: TestClient, catalogue: Catalogue) -> None:
    q = "silicon carbide wafers for power electronics"
    everything = client.get(f"{API}/opportunities", params={"q": q, "page_size": 100}).json()
    ranked = [i["id"] for i in everything["items"]]
    assert len(ranked) == everything["total"] >= 3
    pages = [
        client.get(f"{API}/opportunities", params={"q": q, "page_size": 2, "page": n}).json() for n in (1, 2)
    ]
    assert [i["id"] for page in pages for i in page["items"]] == ranked[:4]
    assert pages[0]["pages"] == -(-everything["total"] // 2)
    newest = client.get(f"{API}/opportunities", params={"q": q, "sort": "newest", "page_size": 100}).json()
    assert newest["sort"] == "newest"
    order = [catalogue.ids[n] for n in ("it_rd", "jp_investment", "jp_request", "it_offer")]
    assert [i["id"] for i in newest["items"]] == [i for i in order if i in ranked]


def test_search_sorts_by_deadline(client: TestClient, database: Database, catalogue: Catalogue) -> None:
    from datetime import date

    from kakehashi.profiles.models import Opportunity

    with database.session() as session:
        session.get(Opportunity, catalogue.ids["jp_request"]).deadline = date(2027, 1, 31)  # type: ignore[union-attr]
        session.get(Opportunity, catalogue.ids["it_rd"]).deadline = date(2027, 6, 30)  # type: ignore[union-attr]
    client.app.state.matching.sync()  # type: ignore[attr-defined]  # what the indexer does after a write
    body = client.get(f"{API}/opportunities", params={"q": "silicon", "sort": "deadline"}).json()
    ids = [i["id"] for i in body["items"]]
    assert ids[:2] == [catalogue.ids["jp_request"], catalogue.ids["it_rd"]]  # soonest first, none last
    listed = client.get(f"{API}/opportunities", params={"sort": "deadline"}).json()  # without q too
    assert [i["id"] for i in listed["items"]][:2] == ids[:2]


def test_search_says_whether_the_index_is_complete(client: TestClient, catalogue: Catalogue) -> None:
    body = client.get(f"{API}/opportunities", params={"q": "wafer"}).json()
    assert (body["index_complete"], body["index_pending"]) == (True, 0)
    client.app.state.embedding_worker.stop()  # type: ignore[attr-defined]  # the indexer falls behind
    matching = client.app.state.matching  # type: ignore[attr-defined]
    with matching.database.session() as session:
        org = make_organisation(session, name="Nuova S.r.l.", country="IT")
        for n in range(65):
            make_opportunity(session, org, title=f"Sensori ottici {n}", description="Sensori per robotica.")
    body = client.get(f"{API}/opportunities", params={"q": "wafer"}).json()
    assert (body["index_complete"], body["index_pending"]) == (False, 65)
    search = client.get(f"{API}/search", params={"q": "wafer"})
    assert (search.headers["X-Index-Complete"], search.headers["X-Index-Pending"]) == ("false", "65")
    matching.sync()
    body = client.get(f"{API}/opportunities", params={"q": "wafer"}).json()
    assert (body["index_complete"], body["index_pending"]) == (True, 0)


def test_staff_find_opportunities_by_organisation_name_visitors_do_not(
    client: TestClient, catalogue: Catalogue
) -> None:
    staff = _ids(client.get(f"{API}/opportunities", params={"q": "Fujisan"}, headers=catalogue.officer))
    assert catalogue.names(staff[:2]) == {"jp_request", "jp_investment"}
    visitor = client.get(f"{API}/opportunities", params={"q": "Fujisan Devices"}).json()
    assert "Fujisan" not in str(visitor)  # nothing reveals the name (and it is not what ranks them)


def test_organisation_filter(client: TestClient, catalogue: Catalogue) -> None:
    query = f"{API}/opportunities?organisation_id={catalogue.alpi}"
    assert catalogue.names(_ids(client.get(query, headers=catalogue.officer))) == {
        "it_offer",
        "it_rd",
        "it_draft",
    }
    assert catalogue.names(_ids(client.get(query, headers=catalogue.member_alpi))) == {
        "it_offer",
        "it_rd",
        "it_draft",
    }


def test_organisation_filter_reveals_nothing_to_others(client: TestClient, catalogue: Catalogue) -> None:
    # Filtering by organisation would tell a visitor (or a competitor) who posted anonymised opportunities.
    assert _ids(client.get(f"{API}/opportunities?organisation_id={catalogue.fuji}")) == []
    query = f"{API}/opportunities?organisation_id={catalogue.fuji}"
    assert _ids(client.get(query, headers=catalogue.member_alpi)) == []


def test_pagination_newest_first(client: TestClient, catalogue: Catalogue) -> None:
    first = client.get(f"{API}/opportunities?page_size=3").json()
    second = client.get(f"{API}/opportunities?page_size=3&page=2").json()
    assert (first["total"], first["page"], first["page_size"], first["pages"]) == (4, 1, 3, 2)
    assert (second["total"], second["page"], second["pages"]) == (4, 2, 2)
    listed = [i["id"] for i in first["items"] + second["items"]]
    published_order = [catalogue.ids[n] for n in ("it_rd", "jp_investment", "jp_request", "it_offer")]
    assert listed == published_order  # made in the opposite order, so newest first


def test_default_page_size_comes_from_settings(client: TestClient, catalogue: Catalogue) -> None:
    assert client.get(f"{API}/opportunities").json()["page_size"] == 20


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("type=joint_venture", "type"),
        ("sector=textiles", "sector"),
        ("country=DE", "country"),
        ("language=fr", "language"),
        ("status=archived", "status"),
        ("organisation_id=abc", "organisation_id"),
        ("page=0", "page"),
        ("page_size=500", "page_size"),
        ("sort=cheapest", "sort"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_bad_filters_are_422_naming_the_parameter(client: TestClient, query: str, field: str) -> None:
    error = assert_error(client.get(f"{API}/opportunities?{query}"), 422, "validation_failed")
    assert field_names(error) == {field}


# --- reading --------------------------------------------------------------------------------------


def test_read_published_as_visitor_owner_and_staff(client: TestClient, world: World) -> None:
    url = f"{API}/opportunities/{world.opps['b_published']}"
    as_visitor = client.get(url).json()
    assert as_visitor["anonymised"] is True
    assert as_visitor["organisation"] is None
    assert as_visitor["country"] == "JP"
    assert as_visitor["can_edit"] is False
    for who in ("member_b", "officer"):
        identified = client.get(url, headers=world.auth(who)).json()
        assert identified["anonymised"] is False
        assert identified["organisation"]["id"] == world.org_b


def test_owner_reads_own_draft(client: TestClient, world: World) -> None:
    body = client.get(f"{API}/opportunities/{world.opps['b_draft']}", headers=world.auth("member_b")).json()
    assert (body["status"], body["can_edit"]) == ("draft", True)


def test_read_unknown_is_404(client: TestClient, world: World) -> None:
    assert_error(client.get(f"{API}/opportunities/999999", headers=world.auth("officer")), 404, "not_found")
    assert_error(client.get(f"{API}/opportunities/0"), 422)


# --- posting --------------------------------------------------------------------------------------


def test_member_posts_for_own_organisation_by_default(client: TestClient, world: World) -> None:
    response = client.post(f"{API}/opportunities", json=NEW_OPPORTUNITY, headers=world.auth("member_a"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "draft"
    assert body["organisation"]["id"] == world.org_a
    assert body["translations"]["en"]["title"] == "GaN-on-Si substrates sought"
    assert body["deadline"] == "2027-03-31"
    stored = client.get(f"{API}/opportunities/{body['id']}", headers=world.auth("member_a")).json()
    assert stored == body


def test_member_may_name_own_organisation(client: TestClient, world: World) -> None:
    body = {**NEW_OPPORTUNITY, "organisation_id": world.org_a}
    response = client.post(f"{API}/opportunities", json=body, headers=world.auth("member_a"))
    assert response.status_code == 201, response.text


def test_staff_posts_for_a_named_organisation(client: TestClient, world: World) -> None:
    body = {**NEW_OPPORTUNITY, "organisation_id": world.org_b}
    response = client.post(f"{API}/opportunities", json=body, headers=world.auth("officer"))
    assert response.status_code == 201, response.text
    assert response.json()["organisation"]["id"] == world.org_b


def test_staff_must_name_the_organisation(client: TestClient, world: World) -> None:
    error = assert_error(
        client.post(f"{API}/opportunities", json=NEW_OPPORTUNITY, headers=world.auth("officer")), 422
    )
    assert field_names(error) == {"organisation_id"}


def test_posting_for_an_unknown_organisation_is_404(client: TestClient, world: World) -> None:
    body = {**NEW_OPPORTUNITY, "organisation_id": 999999}
    assert_error(client.post(f"{API}/opportunities", json=body, headers=world.auth("officer")), 404)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "ab"}, "title"),
        ({"description": "too short"}, "description"),
        ({"trl": 12}, "trl"),
        ({"type": "joint_venture"}, "type"),
        ({"language": "fr"}, "language"),
        ({"sectors": []}, "sectors"),
        ({"deadline": "31/03/2027"}, "deadline"),
        ({"keywords": [""]}, "keywords.0"),
        (
            {"translations": {"en": {"title": "x", "description": "Long enough text here."}}},
            "translations.en.title",
        ),
        (
            {"translations": {"de": {"title": "Titel", "description": "Lang genug hier."}}},
            "translations.de.[key]",
        ),
        ({"organisation_id": 0}, "organisation_id"),
        ({"status": "published"}, "status"),  # the status moves only through the lifecycle
    ],
)
def test_invalid_opportunity_is_422_naming_the_field(
    client: TestClient, world: World, change: dict[str, Any], field: str
) -> None:
    response = client.post(
        f"{API}/opportunities", json={**NEW_OPPORTUNITY, **change}, headers=world.auth("member_a")
    )
    assert field_names(assert_error(response, 422, "validation_failed")) == {field}


def test_failed_posts_write_nothing(client: TestClient, world: World) -> None:
    before = client.get(f"{API}/opportunities", headers=world.auth("officer")).json()["total"]
    client.post(f"{API}/opportunities", json={**NEW_OPPORTUNITY, "trl": 0}, headers=world.auth("member_a"))
    client.post(
        f"{API}/opportunities",
        json={**NEW_OPPORTUNITY, "organisation_id": world.org_b},
        headers=world.auth("member_a"),
    )
    client.post(f"{API}/opportunities", json=NEW_OPPORTUNITY)
    taken = {**NEW_OPPORTUNITY, "external_id": "same"}
    assert client.post(f"{API}/opportunities", json=taken, headers=world.auth("member_a")).status_code == 201
    assert_error(client.post(f"{API}/opportunities", json=taken, headers=world.auth("member_a")), 409)
    after = client.get(f"{API}/opportunities", headers=world.auth("officer")).json()["total"]
    assert after == before + 1


# --- editing --------------------------------------------------------------------------------------


def test_owner_edits_a_draft(client: TestClient, world: World) -> None:
    url = f"{API}/opportunities/{world.opps['a_draft']}"
    patch = {"title": "Wafer SiC da 200 mm, nuova linea", "sectors": ["semiconductors", "energy"], "trl": 8}
    response = client.patch(url, json=patch, headers=world.auth("member_a"))
    assert response.status_code == 200, response.text
    stored = client.get(url, headers=world.auth("member_a")).json()
    assert stored == response.json()
    assert (stored["title"], stored["sectors"], stored["trl"]) == (patch["title"], patch["sectors"], 8)
    assert stored["language"] == "en"  # untouched fields stay


def test_owner_cannot_edit_once_submitted(client: TestClient, world: World) -> None:
    url = f"{API}/opportunities/{world.opps['b_in_review']}"
    assert_error(
        client.patch(url, json={"trl": 3}, headers=world.auth("member_b")), 409, "invalid_transition"
    )
    assert client.get(url, headers=world.auth("member_b")).json()["trl"] == 7


def test_staff_corrects_a_published_one_but_not_a_withdrawn_one(client: TestClient, world: World) -> None:
    published = f"{API}/opportunities/{world.opps['b_published']}"
    assert client.patch(published, json={"trl": 5}, headers=world.auth("officer")).json()["trl"] == 5
    withdrawn = f"{API}/opportunities/{world.opps['b_withdrawn']}"
    assert_error(
        client.patch(withdrawn, json={"trl": 5}, headers=world.auth("officer")), 409, "invalid_transition"
    )


def test_invalid_patch_names_the_field_and_writes_nothing(client: TestClient, world: World) -> None:
    url = f"{API}/opportunities/{world.opps['a_draft']}"
    response = client.patch(
        url, json={"title": "Nuovo titolo valido", "trl": 0}, headers=world.auth("member_a")
    )
    assert field_names(assert_error(response, 422)) == {"trl"}
    assert (
        client.get(url, headers=world.auth("member_a")).json()["title"].startswith("Silicon carbide wafers")
    )


# --- lifecycle ------------------------------------------------------------------------------------


def _move(client: TestClient, world: World, opp: int, action: str, who: str, note: str | None = None) -> Any:
    body = {"note": note} if note is not None else None
    return client.post(f"{API}/opportunities/{opp}/{action}", json=body, headers=world.auth(who))


def test_the_whole_lifecycle_through_the_api(client: TestClient, world: World) -> None:
    opp = client.post(f"{API}/opportunities", json=NEW_OPPORTUNITY, headers=world.auth("member_a")).json()[
        "id"
    ]
    assert _move(client, world, opp, "submit", "member_a").json()["status"] == "in_review"
    queue = client.get(f"{API}/review-queue", headers=world.auth("officer")).json()
    assert opp in [item["id"] for item in queue]
    assert_error(_move(client, world, opp, "publish", "member_a"), 403, "permission_denied")

    sent_back = _move(client, world, opp, "send-back", "officer", note="Please add the wafer diameter.")
    assert sent_back.json()["status"] == "draft"
    own = client.get(f"{API}/opportunities/{opp}", headers=world.auth("member_a")).json()
    assert own["review_note"] == "Please add the wafer diameter."

    assert _move(client, world, opp, "submit", "member_a").json()["status"] == "in_review"
    published = _move(client, world, opp, "publish", "officer").json()
    assert published["status"] == "published"
    assert published["published_at"] is not None
    public = client.get(f"{API}/opportunities/{opp}").json()
    assert (public["status"], public["anonymised"], public["review_note"]) == ("published", True, None)

    assert_error(_move(client, world, opp, "publish", "officer"), 409, "invalid_transition")
    assert _move(client, world, opp, "expire", "officer").json()["status"] == "expired"
    assert_error(client.get(f"{API}/opportunities/{opp}"), 404)  # no longer public


def test_owner_withdraws_a_published_opportunity(client: TestClient, world: World) -> None:
    response = _move(client, world, world.opps["a_published"], "withdraw", "member_a")
    assert response.json()["status"] == "withdrawn"
    assert world.opps["a_published"] not in _ids(client.get(f"{API}/opportunities"))


@pytest.mark.parametrize(
    ("opp", "action"),
    [
        ("b_draft", "publish"),
        ("b_published", "submit"),
        ("b_expired", "withdraw"),
        ("b_withdrawn", "expire"),
        ("b_draft", "send-back"),
    ],
)
def test_transition_not_allowed_from_this_status_is_409(
    client: TestClient, world: World, opp: str, action: str
) -> None:
    assert_error(_move(client, world, world.opps[opp], action, "officer"), 409, "invalid_transition")


def test_member_may_not_expire_own_opportunity(client: TestClient, world: World) -> None:
    assert_error(_move(client, world, world.opps["a_published"], "expire", "member_a"), 403)


@pytest.mark.parametrize(
    ("body", "field"), [({"note": 5}, "note"), ({"reason": "x"}, "reason"), ({"note": "x" * 2001}, "note")]
)
def test_bad_transition_note_is_422(
    client: TestClient, world: World, body: dict[str, Any], field: str
) -> None:
    url = f"{API}/opportunities/{world.opps['b_in_review']}/publish"
    error = assert_error(client.post(url, json=body, headers=world.auth("officer")), 422)
    assert field_names(error) == {field}
    assert (
        client.get(f"{API}/opportunities/{world.opps['b_in_review']}", headers=world.auth("officer")).json()[
            "status"
        ]
        == "in_review"
    )


def test_transition_of_unknown_opportunity_is_404(client: TestClient, world: World) -> None:
    assert_error(_move(client, world, 999999, "withdraw", "officer"), 404)


def test_review_queue_oldest_first_and_staff_only(client: TestClient, world: World) -> None:
    newer = client.post(f"{API}/opportunities", json=NEW_OPPORTUNITY, headers=world.auth("member_a")).json()[
        "id"
    ]
    _move(client, world, newer, "submit", "member_a")
    queue = client.get(f"{API}/review-queue", headers=world.auth("admin"))
    assert [item["id"] for item in queue.json()] == [world.opps["b_in_review"], newer]
    assert all(item["anonymised"] is False for item in queue.json())
    assert_error(client.get(f"{API}/review-queue", headers=world.auth("member_a")), 403, "permission_denied")
    assert_error(client.get(f"{API}/review-queue"), 401, "authentication_required")


# --- translations and the anonymity guard ---------------------------------------------------------

TRANSLATION = {"title": "Quantum annealing partner", "description": "We look for a co-development partner."}


def test_owner_and_staff_translate_a_published_opportunity(client: TestClient, world: World) -> None:
    url = f"{API}/opportunities/{world.opps['b_published']}/translations"
    saved = client.put(f"{url}/en", json=TRANSLATION, headers=world.auth("member_b"))
    assert saved.status_code == 200, saved.text
    assert saved.json()["translations"]["en"]["title"] == TRANSLATION["title"]
    assert saved.json()["translation_providers"] == {"en": "organisation"}
    italian = {
        "title": "Partner per l'annealing quantistico",
        "description": "Cerchiamo un partner di sviluppo.",
    }
    by_officer = client.put(f"{url}/it", json=italian, headers=world.auth("officer")).json()
    assert by_officer["translation_providers"] == {"en": "organisation", "it": "agency"}
    # Readers get it without the page going back to review.
    assert client.get(f"{API}/opportunities/{world.opps['b_published']}").json()["status"] == "published"


def test_a_translation_into_the_original_language_or_of_a_withdrawn_one_is_refused(
    client: TestClient, world: World
) -> None:
    same = client.put(
        f"{API}/opportunities/{world.opps['b_published']}/translations/ja",
        json=TRANSLATION,
        headers=world.auth("member_b"),
    )
    assert field_names(assert_error(same, 422, "validation_failed")) == {"language"}
    withdrawn = client.put(
        f"{API}/opportunities/{world.opps['b_withdrawn']}/translations/en",
        json=TRANSLATION,
        headers=world.auth("member_b"),
    )
    assert_error(withdrawn, 409, "invalid_transition")


def test_visitors_never_get_the_external_id_and_owners_get_the_naming_warnings(
    client: TestClient, world: World, database: Database
) -> None:
    with database.session() as session:
        org = make_organisation(
            session,
            name="Idrosmart Pisa S.r.l.",
            name_ja="イドロスマート",
            website="https://idrosmart.example.it",
        )
        opp = make_opportunity(
            session,
            org,
            external_id="idrosmart-2027-01",
            title="Idrosmart seeks EUR 3.5 million",
            description="ｲﾄﾞﾛｽﾏｰﾄ offers leak detection for water networks in Italy and Japan.",
        )
        member = make_user(session, organisation=org)
        token = {"Authorization": "Bearer " + issue_token(session, member, max_age_s=600)}
    url = f"{API}/opportunities/{opp.id}"
    as_visitor = client.get(url).json()
    assert as_visitor["external_id"] is None
    assert as_visitor["anonymity_warnings"] == []
    listed = client.get(f"{API}/opportunities?page_size=100").json()["items"]
    assert {item["external_id"] for item in listed} == {None}
    as_owner = client.get(url, headers=token).json()
    assert as_owner["external_id"] == "idrosmart-2027-01"
    assert {w["field"] for w in as_owner["anonymity_warnings"]} == {"title", "description", "external_id"}
    assert {"field": "description", "name": "イドロスマート", "language": "ja"} in as_owner[
        "anonymity_warnings"
    ]
