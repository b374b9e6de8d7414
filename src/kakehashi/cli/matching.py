"""``kakehashi index rebuild``, ``kakehashi match``, ``kakehashi search``: cross-lingual matching."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from kakehashi.accounts.service import SYSTEM
from kakehashi.cli.common import console, err_console, open_database, settings
from kakehashi.matching.service import MatchingService, MatchResult

index_app = typer.Typer(help="The matching index: stored vectors of every opportunity.", no_args_is_help=True)


@contextmanager
def _service() -> Iterator[MatchingService]:
    from kakehashi.matching.embed import get_embedder

    config = settings()
    with open_database(config) as database:
        database.upgrade()
        yield MatchingService(database, get_embedder(config.embedder))


@contextmanager
def _progress_bar(description: str) -> Iterator[Progress]:
    with Progress(
        TextColumn(description),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=False,
    ) as bar:
        yield bar


@index_app.command("rebuild")
def rebuild(
    full: bool = typer.Option(
        False, "--full", help="Re-embed and re-match everything, not only what changed."
    ),
    rematch: bool = typer.Option(
        False, "--rematch", help="Re-match everything (no re-embedding): realigns freshness and deadlines."
    ),
) -> None:
    """Embed every opportunity that is new or changed and store the match lists that changed (all with
    --full), with a progress bar."""
    with _service() as service, _progress_bar("Embedding, then matching") as bar:
        task = bar.add_task("embed", total=None)
        report = service.sync(
            progress=lambda done, total: bar.update(task, completed=done, total=total),
            match_progress=lambda done, total: bar.update(task, completed=done, total=total),
            rebuild=full,
            rematch=rematch,
        )
    matched = service.last_match_report
    console.print(f"{report.embedded} embedded, {report.checked} checked, model {report.model_id}.")
    if matched is not None:
        console.print(f"{matched.recomputed} match lists stored ({matched.due} opportunities were due).")


def _as_json(result: MatchResult) -> dict[str, object]:
    view = result.opportunity
    explanation = result.explanation
    return {
        "opportunity_id": view.id,
        "score": round(result.score, 6),
        "type": view.type,
        "language": view.language,
        "country": view.country,
        "title": view.title,
        "sectors": list(view.sectors),
        "shortlisted": result.shortlisted,
        "components": {k: round(v, 6) for k, v in _components(result).items()},
        "explanation": None
        if explanation is None
        else {
            "summary": explanation.summary,
            "shared_sectors": list(explanation.shared_sectors),
            "term_pairs": [[p.source_term, p.target_term] for p in explanation.term_pairs],
            "sentence_pair": None
            if explanation.sentence_pair is None
            else [explanation.sentence_pair.source_sentence, explanation.sentence_pair.target_sentence],
        },
    }


def _components(result: MatchResult) -> dict[str, float]:
    from dataclasses import asdict

    return {key: float(value) for key, value in asdict(result.components).items()}


def _print(results: list[MatchResult], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps([_as_json(r) for r in results], ensure_ascii=False, indent=2))
        return
    for rank, result in enumerate(results, start=1):
        view = result.opportunity
        console.print(f"{rank:>2}. [bold]{result.score:.3f}[/bold] #{view.id} [{view.language}] {view.title}")
        if result.explanation is not None:
            console.print(f"    {result.explanation.summary}")


def match(
    opportunity_id: int = typer.Argument(..., help="Id of a published opportunity."),
    limit: int = typer.Option(10, min=1, max=100),
    locale: str = typer.Option("en", help="Language of the explanations: it, ja or en."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The best counterparts of an opportunity, explained."""
    with _service() as service:
        service.sync()  # a command may wait for the index; a request never does
        _print(service.matches_for_opportunity(SYSTEM, opportunity_id, locale=locale, limit=limit), as_json)


def search(
    text: str = typer.Argument(..., help="What you look for, in Italian, Japanese or English."),
    limit: int = typer.Option(10, min=1, max=100),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Free-text partner search across the three languages."""
    with _service() as service:
        service.sync()
        _print(service.search(SYSTEM, text, locale="en", limit=limit), as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(index_app, name="index")
    app.command("match")(match)
    app.command("search")(search)
