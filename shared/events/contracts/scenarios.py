"""Contracts of the application-scenario market (policy 12(4)).

Supply: enterprises' capabilities. Demand: application scenarios (应用场景) published by
departments, districts and SOEs. Topics ``scenarios.capability`` and
``scenarios.scenario``, keyed by record id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.events.contracts._market import CnyRange, Code, MarketRecord, RecordWithdrawn, as_list
from shared.events.registry import event_type


class EnterpriseCapability(MarketRecord):
    """What an enterprise can build, with the qualifications it holds."""

    kind: ClassVar[str] = "capability"

    qualifications: list[Code] = Field(
        default_factory=list, description="qualification codes held", examples=[["hnte", "iso9001"]]
    )
    trl: int | None = Field(None, ge=1, le=9, description="readiness level of what it offers")

    def attributes(self) -> dict[str, Any]:
        return {"qualifications": list(self.qualifications), "district": self.district}


class ApplicationScenario(MarketRecord):
    """A scenario a department or SOE opens to enterprises (全市 = the whole city)."""

    kind: ClassVar[str] = "scenario"

    budget_cny: CnyRange | None = Field(None, description="budget [min, max] in yuan")
    required_qualifications: list[Code] = Field(
        default_factory=list, description="codes an applicant must hold", examples=[["nmpa_reg"]]
    )
    # Workflow facts (added with defaults, so old payloads still parse).
    batch_id: str | None = Field(None, description="城市机会清单 batch, e.g. 2025-1")
    site: str = Field("", description="where the scenario is built")
    min_trl: int | None = Field(None, ge=1, le=9, description="lowest readiness level accepted")
    required_tier: str | None = Field(None, description="tier list an applicant must be on")
    beijing_registered: bool = Field(False, description="applicants must be registered in Beijing")
    deadline: datetime | None = Field(None, description="applications close at")

    def attributes(self) -> dict[str, Any]:
        return {
            "budget_cny": as_list(self.budget_cny),
            "required_qualifications": list(self.required_qualifications),
            "district": self.district,
        }


@event_type("scenarios.capability.published")
class CapabilityPublished(EnterpriseCapability):
    """An enterprise published a capability."""


@event_type("scenarios.capability.updated")
class CapabilityUpdated(EnterpriseCapability):
    """A capability changed; carries its full new state."""


@event_type("scenarios.capability.withdrawn")
class CapabilityWithdrawn(RecordWithdrawn):
    """A capability was withdrawn."""


@event_type("scenarios.scenario.published")
class ScenarioPublished(ApplicationScenario):
    """An application scenario was published."""


@event_type("scenarios.scenario.updated")
class ScenarioUpdated(ApplicationScenario):
    """An application scenario changed; carries its full new state."""


@event_type("scenarios.scenario.withdrawn")
class ScenarioWithdrawn(RecordWithdrawn):
    """An application scenario was withdrawn."""


# ---- the selection workflow (policy 12(4)): ids and facts only, never a person's data ----


class _Flow(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ScenarioRef(_Flow):
    scenario_id: str = Field(description="the scenario", examples=["scn-1"])
    scenario_title: str = Field("", description="its title", examples=["基层医疗AI影像场景"])
    publisher_org_id: str = Field(description="district, department or SOE that posted it")


@event_type("scenarios.scenario.submitted")
class ScenarioSubmitted(ApplicationScenario):
    """A publisher posted a scenario; it waits for the operator's next batch."""


@event_type("scenarios.scenario.awarded")
class ScenarioAwarded(ScenarioRef):
    """The selection's outcome is public: who was awarded (the results page)."""

    awarded_org_ids: list[str] = Field(description="enterprises awarded, by slot")


@event_type("scenarios.scenario.completed")
class ScenarioCompleted(ScenarioRef):
    """Every awarded delivery's milestones were accepted: the scenario is built (建成)."""


@event_type("scenarios.batch.published")
class BatchPublished(_Flow):
    """The operator published batch N of the year's city opportunity list (城市机会清单)."""

    batch_id: str = Field(description="<year>-<number>", examples=["2025-1"])
    year: int = Field(description="year of the list")
    number: int = Field(description="batch number within the year")
    title: str = Field("", description="title of the batch")
    scenario_ids: list[str] = Field(description="scenarios published in it")


@event_type("scenarios.push.sent")
class PushSent(ScenarioRef):
    """A scenario was pushed (精准推送) to an enterprise whose capability fits, with why."""

    push_id: str = Field(description="<scenario>|<enterprise>")
    enterprise_org_id: str = Field(description="the enterprise told")
    capability_id: str = Field(description="its capability that matched")
    domain: str = Field(description="the scenario's domain (an enterprise can mute one)")
    score: float = Field(0.0, description="matching's score")
    explanation: str = Field("", description="why it fits (matching's summary)")


@event_type("scenarios.domain.muted")
class DomainMuted(_Flow):
    """An enterprise stopped scenario pushes of a domain."""

    enterprise_org_id: str = Field(description="the enterprise")
    domain: str = Field(description="domain code, see DOMAINS")


@event_type("scenarios.domain.unmuted")
class DomainUnmuted(_Flow):
    """An enterprise takes scenario pushes of a domain again."""

    enterprise_org_id: str = Field(description="the enterprise")
    domain: str = Field(description="domain code, see DOMAINS")


class ProposalRef(ScenarioRef):
    proposal_id: str = Field(description="<scenario>--<enterprise>")
    enterprise_org_id: str = Field(description="the applicant")


@event_type("scenarios.proposal.submitted")
class ProposalSubmitted(ProposalRef):
    """An enterprise applied (揭榜) and met every hard requirement."""

    price_cny: int = Field(ge=0, description="price offered in yuan")


@event_type("scenarios.proposal.updated")
class ProposalUpdated(ProposalSubmitted):
    """The applicant edited the proposal before the deadline."""


@event_type("scenarios.proposal.withdrawn")
class ProposalWithdrawn(ProposalRef):
    """The applicant withdrew before the deadline."""


@event_type("scenarios.proposal.awarded")
class ProposalAwarded(ProposalRef):
    """The publisher awarded a slot to this proposal."""

    slot: int = Field(ge=1, description="award slot (one award per slot)")
    rank: int = Field(ge=1, description="its place in the weighted ranking")
    departure_reason: str | None = Field(None, description="why, when not the ranking's next")


@event_type("scenarios.proposal.declined")
class ProposalDeclined(ProposalRef):
    """The results were published and this proposal was not awarded."""

    rank: int | None = Field(None, description="its place in the weighted ranking")


@event_type("scenarios.milestone.set")
class MilestoneSet(ProposalRef):
    """The publisher set the delivery milestones of an awarded proposal."""

    milestones: list[str] = Field(description="milestone titles, in order")


@event_type("scenarios.milestone.reported")
class MilestoneReported(ProposalRef):
    """The enterprise reported a milestone delivered."""

    index: int = Field(ge=0, description="which milestone")
    title: str = Field("", description="the milestone's title")


@event_type("scenarios.milestone.accepted")
class MilestoneAccepted(MilestoneReported):
    """The publisher accepted a delivered milestone."""


@event_type("scenarios.panel.named")
class PanelNamed(ScenarioRef):
    """The publisher named the expert panel (user ids of the experts)."""

    expert_user_ids: list[str] = Field(description="experts' user ids")
    expert_org_ids: list[str] = Field(description="their organisations, index-aligned")


@event_type("scenarios.conflict.declared")
class ConflictDeclared(ScenarioRef):
    """An expert declared a conflict of interest with an applicant (cannot score it)."""

    expert_user_id: str = Field(description="the expert's user id")
    enterprise_org_id: str = Field(description="the applicant the expert is conflicted with")


@event_type("scenarios.score.recorded")
class ScoreRecorded(ScenarioRef):
    """An expert scored a proposal (the values stay hidden until the panel closes)."""

    expert_user_id: str = Field(description="the expert's user id")
    proposal_id: str = Field(description="the proposal scored")


class RankedProposal(BaseModel):
    proposal_id: str = Field(description="the proposal")
    enterprise_org_id: str = Field(description="its applicant")
    rank: int = Field(ge=1, description="1 = best")
    weighted_score: float = Field(description="0-100")


@event_type("scenarios.panel.closed")
class PanelClosed(ScenarioRef):
    """The panel closed: the weighted ranking (tie-break stated) and the shortlist."""

    ranking: list[RankedProposal] = Field(default_factory=list, description="best first")
    shortlist: list[str] = Field(default_factory=list, description="proposal ids shortlisted")
    tie_break: str = Field("", description="the rule that orders equal weighted scores")
