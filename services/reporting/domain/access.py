"""Who may see what (policy 16: districts see their own district, operators all).

- An enterprise profile: the enterprise itself, operators, and the district government of
  the enterprise's district; never another enterprise or any other organisation.
- Funnels, distributions and the annual report: operators for any scope; a district
  government for its own district only (it may not ask for the city or another district).
"""

from __future__ import annotations

from dataclasses import dataclass

from services.reporting.domain.facts import Org


@dataclass(frozen=True)
class Viewer:
    org_id: str
    org_type: str
    district: str | None = None
    government_kind: str | None = None

    @property
    def operator(self) -> bool:
        return self.org_type == "operator"

    @property
    def district_official(self) -> bool:
        return self.org_type == "government" and self.government_kind == "district"


class AccessDenied(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def check_profile(viewer: Viewer, org: Org | None, org_id: str) -> None:
    if viewer.operator or viewer.org_id == org_id:
        return
    if viewer.district_official and org is not None and org.district == viewer.district:
        return
    raise AccessDenied("not_your_enterprise")


def report_scope(viewer: Viewer, district: str | None) -> str | None:
    """The district a viewer may read figures of (None: the whole city); raises if none."""
    if viewer.operator:
        return district
    if viewer.district_official and viewer.district:
        if district not in (None, viewer.district):
            raise AccessDenied("other_district")
        return viewer.district
    raise AccessDenied("reports_for_operators_and_districts")
