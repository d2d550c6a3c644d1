"""The periodic sweep: expire listings past their date, withdraw needs past their
deadline, bring products up to the edition in force (after a crash mid-publish) and
promote waiters into seats freed without a promotion (after a crash mid-cancel)."""

from __future__ import annotations

from services.catalogue.usecases import Deps, editions, launches, needs, products


async def sweep_once(deps: Deps) -> dict[str, int]:
    return {
        "reapplied": await editions.reapply_in_force(deps),
        "expired": await products.expire_due(deps),
        "needs_closed": await needs.close_due(deps),
        "promoted": await launches.reconcile_open(deps),
    }
