"""``python -m deploy.local fetch|up|down|status|logs``: the local stack's command line.

Engines and services run under one supervisord per state directory
(``deploy/local/supervision.py``): a process that dies is restarted and the others keep
running. An engine that is already healthy is left alone, so ``up --engines-only`` on a
running stack only checks health.
"""

from __future__ import annotations

import json
import time
from typing import Annotated

import typer

from deploy.local.config import LocalStack
from deploy.local.engines import Engine, EngineError, all_engines
from deploy.local.engines.base import port_open, require_tools, tail, wait_for
from deploy.local.services import (
    all_programs,
    existing_services,
    seed_demo,
    service_healthy,
    service_url,
    start_services,
)
from deploy.local.supervision import Supervisord

app = typer.Typer(help="Duijie's local stack: Kafka, OpenSearch, FerretDB and the services.")

EnginesOnly = Annotated[bool, typer.Option("--engines-only", help="start no services")]
RUNNING = {"RUNNING", "STARTING", "BACKOFF"}


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


def _prepare(eng: Engine, sup: Supervisord) -> str | None:
    """What to report for an engine, or None when it must be started (and is prepared)."""
    if eng.healthy():
        return "already healthy"
    if sup.state(eng.name) in RUNNING or eng.pid() is not None:
        return "starting"
    if port_open(eng.port):
        raise EngineError(
            f"{eng.name}: port {eng.port} is already taken by another process that is "
            f"not a healthy {eng.name}; stop it or set DUIJIE_LOCAL_{eng.name.upper()}_PORT"
        )
    require_tools(*eng.tools)
    eng.fetch()
    for folder in (eng.stack.logs_dir, eng.stack.run_dir, eng.home):
        folder.mkdir(parents=True, exist_ok=True)
    eng.prepare()
    return None


def _wait_engine(eng: Engine, sup: Supervisord, timeout: float) -> None:
    def ready() -> bool:
        if eng.healthy():
            return True
        if sup.state(eng.name) in {"BACKOFF", "FATAL"}:  # exited within START_SECONDS
            sup.stop(eng.name)
            raise EngineError(
                f"{eng.name} exited during start-up; last lines of {eng.log_file}:\n"
                f"{tail(eng.log_file)}"
            )
        return False

    if not wait_for(ready, timeout, interval=0.5):
        raise EngineError(
            f"{eng.name} not healthy on port {eng.port} after {timeout:.0f}s; "
            f"last lines of {eng.log_file}:\n{tail(eng.log_file)}"
        )


@app.command()
def up(
    engine: Annotated[list[str] | None, typer.Argument(help="engines to start (all)")] = None,
    engines_only: EnginesOnly = False,
    seed: Annotated[bool, typer.Option(help="load demo data")] = True,
    service: Annotated[
        list[str] | None, typer.Option("--service", "-s", help="start only these services")
    ] = None,
) -> None:
    """Start what is not already healthy, wait for health, then the services."""
    stack = LocalStack()
    begun = time.monotonic()
    sup = Supervisord(stack)
    try:
        engines = _engines(engine)
        to_start = []
        for eng in engines:  # start all first, so their start-ups overlap
            done = _prepare(eng, sup)
            if done is None:
                to_start.append(eng)
                done = "started"
            typer.echo(f"{eng.name}: {done}")
        with_services = not (engines_only or engine)
        if to_start or with_services:
            sup.ensure(all_programs(stack, all_engines(stack)))
        for eng in to_start:
            sup.start(eng.name)
        for eng in engines:
            _wait_engine(eng, sup, stack.health_timeout_s)
            typer.echo(f"{eng.name}: healthy at {eng.url}")
        typer.echo(f"engines healthy after {time.monotonic() - begun:.1f}s")
        if not with_services:
            return
        names = [n for n in existing_services() if not service or n in service]
        start_services(sup, stack, names, stack.health_timeout_s)
        for name in names:
            typer.echo(f"{name}: {service_url(name, stack)}")
        if seed:
            for name in seed_demo(names, stack):
                typer.echo(f"{name}: demo data loaded")
    except EngineError as err:
        _fail(err)


@app.command()
def down(engine: Annotated[list[str] | None, typer.Argument()] = None) -> None:
    """Stop only what ``up`` started (supervisord and its processes, older pid files)."""
    stack = LocalStack()
    sup = Supervisord(stack)
    engines = _engines(engine)
    supervised = {e.name for e in engines if sup.state(e.name) in RUNNING}
    if not engine:
        typer.echo(f"services: {sup.shutdown()}")
    for eng in reversed(engines):
        if eng.name in supervised:
            if engine:
                sup.stop(eng.name)
            typer.echo(f"{eng.name}: stopped")
        else:  # started by an older launcher with a pid file, or not by us at all
            typer.echo(f"{eng.name}: {eng.stop()}")


def status_report() -> dict:
    """Every engine and every existing service with its URL, health and, when
    supervised, its state, restarts and crashes (unexpected exits)."""
    stack = LocalStack()
    supervised = Supervisord(stack).statuses()
    engines = {}
    for eng in all_engines(stack):
        sup = supervised.get(eng.name, {})
        engines[eng.name] = {
            "url": eng.url,
            "healthy": eng.healthy(),
            "managed": eng.pid() is not None or sup.get("state") in RUNNING,
            **sup,
        }
    services = {
        name: {
            "url": service_url(name, stack),
            "healthy": service_healthy(name, stack),
            **supervised.get(name, {}),
        }
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
                extra = f"  restarts {item['restarts']}" if "restarts" in item else ""
                typer.echo(f"{group[:-1]:8} {name:14} {mark:8} {item['url']}{extra}")
    typer.echo(json.dumps(report, ensure_ascii=False))


@app.command()
def logs(
    name: Annotated[str, typer.Argument(help="an engine, a service, supervisord or services")],
    lines: Annotated[int, typer.Option("-n")] = 50,
) -> None:
    """The last lines of an engine's or a service's log (``services``: every service's)."""
    stack = LocalStack()
    if name != "services":
        typer.echo(tail(stack.logs_dir / f"{name}.log", lines))
        return
    for service in existing_services():
        path = stack.logs_dir / f"{service}.log"
        if path.exists():
            for line in tail(path, lines).splitlines():
                typer.echo(f"{service:13} | {line}")


def main() -> None:
    app()
