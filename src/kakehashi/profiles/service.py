"""Profiles service: every read and write of organisations and opportunities, with the role rules.

Every function takes the acting :class:`Actor` first. Reading something one may not see is a 404 (its
existence stays private); writing to another organisation is a 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, Text, and_, cast, false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kakehashi.accounts.roles import Actor
from kakehashi.audit import service as audit
from kakehashi.audit.service import AuditKind
from kakehashi.errors import (
    Conflict,
    FieldProblem,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from kakehashi.labels import Label
from kakehashi.profiles.lifecycle import (
    EDITABLE_BY_OWNER,
    EDITABLE_BY_STAFF,
    PUBLIC_STATUSES,
    RULES,
    Action,
)
from kakehashi.profiles.models import (
    Opportunity,
    OpportunitySector,
    OpportunityTranslation,
    Organisation,
    OrganisationSector,
)
from kakehashi.profiles.notices import tell_owner_of_review
from kakehashi.profiles.reads import OpportunityRecord, load_records, record_select, records_by_id
from kakehashi.profiles.schemas import (
    OpportunityFilters,
    OpportunityInput,
    OpportunityPatch,
    OpportunityView,
    OrganisationInput,
    OrganisationPatch,
    OrganisationView,
    Page,
    TranslationInput,
)
from kakehashi.profiles.views import (
    can_edit_organisation,
    can_translate,
    opportunity_view,
    organisation_view,
    sees_identity,
)
from kakehashi.profiles.vocab import Language, Sector, Status
from kakehashi.store.base import utcnow

# --- organisations -------------------------------------------------------------------------------


def create_organisation(session: Session, actor: Actor, data: OrganisationInput) -> Organisation:
    if not actor.is_staff:
        raise PermissionDenied("Only agency officers and administrators register organisations.")
    _require_new_external_id(session, Organisation, data.external_id)
    org = Organisation()
    apply_organisation(org, data.model_dump(exclude={"sectors"}), data.sectors)
    session.add(org)
    write(session)
    return org


def update_organisation(
    session: Session,
    actor: Actor,
    organisation_id: int,
    patch: OrganisationPatch,
    *,
    expected_version: int | None = None,
) -> Organisation:
    """Apply ``patch``; with ``expected_version`` (If-Match, a form's hidden field) only if still current."""
    org = _organisation(session, organisation_id)
    if not can_edit_organisation(actor, org.id):
        raise PermissionDenied("You can only edit your own organisation.")
    require_version(org.version, expected_version)
    changes = patch.model_dump(exclude_unset=True, exclude={"sectors"})
    apply_organisation(org, changes, patch.sectors)
    org.updated_at = utcnow()  # always an UPDATE, so the version is checked and bumped even for sectors alone
    write(session)
    return org


def require_version(current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise StaleVersion(
            "The record was changed by someone else: it is at version %(current)s, not %(expected)s.",
            params={"current": current, "expected": expected},
        )


def write(session: Session) -> None:
    """Flush, turning the store's verdicts on a race into the errors the edges map to a 409.

    A version that moved on between our read and our UPDATE (the WHERE found no row) is a stale write;
    a unique value inserted by a concurrent request after our check is a duplicate.
    """
    try:
        session.flush()
    except StaleDataError:
        raise StaleVersion(
            "The record was changed by someone else meanwhile; nothing was written. Read it and try again."
        ) from None
    except IntegrityError:
        raise Conflict(
            "A record with the same unique value was written meanwhile; nothing was written.",
            problems=[FieldProblem("external_id", "already used by another record")],
        ) from None


def apply_organisation(org: Organisation, values: dict[str, object], sectors: list[Sector] | None) -> None:
    for key, value in values.items():
        setattr(org, key, value.value if hasattr(value, "value") else value)
    if sectors is not None:
        wanted = [s.value for s in sectors]
        org.sector_rows = [row for row in org.sector_rows if row.sector in wanted] + [
            OrganisationSector(sector=s) for s in wanted if s not in org.sectors
        ]


def _require_new_external_id(
    session: Session, model: type[Organisation] | type[Opportunity], external_id: str | None
) -> None:
    """A clear 409 naming the field, rather than the store's unique-constraint error."""
    if external_id and session.scalar(select(model.id).where(model.external_id == external_id)) is not None:
        raise Conflict(
            "The external id %(external_id)s is taken already.",
            params={"external_id": repr(external_id)},
            problems=[FieldProblem("external_id", "already used by another record")],
        )


def get_organisation(session: Session, actor: Actor, organisation_id: int) -> OrganisationView:
    return organisation_view(_organisation(session, organisation_id), actor)


def list_organisations(
    session: Session,
    actor: Actor,
    *,
    q: str | None = None,
    country: str | None = None,
    sector: str | None = None,
    page: int = 1,
    page_size: int = 20,
    concepts: Sequence[Sequence[str]] = (),
) -> Page[OrganisationView]:
    """Organisations whose name or description contains ``q``, or mentions every one of ``concepts``
    (each given by its forms in any language: how a Japanese query finds an Italian description)."""
    query = select(Organisation)
    if q:
        pattern = f"%{q.strip().lower()}%"
        by_text = or_(
            func.lower(Organisation.name).like(pattern),
            func.lower(Organisation.name_ja).like(pattern),
            func.lower(Organisation.description).like(pattern),
        )
        if concepts:
            mentions = [
                or_(*(func.lower(Organisation.description).like(f"%{form.lower()}%") for form in forms))
                for forms in concepts
                if forms
            ]
            by_text = or_(by_text, and_(*mentions))
        query = query.where(by_text)
    if country:
        query = query.where(Organisation.country == country)
    if sector:
        query = query.where(
            Organisation.id.in_(
                select(OrganisationSector.organisation_id).where(OrganisationSector.sector == sector)
            )
        )
    total, rows = _paginate(session, query.order_by(Organisation.name, Organisation.id), page, page_size)
    return Page[OrganisationView](
        items=[organisation_view(o, actor) for o in rows], total=total, page=page, page_size=page_size
    )


def _organisation(session: Session, organisation_id: int) -> Organisation:
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound("Organisation %(id)s does not exist.", params={"id": organisation_id})
    return org


# --- opportunities -------------------------------------------------------------------------------


def create_opportunity(
    session: Session, actor: Actor, organisation_id: int, data: OpportunityInput
) -> Opportunity:
    """A new opportunity starts as a draft of the given organisation."""
    org = _organisation(session, organisation_id)
    if not can_edit_organisation(actor, org.id):
        raise PermissionDenied("You can only post opportunities for your own organisation.")
    _require_new_external_id(session, Opportunity, data.external_id)
    opp = Opportunity(organisation_id=org.id, status=Status.DRAFT.value, created_by_id=actor.user_id)
    opp.organisation = org
    apply_opportunity(opp, data.model_dump(exclude={"sectors", "translations"}), data.sectors)
    set_translations(opp, data.translations)
    session.add(opp)
    write(session)
    return opp


def update_opportunity(
    session: Session,
    actor: Actor,
    opportunity_id: int,
    patch: OpportunityPatch,
    *,
    expected_version: int | None = None,
) -> Opportunity:
    opp = _readable_opportunity(session, actor, opportunity_id)
    _require_editable(actor, opp)
    require_version(opp.version, expected_version)
    apply_opportunity(
        opp, patch.model_dump(exclude_unset=True, exclude={"sectors", "translations"}), patch.sectors
    )
    if patch.translations is not None:
        set_translations(opp, patch.translations, provided_by=_provider(actor, opp))
    opp.updated_at = utcnow()  # always an UPDATE: translations or sectors alone are checked and bumped too
    write(session)
    return opp


def _require_editable(actor: Actor, opp: Opportunity) -> None:
    status = Status(opp.status)
    if actor.is_staff:
        if status not in EDITABLE_BY_STAFF:
            raise InvalidTransition(
                "An opportunity that is %(status)s can no longer be edited.",
                params={"status": Label("status", status.value)},
            )
    elif actor.belongs_to(opp.organisation_id):
        if status not in EDITABLE_BY_OWNER:
            raise InvalidTransition(
                "This opportunity is %(status)s: only drafts can be edited. Withdraw it and post a new one.",
                params={"status": Label("status", status.value)},
            )
    else:
        raise PermissionDenied("You can only edit your own organisation's opportunities.")


def apply_opportunity(opp: Opportunity, values: dict[str, object], sectors: list[Sector] | None) -> None:
    for key, value in values.items():
        setattr(opp, key, value.value if hasattr(value, "value") else value)
    if sectors is not None:
        wanted = [s.value for s in sectors]
        opp.sector_rows = [row for row in opp.sector_rows if row.sector in wanted] + [
            OpportunitySector(sector=s) for s in wanted if s not in opp.sectors
        ]


def set_translations(
    opp: Opportunity, translations: dict[Language, TranslationInput], *, provided_by: str = "organisation"
) -> None:
    """Replace the translations, updating rows in place (one row per language, the original excluded).
    A new or changed text is credited to ``provided_by``; an unchanged one keeps its provider."""
    wanted = {str(lang): t for lang, t in translations.items() if str(lang) != opp.language}
    kept = {row.language: row for row in opp.translation_rows if row.language in wanted}
    for lang, t in wanted.items():
        row = kept.get(lang) or OpportunityTranslation(language=lang)
        if (row.title, row.description) != (t.title, t.description):
            row.title, row.description, row.provided_by = t.title, t.description, provided_by
        kept[lang] = row
    opp.translation_rows = [kept[lang] for lang in sorted(kept)]


def _provider(actor: Actor, opp: Opportunity) -> str:
    return "organisation" if actor.belongs_to(opp.organisation_id) or not actor.is_staff else "agency"


def save_translation(
    session: Session,
    actor: Actor,
    opportunity_id: int,
    language: Language,
    data: TranslationInput,
    *,
    expected_version: int | None = None,
) -> Opportunity:
    """Add or replace one translation: the organisation's members and the agency officers may, from the
    draft until the opportunity expires or is withdrawn (a translation changes no commitment, so a
    published opportunity need not go back to review).

    A translation is part of its opportunity: it is checked against the opportunity's version and bumps
    it, in the same conditional UPDATE, so that two translators (or a translator and an editor) cannot
    both win."""
    opp = _readable_opportunity(session, actor, opportunity_id)
    if not (actor.is_staff or actor.belongs_to(opp.organisation_id)):
        raise PermissionDenied("Only the organisation and the agencies translate its opportunities.")
    if not can_translate(actor, opp):
        raise InvalidTransition(
            "A %(status)s opportunity can no longer be translated.",
            params={"status": Label("status", opp.status)},
        )
    if language.value == opp.language:
        raise ValidationFailed(
            "The translation must be in another language than the original.",
            problems=[FieldProblem("language", "This is the original language.")],
        )
    current = {Language(lang): TranslationInput.model_validate(t) for lang, t in opp.translations.items()}
    require_version(opp.version, expected_version)
    current[language] = data
    set_translations(opp, current, provided_by=_provider(actor, opp))
    opp.updated_at = utcnow()  # always an UPDATE of the opportunity: its version is checked and bumped
    write(session)
    return opp


def transition(
    session: Session,
    actor: Actor,
    opportunity_id: int,
    action: Action,
    *,
    note: str | None = None,
    expected_version: int | None = None,
) -> Opportunity:
    """Move an opportunity along its lifecycle, if the actor may and the current status allows it.

    The move is one conditional UPDATE (``WHERE id = ? AND version = ?``, the version read with the
    status): if anyone moved or edited the opportunity in between, no row matches and nothing is written,
    so the caller is never told "withdrawn" about an opportunity that ends up published.
    """
    opp = _readable_opportunity(session, actor, opportunity_id)
    rule = RULES[action]
    is_owner = actor.belongs_to(opp.organisation_id)
    if not ((is_owner and rule.owner_may) or (actor.is_staff and rule.staff_may)):
        raise PermissionDenied(
            "You may not do this to the opportunity: %(action)s.",
            params={"action": Label("action", action.value)},
        )
    require_version(opp.version, expected_version)
    if Status(opp.status) not in rule.sources:
        raise InvalidTransition(
            "%(action)s is not possible for an opportunity that is %(status)s.",
            params={"action": Label("action", action.value), "status": Label("status", opp.status)},
        )
    before = opp.status
    opp.status = rule.target.value
    opp.updated_at = utcnow()
    if rule.target == Status.PUBLISHED:
        opp.published_at = utcnow()
    if action in (Action.SEND_BACK, Action.PUBLISH):
        opp.review_note = note or None
    write(session)
    audit.record(
        session,
        AuditKind.OPPORTUNITY_TRANSITION,
        actor_user_id=actor.user_id,
        target=f"opportunity:{opp.id}",
        detail={"action": action.value, "from": before, "to": opp.status},
    )
    tell_owner_of_review(session, actor, opp, action)
    return opp


def expire_due(session: Session, actor: Actor, *, today: date) -> int:
    """Expire every published opportunity whose deadline has passed; returns how many."""
    if not actor.is_staff:
        raise PermissionDenied("Only agency officers expire opportunities.")
    due = session.scalars(
        select(Opportunity).where(Opportunity.status == Status.PUBLISHED.value, Opportunity.deadline < today)
    ).all()
    for opp in due:
        opp.status = Status.EXPIRED.value
    write(session)
    return len(due)


def get_opportunity(session: Session, actor: Actor, opportunity_id: int) -> OpportunityView:
    record = records_by_id(session, [opportunity_id]).get(opportunity_id)
    if record is None or not _may_read(actor, record):
        raise NotFound("Opportunity %(id)s does not exist.", params={"id": opportunity_id})
    return opportunity_view(record, actor)


def _readable_opportunity(session: Session, actor: Actor, opportunity_id: int) -> Opportunity:
    opp = session.get(Opportunity, opportunity_id)
    if opp is None or not _may_read(actor, opp):
        raise NotFound("Opportunity %(id)s does not exist.", params={"id": opportunity_id})
    return opp


def _may_read(actor: Actor, opp: Opportunity | OpportunityRecord) -> bool:
    return Status(opp.status) in PUBLIC_STATUSES or actor.is_staff or actor.belongs_to(opp.organisation_id)


def list_opportunities(
    session: Session,
    actor: Actor,
    filters: OpportunityFilters,
    *,
    page: int = 1,
    page_size: int = 20,
    sort: str = "newest",
) -> Page[OpportunityView]:
    """Search (by words) and filter what the actor may read, newest first or by ``sort="deadline"``."""
    query = _visible_to(record_select(), actor)
    query = _filtered(query, filters, anonymous=not actor.is_staff)
    if filters.organisation_id is not None and not sees_identity(actor, filters.organisation_id):
        # Listing an organisation's opportunities would tell who posted the anonymised ones.
        query = query.where(false())
    if sort == "deadline":
        query = query.order_by(Opportunity.deadline.is_(None), Opportunity.deadline, Opportunity.id.desc())
    else:
        query = query.order_by(
            func.coalesce(Opportunity.published_at, Opportunity.created_at).desc(), Opportunity.id.desc()
        )
    page = max(page, 1)
    total = session.scalar(_counted(query)) or 0
    records = load_records(session, query.limit(page_size).offset((page - 1) * page_size))
    return Page[OpportunityView](
        items=[opportunity_view(r, actor) for r in records], total=total, page=page, page_size=page_size
    )


def list_ranked_opportunities(
    session: Session,
    actor: Actor,
    filters: OpportunityFilters,
    ranked_ids: Sequence[int],
    *,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = 20,
) -> Page[OpportunityView]:
    """The opportunities of ``ranked_ids`` (a search's answer, best first) that the actor may read and
    that pass ``filters`` (its ``q`` is ignored: the ranking answered it), in ``sort`` order:
    "relevance" (the ranking's), "newest" or "deadline" (soonest first, none last)."""
    if not ranked_ids:
        return Page[OpportunityView](items=[], total=0, page=page, page_size=page_size)
    # What the order needs of every candidate first; full records only for the page shown.
    light = select(
        Opportunity.id, Opportunity.published_at, Opportunity.created_at, Opportunity.deadline
    ).select_from(Opportunity)
    query = _filtered(_visible_to(light, actor), filters.model_copy(update={"q": None}), anonymous=True)
    if filters.organisation_id is not None and not sees_identity(actor, filters.organisation_id):
        query = query.where(false())
    rows = list(session.execute(query.where(Opportunity.id.in_(list(ranked_ids)))))
    position = {doc_id: rank for rank, doc_id in enumerate(ranked_ids)}
    rows.sort(key=_sort_key(sort, position))
    start = (max(page, 1) - 1) * page_size
    shown = [row.id for row in rows[start : start + page_size]]
    records = records_by_id(session, shown)
    return Page[OpportunityView](
        items=[opportunity_view(records[i], actor) for i in shown if i in records],
        total=len(rows),
        page=page,
        page_size=page_size,
    )


def opportunity_ids_named_after_organisation(session: Session, actor: Actor, q: str) -> list[int]:
    """For the agencies only: opportunities whose organisation's name contains every word of ``q`` (a
    search never matches hidden names for anyone else), newest first."""
    if not actor.is_staff or not q.split():
        return []
    names = and_(*(func.lower(Organisation.name).like(f"%{word}%") for word in q.lower().split()))
    return list(
        session.scalars(
            select(Opportunity.id)
            .where(Opportunity.organisation_id.in_(select(Organisation.id).where(names)))
            .order_by(Opportunity.id.desc())
        )
    )


def _sort_key(sort: str, position: dict[int, int]) -> Callable[[Any], tuple[object, ...]]:
    """Orders rows with ``id``, ``published_at``, ``created_at`` and ``deadline``."""

    def relevance(o: Any) -> tuple[object, ...]:
        return (position[o.id],)

    def newest(o: Any) -> tuple[object, ...]:
        return (-(o.published_at or o.created_at).timestamp(), -o.id)

    def deadline(o: Any) -> tuple[object, ...]:
        return (o.deadline is None, o.deadline or date.max, position[o.id])

    return {"relevance": relevance, "newest": newest, "deadline": deadline}[sort]


def review_queue(session: Session, actor: Actor) -> list[OpportunityView]:
    if not actor.is_staff:
        raise PermissionDenied("The review queue is for agency officers.")
    rows = session.scalars(
        select(Opportunity)
        .where(Opportunity.status == Status.IN_REVIEW.value)
        .order_by(Opportunity.updated_at, Opportunity.id)
    ).all()
    return [opportunity_view(o, actor) for o in rows]


# A select over the opportunities: of ORM objects, of their ids, or of records' columns.
Query = TypeVar("Query", bound=Select[*tuple[Any, ...]])


def _visible_to(query: Query, actor: Actor) -> Query:
    if actor.is_staff:
        return query
    public = Opportunity.status.in_([s.value for s in PUBLIC_STATUSES])
    if actor.organisation_id is not None:
        return query.where(or_(public, Opportunity.organisation_id == actor.organisation_id))
    return query.where(public)


def _filtered(query: Query, filters: OpportunityFilters, *, anonymous: bool) -> Query:
    if filters.q:
        query = query.where(_text_matches(filters.q, anonymous=anonymous))
    if filters.type:
        query = query.where(Opportunity.type == filters.type.value)
    if filters.language:
        query = query.where(Opportunity.language == filters.language.value)
    if filters.status:
        query = query.where(Opportunity.status == filters.status.value)
    if filters.organisation_id is not None:
        query = query.where(Opportunity.organisation_id == filters.organisation_id)
    if filters.sector:
        query = query.where(
            Opportunity.id.in_(
                select(OpportunitySector.opportunity_id).where(
                    OpportunitySector.sector == filters.sector.value
                )
            )
        )
    if filters.country:
        query = query.where(
            Opportunity.organisation_id.in_(
                select(Organisation.id).where(Organisation.country == filters.country.value)
            )
        )
    return query


def _text_matches(q: str, *, anonymous: bool) -> ColumnElement[bool]:
    """Every word of the query must appear in the title, text, keywords or a translation.

    Substring matching works for Japanese, which has no spaces; semantic search lives in matching.
    Anonymous readers cannot search by organisation name (that would reveal who posted).
    """
    clauses = []
    for word in q.lower().split():
        pattern = f"%{word}%"
        fields = [
            func.lower(Opportunity.title).like(pattern),
            func.lower(Opportunity.description).like(pattern),
            func.lower(cast(Opportunity.keywords, Text)).like(pattern),
            Opportunity.id.in_(
                select(OpportunityTranslation.opportunity_id).where(
                    or_(
                        func.lower(OpportunityTranslation.title).like(pattern),
                        func.lower(OpportunityTranslation.description).like(pattern),
                    )
                )
            ),
        ]
        if not anonymous:
            fields.append(
                Opportunity.organisation_id.in_(
                    select(Organisation.id).where(func.lower(Organisation.name).like(pattern))
                )
            )
        clauses.append(or_(*fields))
    return and_(*clauses)


Row = TypeVar("Row")


def _counted(query: Select[*tuple[Any, ...]]) -> Select[int]:
    return select(func.count()).select_from(query.order_by(None).subquery())


def _paginate(session: Session, query: Select[Row], page: int, page_size: int) -> tuple[int, list[Row]]:
    page = max(page, 1)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.scalars(query.limit(page_size).offset((page - 1) * page_size)).all()
    return total, list(rows)


def organisation_opportunities(
    session: Session, actor: Actor, organisation_id: int
) -> Iterable[OpportunityView]:
    """An organisation's own list (all statuses): only for its members and the agencies."""
    if not can_edit_organisation(actor, organisation_id):
        raise PermissionDenied("Only the organisation's members and the agencies see its list.")
    rows = session.scalars(
        select(Opportunity)
        .where(Opportunity.organisation_id == organisation_id)
        .order_by(Opportunity.updated_at.desc(), Opportunity.id.desc())
    ).all()
    return [opportunity_view(o, actor) for o in rows]
