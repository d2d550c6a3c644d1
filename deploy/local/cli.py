"""``python -m deploy.local fetch|up|down|status|logs``: the local stack's command line."""

from __future__ import annotations

import json
import time
from typing import Annotated

import typer

from deploy.local.config import LocalStack
from deploy.local.engines import Engine, EngineError, all_engines
from deploy.local.engines.base import tail
from deploy.local.services import (
    Supervisor,
    existing_services,
    seed_demo,
    service_healthy,
    service_url,
)

app = typer.Typer(help="Duijie's local stack: Kafka, OpenSearch, FerretDB and the services.")

EnginesOnly = Annotated[bool, typer.Option("--engines-only", help="start no services")]


def _engines(only: list[str] | None = None) -> list[Engine]:
    engines = all_engines(LocalStack())
    return [e for e in engines if not only or e.name in only]


def _fail(err: EngineError) -> None:
    typer.secho(f"error: {err}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


@app.command()
def fetch(engine: Annotated[list[str] | None, typer.Argument()] = None) -> None:
    """Download and build the engines into the cache (no-op when cached)."""
    try:
        for eng in _engines(engine):
            started = time.monotonic()
            eng.fetch()
            typer.echo(f"{eng.name}: cached ({time.monotonic() - started:.1f}s)")
    except EngineError as err:
        _fail(err)


@app.command()
def up(
    engine: Annotated[list[str] | None, typer.Argument(help="engines to start (all)")] = None,
    engines_only: EnginesOnly = False,
    seed: Annotated[bool, typer.Option(help="load demo data")] = True,
) -> None:
    """Start what is not already healthy, wait for health, then the services."""
    stack = LocalStack()
    begun = time.monotonic()
    try:
        engines = _engines(engine)
        for eng in engines:  # start all first, so their start-ups overlap
            typer.echo(f"{eng.name}: {eng.start()}")
        for eng in engines:
            eng.wait_healthy(stack.health_timeout_s)
            typer.echo(f"{eng.name}: healthy at {eng.url}")
        typer.echo(f"engines healthy after {time.monotonic() - begun:.1f}s")
        if engines_only or engine:
            return
        names = existing_services()
        Supervisor(stack).start(names, stack.health_timeout_s)
        for name in names:
            typer.echo(f"{name}: {service_url(name)}")
        if seed:
            for name in seed_demo(names):
                typer.echo(f"{name}: demo data loaded")
    except EngineError as err:
        _fail(err)


@app.command()
def down(engine: Annotated[list[str] | None, typer.Argument()] = None) -> None:
    """Stop only what ``up`` started."""
    stack = LocalStack()
    if not engine:
        typer.echo(f"services: {Supervisor(stack).stop()}")
    for eng in reversed(_engines(engine)):
        typer.echo(f"{eng.name}: {eng.stop()}")


def status_report() -> dict:
    """Every engine and every existing service with its URL and health."""
    stack = LocalStack()
    engines = {
        eng.name: {"url": eng.url, "healthy": eng.healthy(), "managed": eng.pid() is not None}
        for eng in all_engines(stack)
    }
    services = {
        name: {"url": service_url(name), "healthy": service_healthy(name)}
        for name in existing_services()
    }
    return {"engines": engines, "services": services}


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Health of every engine and service; ``--json`` prints one JSON object."""
    report = status_report()
    if not as_json:
        for group, items in report.items():
            for name, item in items.items():
                mark = "healthy" if item["healthy"] else "DOWN"
                typer.echo(f"{group[:-1]:8} {name:14} {mark:8} {item['url']}")
    typer.echo(json.dumps(report, ensure_ascii=False))


@app.command()
def logs(
    name: Annotated[str, typer.Argument(help="kafka, opensearch, ferretdb or services")],
    lines: Annotated[int, typer.Option("-n")] = 50,
) -> None:
    """The last lines of an engine's (or the services') log."""
    stack = LocalStack()
    path = stack.logs_dir / f"{name}.log"
    typer.echo(tail(path, lines))


def main() -> None:
    app()
