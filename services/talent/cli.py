"""Talent's command line: ``python -m services.talent.cli <command>``.

seed-demo   a verified demo agency, demo demands, a claim and a job fair (local use only)
sweep       expire claims, close demands past deadline, qualify finished guarantees, now
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import typer
from pymongo.asynchronous.database import AsyncDatabase

from services.talent.demo import seed_demo
from services.talent.settings import get_talent_settings
from services.talent.storage import Repositories
from services.talent.usecases import Deps
from services.talent.usecases.sweep import sweep_once
from shared.cli import run_on_database

app = typer.Typer(help=__doc__, no_args_is_help=True)
T = TypeVar("T")


async def deps_over(db: AsyncDatabase[Any]) -> Deps:
    repos = Repositories.over(db)
    await repos.ensure_indexes()
    return Deps(repos=repos, settings=get_talent_settings())


def run(action: Callable[[Deps], Awaitable[T]]) -> T:
    return run_on_database("talent", deps_over, action)


@app.command("seed-demo")
def seed_demo_command() -> None:
    """Demo agency, demands, claim and job fair; safe to run again."""
    for line in run(seed_demo):
        typer.echo(line)


@app.command("sweep")
def sweep() -> None:
    """What the service's sweeper does every minute, once, now."""
    typer.echo(run(sweep_once))


if __name__ == "__main__":
    app(prog_name=os.environ.get("DUIJIE_CLI_NAME", "talent"))
