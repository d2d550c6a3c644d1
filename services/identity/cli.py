"""Identity's command line: ``python -m services.identity.cli <command>``.

create-operator  the first operator (there is no open endpoint for it)
seed-demo        one organisation of each type with one user each (local use only)
rotate-keys      make a new signing key current; the previous stays published
sweep-tiers      apply the cultivation rule to every enterprise now
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import typer
from pymongo import AsyncMongoClient

from services.identity.demo import DEMO_PASSWORD, seed_demo
from services.identity.domain.organisations import OperatorProfile, Role
from services.identity.errors import IdentityError
from services.identity.main import database_name, quiet_driver_logs
from services.identity.settings import get_identity_settings
from services.identity.storage import Repositories
from services.identity.usecases import Deps
from services.identity.usecases import keys as key_uc
from services.identity.usecases import organisations as org_uc
from services.identity.usecases import tiers as tier_uc
from shared.auth import Caller, OrgType
from shared.settings import get_settings

app = typer.Typer(help=__doc__, no_args_is_help=True)
T = TypeVar("T")

# The CLI acts as the platform itself: it is run by whoever operates the deployment.
CLI_CALLER = Caller(
    user_id="cli", user_name="命令行", organisation_id="cli", org_type=OrgType.operator,
    role=Role.admin,
)  # fmt: skip


def run(action: Callable[[Deps], Awaitable[T]]) -> T:
    async def main() -> T:
        quiet_driver_logs()
        settings = get_settings()
        identity = get_identity_settings()
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            settings.mongo_url, tz_aware=True
        )
        try:
            repos = Repositories.over(client[database_name(settings, identity)])
            await repos.ensure_indexes()
            deps = Deps(repos=repos, settings=identity)
            await key_uc.ensure_signing_key(deps)
            return await action(deps)
        finally:
            await client.close()

    try:
        return asyncio.run(main())
    except IdentityError as exc:
        typer.echo(f"error: {exc.body['message']}", err=True)
        raise typer.Exit(1) from None


@app.command("create-operator")
def create_operator(
    email: str = typer.Option(..., help="the operator's sign-in e-mail"),
    name: str = typer.Option(..., help="the operator's display name"),
    organisation: str = typer.Option("北京市科学技术委员会、中关村科技园区管理委员会"),
    password: str = typer.Option(
        None, envvar="DUIJIE_OPERATOR_PASSWORD", help="prompted for when not given"
    ),
) -> None:
    """Create an operator organisation and its first admin (the bootstrap account)."""
    if password is None:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    admin = org_uc.NewUser(name=name, email=email, password=password, role=Role.admin)

    async def action(deps: Deps) -> str:
        org, user = await org_uc.register_organisation(
            deps, CLI_CALLER, OperatorProfile(name=organisation), admin
        )
        return f"operator organisation {org.id}, admin user {user.id}"

    typer.echo(run(action))


@app.command("seed-demo")
def seed_demo_command() -> None:
    """Demo organisations (one per type) and users; safe to run again."""
    created = run(lambda deps: seed_demo(deps, CLI_CALLER))
    for line in created:
        typer.echo(line)
    typer.echo(f"demo users sign in with password {DEMO_PASSWORD!r} (local use only)")


@app.command("rotate-keys")
def rotate_keys(
    force: bool = typer.Option(False, help="rotate even if the current key is very new"),
) -> None:
    """Make a new signing key current; tokens signed with the old one stay valid."""
    key = run(lambda deps: key_uc.rotate_keys(deps, force=force))
    typer.echo(f"current signing key: {key.kid}")


@app.command("sweep-tiers")
def sweep_tiers() -> None:
    """Apply the cultivation-list rule to every enterprise now."""
    changed = run(tier_uc.sweep)
    typer.echo(f"{changed} enterprises changed on {dt.date.today():%Y-%m-%d}")


if __name__ == "__main__":
    app(prog_name=os.environ.get("DUIJIE_CLI_NAME", "identity"))
