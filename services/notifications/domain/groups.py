"""Audiences named by role rather than by id: "the operators", "the government of
district X". An event such as a monitoring alert (``reporting.alert.raised``) names a
district, not an organisation; who that is comes from the organisation directory this
service keeps of identity's ``identity.organisation.*`` events (never from identity's
database, never by importing identity).

Pure: :meth:`DirectoryEntry.groups` says which groups an organisation belongs to, and
storage indexes entries by those keys, so the rule and the query cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

GroupKind = Literal["operators", "district_government"]
GROUP_PREFIX = "group:"  # kept notices list group keys beside org ids; ids never start so


@dataclass(frozen=True)
class Group:
    kind: GroupKind
    district: str | None = None

    @property
    def key(self) -> str:
        if self.kind == "operators":
            return f"{GROUP_PREFIX}operators"
        return f"{GROUP_PREFIX}district:{self.district}"


class DirectoryEntry(BaseModel):
    """What notifications knows of an organisation: its type, kind and district only."""

    organisation_id: str
    type: str
    kind: str | None = None
    district: str | None = None
    version: int = 0

    def groups(self) -> list[Group]:
        if self.type == "operator":
            return [Group("operators")]
        if self.type == "government" and self.kind == "district" and self.district:
            return [Group("district_government", self.district)]
        return []


def members(groups: Iterable[Group], entries: Iterable[DirectoryEntry]) -> dict[Group, list[str]]:
    """Each group's organisation ids among ``entries`` (sorted, for stable fan-out)."""
    wanted = set(groups)
    found: dict[Group, list[str]] = {g: [] for g in wanted}
    for entry in entries:
        for group in entry.groups():
            if group in wanted:
                found[group].append(entry.organisation_id)
    return {g: sorted(ids) for g, ids in found.items()}


def group_keys(groups: Iterable[Group]) -> list[str]:
    return sorted({g.key for g in groups})


def organisation_ids(found: Mapping[Group, list[str]]) -> list[str]:
    return sorted({org for ids in found.values() for org in ids})
