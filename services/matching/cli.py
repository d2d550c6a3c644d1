"""Matching's command line: ``python -m services.matching.cli reindex <kind>|all``, ``seed-demo``.

``reindex`` rebuilds a kind's OpenSearch index from its Kafka topic (earliest offset)
into a new index and swaps the alias (see ``reindex.py``), with a progress bar.
"""

from __future__ import annotations

import asyncio

import typer
from opensearchpy import AsyncOpenSearch
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from services.matching.ranking.kinds import ALL_KINDS
from services.matching.reindex import reindex_kind, total_events
from services.matching.sources import topic_for
from services.matching.storage.search import SearchProjection
from shared.settings import Settings, get_settings

app = typer.Typer(help="Matching service commands.", no_args_is_help=True)
console = Console(stderr=True)


async def _reindex(settings: Settings, kinds: list[str], quiet: bool) -> list[dict]:
    client = AsyncOpenSearch(hosts=[settings.opensearch_url])
    search = SearchProjection(client, settings.index_prefix)
    reports = []
    try:
        await search.ensure_indexes()
        columns = (
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
        )  # fmt: skip
        with Progress(*columns, console=console, disable=quiet) as bar:
            for kind in kinds:
                topic = topic_for(kind, settings.topic_prefix)
                total = await total_events(settings.kafka_bootstrap, topic)
                task = bar.add_task(f"{kind} ← {topic}", total=total)
                report = await reindex_kind(
                    search, settings.kafka_bootstrap, kind, topic_prefix=settings.topic_prefix,
                    progress=lambda n, task=task: bar.advance(task, n),
                )  # fmt: skip
                bar.update(task, completed=total)
                reports.append(report.__dict__)
    finally:
        await client.close()
    return reports


@app.command()
def reindex(
    kind: str = typer.Argument(..., help=f"one of {', '.join(sorted(ALL_KINDS))}, or 'all'"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar"),
) -> None:
    """Rebuild KIND's index from its topic into a new index and swap the alias."""
    kinds = sorted(ALL_KINDS) if kind == "all" else [kind]
    if unknown := [k for k in kinds if k not in ALL_KINDS]:
        console.print(f"[red]unknown kind: {', '.join(unknown)}[/red]")
        raise typer.Exit(2)
    for report in asyncio.run(_reindex(get_settings(), kinds, quiet)):
        console.print(
            f"{report['kind']}: {report['events']} events → {report['records']} records in "
            f"{report['index']} (alias swapped; replaced {report['replaced'] or 'nothing'}; "
            f"{report['caught_up']} caught up)"
        )


@app.command("seed-demo")
def seed_demo() -> None:
    """No-op: matching's data comes from the markets' events (their seed-demo publishes them)."""
    console.print("matching: nothing to seed; records arrive from the markets' topics")


if __name__ == "__main__":
    app()
