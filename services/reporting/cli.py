"""Reporting's command line: ``python -m services.reporting rebuild|report|seed-demo``.

``rebuild`` reads every consumed topic from the beginning into a new read-model
generation and swaps the pointer; ``report`` builds the annual evaluation report (XLSX
and printable HTML) for the city or a district from the current generation. Both show a
progress bar.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from services.reporting.domain.districts import DISTRICTS
from services.reporting.domain.facts import KINDS
from services.reporting.domain.model import SHARDS, ReadModel
from services.reporting.domain.report import annual_report
from services.reporting.storage.snapshots import SnapshotRepository
from services.reporting.usecases.export import to_html, to_xlsx
from services.reporting.usecases.project import load_generation
from services.reporting.usecases.rebuild import rebuild as rebuild_model
from shared.db import create_mongo_client, database_name
from shared.settings import get_settings

app = typer.Typer(help="Reporting service commands.", no_args_is_help=True)
console = Console(stderr=True)
COLUMNS = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
REPORT_STEPS = ("load", "derive", "funnels", "outcomes", "tiers", "durations", "xlsx", "html")


def _repo() -> tuple[SnapshotRepository, object]:
    settings = get_settings()
    client = create_mongo_client(settings)
    return SnapshotRepository(client[database_name("reporting", settings)]), client


@app.command()
def rebuild(quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar")) -> None:
    """Rebuild the read model from the topics into a new generation and swap to it."""

    async def run() -> dict:
        repo, client = _repo()
        try:
            with Progress(*COLUMNS, console=console, disable=quiet) as bar:
                task = bar.add_task("events ← topics", total=None)
                report = await rebuild_model(
                    repo, get_settings(), total=lambda n: bar.update(task, total=n),
                    progress=lambda n: bar.advance(task, n),
                )  # fmt: skip
        finally:
            await client.close()  # type: ignore[attr-defined]
        return report.__dict__

    console.print_json(json.dumps(asyncio.run(run())))


async def load_current(repo: SnapshotRepository, bar: Progress) -> ReadModel:
    model = ReadModel()
    generation = await repo.current_generation()
    task = bar.add_task(f"load {generation}", total=len(KINDS) * SHARDS)
    if generation:
        await load_generation(repo, generation, model, lambda n: bar.advance(task, n))
    bar.update(task, completed=len(KINDS) * SHARDS)
    return model


def write_report(
    model: ReadModel, year: int, district: str | None, out: Path, bar: Progress
) -> list[Path]:
    task = bar.add_task(f"report {year} {district or 'city'}", total=len(REPORT_STEPS))
    bar.advance(task)  # loaded
    data = annual_report(model, year, district, step=lambda _s: bar.advance(task))
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"annual-{year}-{district or 'city'}"
    paths = [stem.with_suffix(".xlsx"), stem.with_suffix(".html"), stem.with_suffix(".json")]
    paths[0].write_bytes(to_xlsx(data))
    bar.advance(task)
    paths[1].write_text(to_html(data), encoding="utf-8")
    paths[2].write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    bar.advance(task)
    return paths


@app.command()
def report(
    year: int = typer.Argument(..., min=2000, max=2100, help="calendar year (Beijing time)"),
    district: str = typer.Option(None, help=f"district code ({', '.join(DISTRICTS)}); "
                                 "omit for the whole city; 'all' for the city and every district"),
    out: Path = typer.Option(Path("reports"), help="output folder"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar"),
) -> None:  # fmt: skip
    """Build the annual evaluation report (XLSX + printable HTML + JSON)."""
    if district not in (None, "all", *DISTRICTS):
        console.print(f"[red]district: unknown code {district!r}[/red]")
        raise typer.Exit(2)
    scopes = [None, *DISTRICTS] if district == "all" else [district]

    async def run() -> list[Path]:
        repo, client = _repo()
        try:
            with Progress(*COLUMNS, console=console, disable=quiet) as bar:
                model = await load_current(repo, bar)
                return [p for s in scopes for p in write_report(model, year, s, out, bar)]
        finally:
            await client.close()  # type: ignore[attr-defined]

    for path in asyncio.run(run()):
        console.print(str(path))


@app.command("seed-demo")
def seed_demo() -> None:
    """No-op: reporting's data comes from the markets' events."""
    console.print("reporting: nothing to seed; figures arrive from the markets' topics")


if __name__ == "__main__":
    app()
