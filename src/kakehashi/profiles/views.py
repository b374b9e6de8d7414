"""Turning rows into views, with the anonymisation rule applied once, here."""

from __future__ import annotations

import re

import ateco

from kakehashi.accounts.roles import Actor
from kakehashi.profiles.anonymity import (
    NamedIn,
    find_names,
    identifying_names,
    is_japanese,
    normalise,
    opportunity_fields,
)
from kakehashi.profiles.models import Opportunity, Organisation
from kakehashi.profiles.reads import OpportunityRecord, OrganisationRecord
from kakehashi.profiles.schemas import OpportunityView, OrganisationSummary, OrganisationView
from kakehashi.profiles.vocab import Status

# Statuses in which a translation can still be added from the opportunity's page.
TRANSLATABLE = frozenset({Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED})


def sees_identity(actor: Actor, organisation_id: int) -> bool:
    """Organisations stay hidden behind their opportunities until both sides consent (introductions);
    only the owning organisation and the agencies see who posted."""
    return actor.is_staff or actor.belongs_to(organisation_id)


def can_edit_organisation(actor: Actor, organisation_id: int) -> bool:
    return actor.is_staff or actor.belongs_to(organisation_id)


def organisation_summary(org: Organisation | OrganisationRecord) -> OrganisationSummary:
    return OrganisationSummary.model_validate(
        {
            "id": org.id,
            "name": org.name,
            "name_ja": org.name_ja,
            "country": org.country,
            "kind": org.kind,
            "city": org.city,
            "illustrative": org.illustrative,
        }
    )


def organisation_view(org: Organisation, actor: Actor) -> OrganisationView:
    node = ateco.lookup(org.ateco_code) if org.ateco_code else None
    return OrganisationView.model_validate(
        {
            **organisation_summary(org).model_dump(),
            "external_id": org.external_id,
            "name_en": org.name_en,
            "sectors": org.sectors,
            "ateco_code": org.ateco_code,
            "ateco_title": node.title if node is not None else None,
            "jsic_code": org.jsic_code,
            "size": org.size,
            "employees": org.employees,
            "website": org.website,
            "description": org.description,
            "description_language": org.description_language,
            "industry": org.industry,
            "source": org.source,
            "can_edit": can_edit_organisation(actor, org.id),
            "version": org.version,
        }
    )


# An opportunity as loaded for a write (the ORM object) or for showing (a record read by columns).
Readable = Opportunity | OpportunityRecord


def can_translate(actor: Actor, opp: Readable) -> bool:
    """The organisation's members and the agencies add translations, until it expires or is withdrawn."""
    return (actor.is_staff or actor.belongs_to(opp.organisation_id)) and Status(opp.status) in TRANSLATABLE


def names_in_opportunity(opp: Readable) -> list[NamedIn]:
    """Where the opportunity's text (any field, any translation, the external id) names its organisation."""
    org = opp.organisation
    names = identifying_names((org.name, org.name_ja, org.name_en), org.website)
    fields = opportunity_fields(
        title=opp.title,
        description=opp.description,
        keywords=list(opp.keywords or []),
        external_id=opp.external_id,
        translations={t.language: (t.title, t.description) for t in opp.translation_rows},
    )
    return find_names(fields, names)


def _warning(found: NamedIn, org: Organisation | OrganisationRecord) -> dict[str, str]:
    """A finding as shown: the organisation's name as it is recorded (the check compares folded forms)."""
    shown = next(
        (
            raw
            for raw in (org.name, org.name_ja, org.name_en, org.website)
            if raw and _squashed(found.name) in _squashed(raw)
        ),
        found.name,
    )
    return {"field": found.field, "name": shown, "language": "ja" if is_japanese(shown) else "und"}


def _squashed(text: str) -> str:
    return re.sub(r"[\s・]", "", normalise(text))


def opportunity_view(opp: Readable, actor: Actor) -> OpportunityView:
    identified = sees_identity(actor, opp.organisation_id)
    editable = actor.is_staff or (actor.belongs_to(opp.organisation_id) and opp.status == Status.DRAFT)
    warnings = names_in_opportunity(opp) if identified else []
    return OpportunityView.model_validate(
        {
            "id": opp.id,
            # A visitor's reference to the record would be a stable handle on who posted it.
            "external_id": opp.external_id if identified else None,
            "type": opp.type,
            "language": opp.language,
            "title": opp.title,
            "description": opp.description,
            "translations": opp.translations,
            "translation_providers": opp.translation_providers,
            "sectors": opp.sectors,
            "keywords": list(opp.keywords or []),
            "trl": opp.trl,
            "partner_sought": opp.partner_sought,
            "deadline": opp.deadline,
            "status": opp.status,
            "review_note": opp.review_note if identified else None,
            "published_at": opp.published_at,
            "created_at": opp.created_at,
            "updated_at": opp.updated_at,
            "illustrative": opp.illustrative,
            "country": opp.organisation.country,
            "organisation_kind": opp.organisation.kind,
            "anonymised": not identified,
            "organisation": organisation_summary(opp.organisation) if identified else None,
            "can_edit": editable,
            "can_translate": can_translate(actor, opp),
            "anonymity_warnings": [_warning(w, opp.organisation) for w in warnings],
            "version": opp.version,
        }
    )
