"""The participant list read by plain-column queries: the same participants, names, sectors, languages and
best stored match (either direction, published opportunities of the model only) as the records say."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kakehashi.events import counterparts
from kakehashi.events.models import Registration
from kakehashi.matching.tables import OpportunityMatch
from kakehashi.profiles.models import Organisation, OrganisationSector
from kakehashi.store import Database
from tests.events.factories import booking_world
from tests.factories import make_opportunity

MODEL = "test-model"


def _match(session: Session, source: int, target: int, score: float, *, model: str = MODEL) -> None:
    explanation: dict[str, Any] = {
        "source_type": "technology_offer",
        "target_type": "technology_request",
        "shared_sectors": ["semiconductors"],
        "term_pairs": [["wafer", "ウェハ", 0.9, False]],
        "sentence_pair": None,
    }
    rank = session.query(OpportunityMatch).filter_by(model_id=model, source_id=source).count()
    session.add(
        OpportunityMatch(
            model_id=model,
            source_id=source,
            rank=rank,
            target_id=target,
            score=score,
            components={"dense": score},
            explanation=explanation,
        )
    )
    session.flush()


def test_the_list_reads_what_the_records_say_with_the_best_match_of_either_direction(
    database: Database,
) -> None:
    with database.session() as session:
        world = booking_world(session, countries=("IT", "IT", "JP", "JP", "JP"))
        it1, jp1, jp2, jp3 = (world.members[n] for n in ("it1", "jp1", "jp2", "jp3"))
        jp1.organisation.name_en = "Kyushu Devices"
        jp1.organisation.sector_rows = [OrganisationSector(sector="quantum"), OrganisationSector(sector="ai")]
        ours = make_opportunity(session, it1.organisation)
        theirs = make_opportunity(session, jp1.organisation, type="technology_request")
        draft = make_opportunity(session, jp2.organisation, status="draft")
        other = make_opportunity(session, jp3.organisation)
        _match(session, ours.id, theirs.id, 0.61)
        _match(session, theirs.id, ours.id, 0.72)  # stored from their side, better: chosen
        _match(session, ours.id, draft.id, 0.95)  # not published: never shown
        _match(session, ours.id, other.id, 0.99, model="another-model")  # another model: not shown
        _match(session, other.id, ours.id, 0.40)
        session.flush()
        listed = counterparts.counterparts(session, it1.actor, world.event.id, model_id=MODEL, locale="en")
        records = {
            r.id: r for r in session.query(Registration).filter(Registration.event_id == world.event.id)
        }
        orgs = {o.id: o for o in session.query(Organisation)}

    assert [v.organisation_name for v in listed] == ["Kyushu Devices", "Org jp3", "Org jp2", "Org it2"]
    for view in listed:
        record = records[view.registration_id]
        assert view.organisation_id == record.organisation_id
        assert view.languages == record.languages
        assert view.sectors == orgs[record.organisation_id].sectors
    best, third, unmatched, same_country = listed
    assert best.sectors == ["ai", "quantum"]  # the vocabulary's order
    assert best.reason is not None
    assert (best.reason.score, best.reason.our_opportunity_id, best.reason.their_opportunity_id) == (
        0.72,
        ours.id,
        theirs.id,
    )
    assert "wafer" in best.reason.summary
    assert third.reason is not None
    assert third.reason.score == 0.40
    assert unmatched.reason is None
    assert not same_country.allowed
    assert same_country.reason is None
