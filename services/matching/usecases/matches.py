"""Reading matches, giving feedback, and the organisation-pair history.

A caller sees a pair only when its organisation owns the demand or the supply
(operators see all). Only the demander gives feedback.
"""

from __future__ import annotations

from typing import Any

from services.matching.domain.errors import Forbidden, NotFound
from services.matching.domain.feedback import Feedback, with_feedback
from services.matching.domain.pairs import Side, pair_id
from services.matching.usecases import Deps
from shared.auth import Caller

Doc = dict[str, Any]


def may_see(caller: Caller, pair: Doc) -> bool:
    return caller.is_operator or caller.organisation_id in (
        pair.get("demand_org_id"),
        pair.get("supply_org_id"),
    )


async def list_matches(
    deps: Deps,
    caller: Caller,
    *,
    demand_id: str | None = None,
    supply_id: str | None = None,
    include_dismissed: bool = False,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[Doc], int]:
    """Ranked, active pairs of the caller's own records (optionally of one record)."""
    return await deps.repos.matches.listing(
        None if caller.is_operator else caller.organisation_id,
        demand_id=demand_id,
        supply_id=supply_id,
        include_dismissed=include_dismissed,
        skip=offset,
        limit=limit,
    )


async def get_match(deps: Deps, caller: Caller, demand_id: str, supply_id: str) -> Doc:
    pair = await deps.repos.matches.get(pair_id(demand_id, supply_id))
    if pair is None or not may_see(caller, pair):
        # the same answer for "absent" and "not yours": ids of others' pairs do not leak
        raise NotFound("match", "not_found", "no such match for your organisation",
                       "本机构没有这条匹配")  # fmt: skip
    return pair


async def give_feedback(
    deps: Deps, caller: Caller, demand_id: str, supply_id: str, feedback: Feedback
) -> Doc:
    """Either side marks a pair for itself; ``not_relevant`` dismisses it for good for
    that side (the demander's list, or the supplier's suggestions)."""
    pair = await get_match(deps, caller, demand_id, supply_id)
    side: Side
    if caller.organisation_id == pair["demand_org_id"]:
        side = "demand"
    elif caller.organisation_id == pair["supply_org_id"]:
        side = "supply"
    else:
        raise Forbidden("match", "not_a_party", "only the demander or the supplier gives feedback",
                        "只有需求方或供给方可以反馈")  # fmt: skip
    now = deps.clock()
    await deps.repos.matches.change(
        pair_id(demand_id, supply_id),
        lambda current: with_feedback(current, side, feedback, caller.user_id, now),
    )
    return await get_match(deps, caller, demand_id, supply_id)


async def pair_history(deps: Deps, caller: Caller, counterpart_org_id: str) -> list[Doc]:
    """Every suggested / relevant / contacted / declined entry between the caller's
    organisation and another one, across all markets, oldest first."""
    entries = []
    for pair in await deps.repos.matches.between(caller.organisation_id, counterpart_org_id):
        for entry in pair.get("history", []):
            entries.append(
                {
                    **entry,
                    "match_id": pair["_id"],
                    "market": pair.get("market"),
                    "demand_id": pair["demand_id"],
                    "demand_kind": pair["demand_kind"],
                    "demand_org_id": pair["demand_org_id"],
                    "supply_id": pair["supply_id"],
                    "supply_kind": pair["supply_kind"],
                    "supply_org_id": pair["supply_org_id"],
                }
            )
    entries.sort(key=lambda e: (e["at"], e["match_id"]))
    return entries
