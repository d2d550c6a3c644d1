"""Techtransfer's command line: ``python -m services.techtransfer.cli <command>``.

seed-demo   published offers and needs of identity's demo organisations (local use only)
sweep       expire unanswered interests and meeting requests, schedule closed sessions now
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer

from services.techtransfer.demo import seed_demo
from services.techtransfer.domain.errors import DomainError
from services.techtransfer.main import database_name
from services.techtransfer.settings import get_techtransfer_settings
from services.techtransfer.storage import Repositories
from services.techtransfer.usecases import Deps
from services.techtransfer.usecases.sweep import sweep_once
from shared.db import create_mongo_client
from shared.settings import get_settings

app = typer.Typer(help=__doc__, no_args_is_help=True)
T = TypeVar("T")


def run(action: Callable[[Deps], Awaitable[T]]) -> T:
    """Run ``action`` against the database; the changes it saves wait (nudged) for the service's
    relay to publish (the CLI never talks to Kafka)."""

    async def main() -> T:
        settings = get_settings()
        techtransfer = get_techtransfer_settings()
        client = create_mongo_client(settings)
        try:
            repos = Repositories.over(client[database_name(settings, techtransfer)])
            await repos.ensure_indexes()
            return await action(Deps(repos=repos, settings=techtransfer))
        finally:
            await client.close()

    try:
        return asyncio.run(main())
    except DomainError as exc:
        typer.echo(f"error: {exc.field}: {exc.reason}", err=True)
        raise typer.Exit(1) from None


@app.command("seed-demo")
def seed_demo_command() -> None:
    """Published demo offers and needs; safe to run again."""
    for line in run(seed_demo):
        typer.echo(line)


@app.command("sweep")
def sweep() -> None:
    """What the service's sweeper does every few minutes, once, now."""
    run(sweep_once)
    typer.echo("swept")


if __name__ == "__main__":
    app(prog_name=os.environ.get("DUIJIE_CLI_NAME", "techtransfer"))
