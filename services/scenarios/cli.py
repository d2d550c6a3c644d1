"""Scenarios' command line: ``python -m services.scenarios.cli <command>``.

seed-demo   a demo capability, two demo scenarios (one published in batch 1), a proposal
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer

from services.scenarios.demo import seed_demo
from services.scenarios.settings import get_scenarios_settings
from services.scenarios.storage import Repositories
from services.scenarios.usecases import Deps
from shared.db import create_mongo_client, database_name
from shared.errors import DuijieError
from shared.settings import get_settings

app = typer.Typer(help=__doc__, no_args_is_help=True)
T = TypeVar("T")


def run(action: Callable[[Deps], Awaitable[T]]) -> T:
    """Run ``action`` on the database; the events wait in the stored changes for the
    service's relay (the CLI never talks to Kafka)."""

    async def main() -> T:
        settings = get_settings()
        client = create_mongo_client(settings)
        try:
            repos = Repositories.over(client[database_name("scenarios", settings)])
            await repos.ensure_indexes()
            return await action(Deps(repos=repos, settings=get_scenarios_settings()))
        finally:
            await client.close()

    try:
        return asyncio.run(main())
    except DuijieError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


@app.command("seed-demo")
def seed_demo_command() -> None:
    """Demo capability, scenarios, batch and proposal; safe to run again."""
    for line in run(seed_demo):
        typer.echo(line)


@app.command("noop", hidden=True)
def noop() -> None:
    """Keeps typer in multi-command mode (``seed-demo`` stays a sub-command)."""


if __name__ == "__main__":
    app(prog_name=os.environ.get("DUIJIE_CLI_NAME", "scenarios"))
