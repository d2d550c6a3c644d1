"""Contracts of the application-scenario market (policy 12(4)).

Supply: enterprises' capabilities. Demand: application scenarios (应用场景) published by
departments, districts and SOEs. Topics ``scenarios.capability`` and
``scenarios.scenario``, keyed by record id.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from shared.events.contracts._market import CnyRange, Code, MarketRecord, RecordWithdrawn, as_list
from shared.events.registry import event_type


class EnterpriseCapability(MarketRecord):
    """What an enterprise can build, with the qualifications it holds."""

    kind: ClassVar[str] = "capability"

    qualifications: list[Code] = Field(
        default_factory=list, description="qualification codes held", examples=[["hnte", "iso9001"]]
    )

    def attributes(self) -> dict[str, Any]:
        return {"qualifications": list(self.qualifications), "district": self.district}


class ApplicationScenario(MarketRecord):
    """A scenario a department or SOE opens to enterprises (全市 = the whole city)."""

    kind: ClassVar[str] = "scenario"

    budget_cny: CnyRange | None = Field(None, description="budget [min, max] in yuan")
    required_qualifications: list[Code] = Field(
        default_factory=list, description="codes an applicant must hold", examples=[["nmpa_reg"]]
    )

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
