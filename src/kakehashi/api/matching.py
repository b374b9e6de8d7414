"""Matching: counterparts of an opportunity or an organisation, free-text partner search in any of the
three languages, and the caller's shortlist / dismiss verdicts."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from kakehashi.api.deps import ActorDep, SignedInDep
from kakehashi.api.openapi import errors
from kakehashi.api.versions import IfMatchDep, etag, with_etag
from kakehashi.errors import StaleVersion
from kakehashi.limits import FILTER_VALUES_MAX, MAX_ID
from kakehashi.matching.explain import Explanation
from kakehashi.matching.service import MAX_SEARCH_RESULTS, MatchingService, MatchResult, VerdictState
from kakehashi.matching.worker import EmbeddingWorker
from kakehashi.profiles.schemas import OpportunityView
from kakehashi.profiles.vocab import Country, Language, OpportunityType, Sector

router = APIRouter(tags=["matching"])

Locale = Literal["it", "ja", "en"]
OpportunityId = Annotated[int, Path(ge=1, le=MAX_ID, description="The opportunity's id.")]
Limit = Annotated[int, Query(ge=1, le=100, description="How many results, at most.")]
ExplainIn = Annotated[Locale, Query(description="Language of the explanations: it, ja or en.")]


class TermPairOut(BaseModel):
    source_term: str
    target_term: str
    similarity: float
    via_glossary: bool


class SentencePairOut(BaseModel):
    source_sentence: str
    target_sentence: str
    similarity: float


class ExplanationOut(BaseModel):
    locale: Locale
    summary: str
    source_type: str
    target_type: str
    shared_sectors: list[str]
    term_pairs: list[TermPairOut]
    sentence_pair: SentencePairOut | None

    @classmethod
    def of(cls, explanation: Explanation) -> ExplanationOut:
        return cls.model_validate(asdict(explanation))


class MatchOut(BaseModel):
    opportunity: OpportunityView = Field(description="The counterpart, anonymised as the caller must see it.")
    score: float = Field(description="Reciprocal match score in [0, 1]: good for both sides.")
    components: dict[str, float] = Field(description="Every ingredient of the score.")
    shortlisted: bool
    shortlist_boost: float = Field(
        default=0.0, description="Added to the score for ranking when the caller shortlisted this match."
    )
    ranking_score: float = Field(description="What the list is sorted by: `score + shortlist_boost`.")
    source_opportunity_id: int | None = Field(
        default=None, description="The opportunity this match answers (organisation matches)."
    )
    explanation: ExplanationOut | None

    @classmethod
    def of(cls, result: MatchResult) -> MatchOut:
        return cls(
            opportunity=result.opportunity,
            score=result.score,
            components={key: float(value) for key, value in asdict(result.components).items()},
            shortlisted=result.shortlisted,
            shortlist_boost=result.shortlist_boost,
            ranking_score=result.ranking_score,
            source_opportunity_id=result.source_id,
            explanation=None if result.explanation is None else ExplanationOut.of(result.explanation),
        )


class VerdictIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: Literal["shortlisted", "dismissed"] | None = Field(
        description="`shortlisted`, `dismissed`, or null to clear the verdict."
    )


class VerdictOut(BaseModel):
    verdict: Literal["shortlisted", "dismissed"] | None = Field(description="null: no verdict.")
    version: int = Field(description="The verdict's version (0: never judged), also its `ETag`.")

    @classmethod
    def of(cls, state: VerdictState) -> VerdictOut:
        return cls.model_validate({"verdict": state.verdict, "version": state.version})


class IndexStatus(BaseModel):
    model_id: str
    ready: bool = Field(description="False until this server process has loaded the index after start.")
    running: bool
    done: int
    total: int
    last_error: str | None


def _matching(request: Request) -> MatchingService:
    service = request.app.state.matching
    assert isinstance(service, MatchingService)
    return service


@router.get(
    "/opportunities/{opportunity_id}/matches",
    summary="The best counterparts of an opportunity, explained",
    description=(
        "Stored matches, computed when the opportunity was indexed. While they are being computed (a new "
        "or changed opportunity), the answer is `202` with what is stored so far, `X-Matches-Status: "
        "pending` and `Retry-After`; once ready, `200` and `X-Matches-Status: ready`."
    ),
    response_model=list[MatchOut],
    responses=errors(401, 404, 422),
)
def opportunity_matches(
    request: Request,
    response: Response,
    opportunity_id: OpportunityId,
    actor: ActorDep,
    limit: Limit = 10,
    locale: ExplainIn = "en",
) -> list[MatchOut]:
    stored = _matching(request).opportunity_matches(actor, opportunity_id, locale=locale, limit=limit)
    response.headers["X-Matches-Status"] = "ready" if stored.ready else "pending"
    if not stored.ready:
        response.status_code = 202
        response.headers["Retry-After"] = "5"
    return [MatchOut.of(result) for result in stored.results]


@router.get(
    "/organisations/{organisation_id}/matches",
    summary="The best counterparts over an organisation's published opportunities (its members, staff)",
    description="Each counterpart once, with the opportunity of ours it answers best and why.",
    response_model=list[MatchOut],
    responses=errors(401, 403, 422),
)
def organisation_matches(
    request: Request,
    organisation_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    actor: SignedInDep,
    limit: Limit = 10,
    locale: ExplainIn = "en",
) -> list[MatchOut]:
    results = _matching(request).matches_for_organisation(actor, organisation_id, locale=locale, limit=limit)
    return [MatchOut.of(result) for result in results]


SearchLimit = Annotated[
    int,
    Query(ge=1, le=MAX_SEARCH_RESULTS, description="How many results, at most (the search ranks that many)."),
]


@router.get(
    "/search",
    summary="Partner search in Italian, Japanese or English, over published opportunities",
    description="The same engine as `GET /opportunities?q=` (which adds the list's filters, sort and "
    "pagination), answering with scored results. The headers `X-Index-Complete` (`true` or `false`) and "
    "`X-Index-Pending` say whether opportunities still wait to be indexed (results may then miss some).",
    response_model=list[MatchOut],
    responses=errors(401, 422),
)
def search(
    request: Request,
    response: Response,
    actor: ActorDep,
    q: Annotated[
        str, Query(min_length=1, max_length=2000, description="What you look for, in any language.")
    ],
    type: Annotated[list[OpportunityType] | None, Query(max_length=FILTER_VALUES_MAX)] = None,
    sector: Annotated[list[Sector] | None, Query(max_length=FILTER_VALUES_MAX)] = None,
    country: Annotated[list[Country] | None, Query(max_length=FILTER_VALUES_MAX)] = None,
    language: Annotated[
        list[Language] | None, Query(max_length=FILTER_VALUES_MAX, description="Original language.")
    ] = None,
    limit: SearchLimit = 20,
    locale: ExplainIn = "en",
) -> list[MatchOut]:
    matching = _matching(request)
    results = matching.search(
        actor,
        q,
        locale=locale,
        types=frozenset(t.value for t in type or ()),
        sectors=frozenset(s.value for s in sector or ()),
        countries=frozenset(c.value for c in country or ()),
        languages=frozenset(lang.value for lang in language or ()),
        limit=limit,
    )
    state = matching.index_state()
    response.headers["X-Index-Complete"] = "true" if state.complete else "false"
    response.headers["X-Index-Pending"] = str(state.pending)
    return [MatchOut.of(result) for result in results]


TargetId = Annotated[int, Path(ge=1, le=MAX_ID, description="The counterpart's id.")]
VERDICT_PATH = "/opportunities/{opportunity_id}/matches/{target_id}/verdict"


@router.get(
    VERDICT_PATH,
    summary="My verdict on a suggested counterpart, with its version as `ETag`",
    response_model=VerdictOut,
    responses=errors(401, 403, 404, 422),
)
def read_verdict(
    request: Request,
    opportunity_id: OpportunityId,
    target_id: TargetId,
    actor: SignedInDep,
    response: Response,
) -> VerdictOut:
    return with_etag(
        response, VerdictOut.of(_matching(request).verdict_state(actor, opportunity_id, target_id))
    )


@router.put(
    VERDICT_PATH,
    summary='Shortlist or dismiss a suggested counterpart (null clears); `If-Match` checked (`"0"`: never judged)',
    status_code=204,
    responses=errors(401, 403, 404, 409, 422),
)
def judge(
    request: Request,
    opportunity_id: OpportunityId,
    target_id: TargetId,
    body: VerdictIn,
    actor: SignedInDep,
    expected_version: IfMatchDep,
) -> Response:
    matching = _matching(request)
    try:
        state = matching.record_feedback(
            actor, opportunity_id, target_id, body.verdict, expected_version=expected_version
        )
    except StaleVersion as stale:
        current = VerdictOut.of(matching.verdict_state(actor, opportunity_id, target_id))
        stale.current, stale.current_version = current.model_dump(mode="json"), current.version
        raise
    return Response(status_code=204, headers={"ETag": etag(state.version)})


@router.get("/index/status", summary="Background embedding: model and progress", response_model=IndexStatus)
def index_status(request: Request, actor: ActorDep) -> IndexStatus:
    worker = request.app.state.embedding_worker
    assert isinstance(worker, EmbeddingWorker)
    status = worker.status()
    return IndexStatus(
        model_id=_matching(request).model_id,
        ready=status.ready,
        running=status.running,
        done=status.done,
        total=status.total,
        last_error=status.last_error if actor.is_staff else None,  # internal detail: agencies only
    )
