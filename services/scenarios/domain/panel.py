"""Selection (遴选): the publisher's expert panel, conflict declarations, scorecards and
the weighted ranking.

The panel is one aggregate per scenario holding every scorecard, so closing it is one
versioned save: a score saved before the close is in the ranking, and one that loses the
race is refused (the panel it reloads is closed). Scores are hidden from other experts
until the close.

Ranking (stated tie-break, :data:`TIE_BREAK`): weighted score = sum over criteria of
weight x (mean expert score / scale), 0-100; equal scores are ordered by the mean on the
heaviest criterion (first listed among equals), then the lower price, then the earlier
submission, then the proposal id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from services.scenarios.domain.proposals import Proposal
from services.scenarios.domain.scenarios import Criterion
from shared.errors import ConflictError, ForbiddenError, InvalidInput
from shared.limits import ShortText
from shared.transitions import InvalidTransition, Transition

TIE_BREAK = (
    "加权总分高者优先；同分时依次比较权重最高指标的平均分（高者优先）、报价（低者优先）、"
    "提交时间（早者优先）、方案编号 / weighted score, then the heaviest criterion's mean, "
    "then the lower price, then the earlier submission, then the proposal id"
)


class PanelState(StrEnum):
    open = "open"
    closed = "closed"


class Expert(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: ShortText = Field(min_length=1)  # type: ignore[valid-type]
    org_id: ShortText = Field(min_length=1)  # type: ignore[valid-type]


class PanelIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    experts: list[Expert] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _unique(self) -> PanelIn:
        ids = [e.user_id for e in self.experts]
        if len(set(ids)) != len(ids):
            raise ValueError("专家不能重复 / experts must be unique")
        return self


class ConflictOfInterest(BaseModel):
    """An expert's declaration (kept as a document: FerretDB stores no nested arrays)."""

    model_config = ConfigDict(frozen=True)

    user_id: str
    enterprise_org_id: str


class ScoreIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    proposal_id: ShortText = Field(min_length=1)  # type: ignore[valid-type]
    scores: dict[ShortText, StrictInt] = Field(min_length=1, max_length=10)  # type: ignore[valid-type]


class Scorecard(BaseModel):
    model_config = ConfigDict(frozen=True)

    user_id: str
    proposal_id: str
    enterprise_org_id: str
    scores: dict[str, int]
    at: dt.datetime


class Ranked(BaseModel):
    model_config = ConfigDict(frozen=True)

    proposal_id: str
    enterprise_org_id: str
    rank: int
    weighted_score: float
    means: dict[str, float]
    price_cny: int


class Panel(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str  # the scenario's id
    publisher_org_id: str
    experts: list[Expert]
    conflicts: list[ConflictOfInterest] = Field(default_factory=list)
    cards: list[Scorecard] = Field(default_factory=list)
    state: PanelState = PanelState.open
    ranking: list[Ranked] = Field(default_factory=list)
    shortlist: list[str] = Field(default_factory=list)
    closed_at: dt.datetime | None = None
    version: int = 0

    def expert(self, user_id: str) -> Expert | None:
        return next((e for e in self.experts if e.user_id == user_id), None)

    def conflicted(self, user_id: str, org_id: str) -> bool:
        return any(c.user_id == user_id and c.enterprise_org_id == org_id for c in self.conflicts)


def _must_be_open(panel: Panel, action: str) -> None:
    if panel.state is not PanelState.open:
        raise InvalidTransition(action, "panel", panel.state.value)


def name(
    scenario_id: str, publisher: str, body: PanelIn, current: Panel | None
) -> Transition[Panel]:
    if current is None:
        panel = Panel(id=scenario_id, publisher_org_id=publisher, experts=list(body.experts))
        return Transition[Panel](entity=panel, events=("named",))
    _must_be_open(current, "rename")
    if current.cards:
        raise ConflictError(
            "experts",
            "scoring_started",
            zh="评审已开始，不能更换专家",
            en="scoring has started: the panel cannot change",
        )
    return Transition[Panel](
        entity=current.model_copy(update={"experts": list(body.experts)}), events=("named",)
    )


def require_expert(panel: Panel, user_id: str, org_id: str) -> Expert:
    e = panel.expert(user_id)
    if e is None or e.org_id != org_id:
        raise ForbiddenError(
            "caller",
            "not_on_panel",
            zh="您不是该场景评审专家组成员",
            en="you are not on this scenario's expert panel",
        )
    return e


def declare(panel: Panel, user_id: str, org_id: str, enterprise: str) -> Transition[Panel]:
    """A conflict of interest: the expert's cards on that applicant are dropped."""
    _must_be_open(panel, "declare")
    require_expert(panel, user_id, org_id)
    if panel.conflicted(user_id, enterprise):
        return Transition[Panel](entity=panel)
    cards = [
        c for c in panel.cards if not (c.user_id == user_id and c.enterprise_org_id == enterprise)
    ]
    conflicts = [
        *panel.conflicts,
        ConflictOfInterest(user_id=user_id, enterprise_org_id=enterprise),
    ]
    return Transition[Panel](
        entity=panel.model_copy(update={"conflicts": conflicts, "cards": cards}),
        events=("declared",),
    )


def score(
    panel: Panel,
    user_id: str,
    org_id: str,
    proposal: Proposal,
    body: ScoreIn,
    criteria: Sequence[Criterion],
    now: dt.datetime,
) -> Transition[Panel]:
    _must_be_open(panel, "score")
    require_expert(panel, user_id, org_id)
    if proposal.enterprise_org_id == org_id:
        raise ForbiddenError(
            "proposal_id",
            "own_organisation",
            zh="不能评审本机构的方案",
            en="an expert cannot score their own organisation",
        )
    if panel.conflicted(user_id, proposal.enterprise_org_id):
        raise ForbiddenError(
            "proposal_id",
            "conflict_of_interest",
            zh="您已申报与该申报单位存在利益冲突，不能评分",
            en="you declared a conflict of interest with this applicant",
        )
    by_code = {c.code: c for c in criteria}
    unknown = sorted(set(body.scores) - set(by_code))
    if unknown:
        raise InvalidInput(
            f"scores.{unknown[0]}",
            "unknown_criterion",
            zh="没有该评审指标",
            en=f"no criterion {unknown[0]}",
        )
    missing = [c for c in by_code if c not in body.scores]
    if missing:
        raise InvalidInput(
            f"scores.{missing[0]}",
            "score_missing",
            zh="每个评审指标都须评分",
            en=f"criterion {missing[0]} needs a score",
        )
    for code, value in body.scores.items():
        if not 0 <= value <= by_code[code].scale:
            raise InvalidInput(
                f"scores.{code}",
                "score_out_of_scale",
                zh=f"分值须在0至{by_code[code].scale}之间",
                en=f"the score must be between 0 and {by_code[code].scale}",
            )
    card = Scorecard(
        user_id=user_id,
        proposal_id=proposal.id,
        scores=dict(body.scores),
        enterprise_org_id=proposal.enterprise_org_id,
        at=now,
    )
    cards = [c for c in panel.cards if not (c.user_id == user_id and c.proposal_id == proposal.id)]
    return Transition[Panel](
        entity=panel.model_copy(update={"cards": [*cards, card]}), events=("recorded",)
    )


def rank(
    proposals: Sequence[Proposal], cards: Sequence[Scorecard], criteria: Sequence[Criterion]
) -> list[Ranked]:
    """The weighted ranking with the stated tie-break (pure; the bench recomputes it)."""
    heaviest = max(criteria, key=lambda c: c.weight).code  # max keeps the first of equals
    by_proposal: dict[str, list[Scorecard]] = {}
    for card in cards:
        by_proposal.setdefault(card.proposal_id, []).append(card)
    rows = []
    for p in proposals:
        mine = by_proposal.get(p.id, [])
        means = {
            c.code: (sum(k.scores[c.code] for k in mine) / len(mine) / c.scale) if mine else 0.0
            for c in criteria
        }
        weighted = round(sum(c.weight * means[c.code] for c in criteria), 6)
        rows.append((p, means, weighted))
    rows.sort(
        key=lambda r: (-r[2], -r[1][heaviest], r[0].content.price_cny, r[0].submitted_at, r[0].id)
    )
    return [
        Ranked(
            proposal_id=p.id,
            enterprise_org_id=p.enterprise_org_id,
            rank=i,
            weighted_score=weighted,
            means={k: round(v, 6) for k, v in means.items()},
            price_cny=p.content.price_cny,
        )
        for i, (p, means, weighted) in enumerate(rows, start=1)
    ]


def close(
    panel: Panel,
    proposals: Sequence[Proposal],
    criteria: Sequence[Criterion],
    shortlist_size: int,
    now: dt.datetime,
) -> Transition[Panel]:
    _must_be_open(panel, "close")
    ranking = rank(proposals, panel.cards, criteria)
    shortlist = [r.proposal_id for r in ranking[:shortlist_size]]
    entity = panel.model_copy(
        update={
            "state": PanelState.closed,
            "ranking": ranking,
            "shortlist": shortlist,
            "closed_at": now,
        }
    )
    return Transition[Panel](entity=entity, events=("closed",))


def visible_cards(panel: Panel, user_id: str, sees_all: bool) -> list[Scorecard]:
    """Before the close an expert sees only their own cards; after it the panel and the
    publisher see all."""
    if panel.state is PanelState.closed and sees_all:
        return list(panel.cards)
    return [c for c in panel.cards if c.user_id == user_id]


def needs_reason(ranked: Mapping[str, Ranked], proposal_id: str, slots: int) -> bool:
    """Awarding outside the ranking's top ``slots`` is a departure: reasons required."""
    r = ranked.get(proposal_id)
    return r is None or r.rank > slots
