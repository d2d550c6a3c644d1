"""The periodic sweep: expire listings past their date, withdraw needs past their
deadline, bring products up to the edition in force (after a crash mid-publish) and
promote waiters into seats freed without a promotion (after a crash mid-cancel)."""

from __future__ import annotations

from services.catalogue.usecases import Deps, dockings, editions, launches, needs, products


async def expire_once(deps: Deps) -> dict[str, int]:
    """Often (every ``sweep_seconds``): listings and needs leave the market on time."""
    return {
        "expired": await products.expire_due(deps),
        "needs_closed": await needs.close_due(deps),
    }


async def reconcile_once(deps: Deps) -> dict[str, int]:
    """Seldom (every ``reconcile_seconds``): heal what a crash mid-publish or mid-cancel
    left behind (they read every entry, waiter or purchase, so not on the fast beat)."""
    return {
        "reapplied": await editions.reapply_in_force(deps),
        "promoted": await launches.reconcile_open(deps),
        "first_purchases": await dockings.heal_first_purchases(deps),
    }


async def sweep_once(deps: Deps) -> dict[str, int]:
    return {**await reconcile_once(deps), **await expire_once(deps)}
