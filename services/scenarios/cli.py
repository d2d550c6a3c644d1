"""Scenarios' command line: ``python -m services.scenarios.cli <command>``.

seed-demo   a demo capability, two demo scenarios (one published in batch 1), a proposal
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import typer
from pymongo.asynchronous.database import AsyncDatabase

from services.scenarios.demo import seed_demo
from services.scenarios.settings import get_scenarios_settings
from services.scenarios.storage import Repositories
from services.scenarios.usecases import Deps
from shared.cli import run_on_database

app = typer.Typer(help=__doc__, no_args_is_help=True)
T = TypeVar("T")


async def deps_over(db: AsyncDatabase[Any]) -> Deps:
    repos = Repositories.over(db)
    await repos.ensure_indexes()
    return Deps(repos=repos, settings=get_scenarios_settings())


def run(action: Callable[[Deps], Awaitable[T]]) -> T:
    return run_on_database("scenarios", deps_over, action)


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
