"""Demo data for the local stack: one organisation of each type, one user each.

Ids are fixed (uuid5 of a name) so other services' demo data can refer to them.
The password below is for local use only and is printed by ``seed-demo``.
"""

from __future__ import annotations

import datetime as dt

from services.identity.domain.credit_code import check_character
from services.identity.domain.organisations import (
    EnterpriseProfile,
    GovernmentProfile,
    HeadhunterProfile,
    InvestorProfile,
    OperatorProfile,
    Profile,
    Role,
    SoeProfile,
    UniversityProfile,
)
from services.identity.usecases import Deps
from services.identity.usecases import organisations as org_uc
from shared.auth import Caller
from shared.demo import DEMO_PASSWORD, demo_email, demo_id


def _code(first17: str) -> str:
    return first17 + check_character(first17)


def demo_profiles(today: dt.date) -> dict[str, Profile]:
    return {
        "operator": OperatorProfile(name="北京市科学技术委员会、中关村科技园区管理委员会"),
        "enterprise": EnterpriseProfile(
            name="北京智源示范科技有限公司",
            credit_code=_code("91110108MA01ABC12"),
            district="haidian",
            founding_date=today - dt.timedelta(days=400),  # under two: on the cultivation list
            domains=["ai", "ic"],
        ),
        "university": UniversityProfile(name="北京示范大学", kind="university", domains=["ai"]),
        "soe": SoeProfile(
            name="北京示范国有资本控股集团有限公司", credit_code=_code("91110000MA00ABCD1")
        ),
        "government": GovernmentProfile(name="海淀区人民政府", kind="district", district="haidian"),
        "investor": InvestorProfile(
            name="北京示范科技创新投资基金", fund_type="government", domains=["ai", "biomed"]
        ),
        "headhunter": HeadhunterProfile(
            name="北京示范人才猎头有限公司", licence_number="京人服证字〔2021〕第0108000123号"
        ),
    }


async def seed_demo(deps: Deps, cli: Caller) -> list[str]:
    """Register what is missing; returns one line per organisation."""
    lines = []
    for key, profile in demo_profiles(deps.today()).items():
        org_id = demo_id(key)
        if await deps.repos.organisations.get(org_id) is not None:
            lines.append(f"{key}: {org_id} (already there)")
            continue
        admin = org_uc.NewUser(
            name=f"{key} 管理员", email=demo_email(key), password=DEMO_PASSWORD, role=Role.admin
        )
        await org_uc.register_organisation(deps, cli, profile, admin, org_id=org_id)
        lines.append(f"{key}: {org_id} admin {demo_email(key)}")
    return lines
