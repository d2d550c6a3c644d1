"""Organisations: the kinds the marketplace knows and what each of them carries.

An organisation is one aggregate (document) whatever its type; the type decides which
profile fields it has. Enterprises also carry their tier-list memberships (see ``tiers``).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from services.identity.domain.credit_code import validate_credit_code
from shared.auth import OrgType, Role
from shared.limits import no_control_chars

__all__ = ["District", "DomainCode", "OrgType", "Role"]


class District(StrEnum):
    """Beijing's 16 districts plus the Beijing Economic-Technological Development Area."""

    dongcheng = "dongcheng"  # 东城区
    xicheng = "xicheng"  # 西城区
    chaoyang = "chaoyang"  # 朝阳区
    haidian = "haidian"  # 海淀区
    fengtai = "fengtai"  # 丰台区
    shijingshan = "shijingshan"  # 石景山区
    mentougou = "mentougou"  # 门头沟区
    fangshan = "fangshan"  # 房山区
    tongzhou = "tongzhou"  # 通州区
    shunyi = "shunyi"  # 顺义区
    changping = "changping"  # 昌平区
    daxing = "daxing"  # 大兴区
    huairou = "huairou"  # 怀柔区
    pinggu = "pinggu"  # 平谷区
    miyun = "miyun"  # 密云区
    yanqing = "yanqing"  # 延庆区
    bda = "bda"  # 北京经济技术开发区


DISTRICT_NAMES_ZH = {
    District.dongcheng: "东城区",
    District.xicheng: "西城区",
    District.chaoyang: "朝阳区",
    District.haidian: "海淀区",
    District.fengtai: "丰台区",
    District.shijingshan: "石景山区",
    District.mentougou: "门头沟区",
    District.fangshan: "房山区",
    District.tongzhou: "通州区",
    District.shunyi: "顺义区",
    District.changping: "昌平区",
    District.daxing: "大兴区",
    District.huairou: "怀柔区",
    District.pinggu: "平谷区",
    District.miyun: "密云区",
    District.yanqing: "延庆区",
    District.bda: "北京经济技术开发区",
}


class DomainCode(StrEnum):
    """Technology domains (see the handbook's data README)."""

    ic = "ic"
    ai = "ai"
    biomed = "biomed"
    materials = "materials"
    blockchain = "blockchain"
    iov = "iov"
    nextgen_it = "nextgen_it"
    health = "health"
    manufacturing = "manufacturing"
    energy = "energy"
    aerospace = "aerospace"
    quantum = "quantum"
    agritech = "agritech"
    fintech = "fintech"


CreditCode = Annotated[
    str,
    AfterValidator(validate_credit_code),
    Field(description="统一社会信用代码 (GB 32100-2015)", examples=["91110108551385082Q"]),
]
Name = Annotated[
    str,
    Field(min_length=2, max_length=120, examples=["北京示例科技有限公司"]),
    AfterValidator(no_control_chars),
]
Domains = Annotated[
    list[DomainCode], Field(max_length=14, description="technology domain codes", examples=[["ai"]])
]


class HighTechCertificate(BaseModel):
    """高新技术企业证书: number and expiry (certificates run three years)."""

    model_config = ConfigDict(extra="forbid")

    number: Annotated[str, AfterValidator(no_control_chars)] = Field(
        min_length=6, max_length=40, examples=["GR202211001234"]
    )
    expires_on: dt.date = Field(examples=["2025-12-01"])

    def valid_on(self, day: dt.date) -> bool:
        """A certificate counts until the end of its expiry day."""
        return day <= self.expires_on


class _Profile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name


class EnterpriseProfile(_Profile):
    """企业: registry facts the tier rules depend on."""

    type: Literal[OrgType.enterprise] = OrgType.enterprise
    credit_code: CreditCode
    district: District
    founding_date: dt.date = Field(description="成立日期", examples=["2023-05-04"])
    domains: Domains = Field(default_factory=list)
    high_tech_certificate: HighTechCertificate | None = None


class UniversityProfile(_Profile):
    """高校院所 / 新型研发机构."""

    type: Literal[OrgType.university] = OrgType.university
    kind: Literal["university", "research_institute", "new_rnd_institution"]
    credit_code: CreditCode | None = None
    domains: Domains = Field(default_factory=list)


class SoeProfile(_Profile):
    """市属国有企业."""

    type: Literal[OrgType.soe] = OrgType.soe
    credit_code: CreditCode | None = None
    domains: Domains = Field(default_factory=list)


class GovernmentProfile(_Profile):
    """各区政府 (kind district, with its district) or 各委办局 (kind department)."""

    type: Literal[OrgType.government] = OrgType.government
    kind: Literal["district", "department"]
    district: District | None = Field(None, description="required when kind is district")

    @model_validator(mode="after")
    def _district_matches_kind(self) -> GovernmentProfile:
        if (self.kind == "district") != (self.district is not None):
            raise ValueError(
                "区政府须填写所属区，委办局不填 / district is required for kind district only"
            )
        return self


class InvestorProfile(_Profile):
    """政府投资基金 or VC."""

    type: Literal[OrgType.investor] = OrgType.investor
    fund_type: Literal["government", "vc"]
    credit_code: CreditCode | None = None  # required when it signs itself up
    domains: Domains = Field(default_factory=list)


class HeadhunterProfile(_Profile):
    """猎头机构: carries its human-resources service licence (人力资源服务许可证)."""

    type: Literal[OrgType.headhunter] = OrgType.headhunter
    licence_number: Annotated[str, AfterValidator(no_control_chars)] = Field(
        min_length=4, max_length=60, examples=["京人服证字〔2021〕第0108000123号"]
    )
    credit_code: CreditCode | None = None  # required when it signs itself up
    domains: Domains = Field(default_factory=list)


class OperatorProfile(_Profile):
    """Platform staff (市科委、中关村管委会)."""

    type: Literal[OrgType.operator] = OrgType.operator


Profile = Annotated[
    EnterpriseProfile
    | UniversityProfile
    | SoeProfile
    | GovernmentProfile
    | InvestorProfile
    | HeadhunterProfile
    | OperatorProfile,
    Field(discriminator="type"),
]

# The types that may sign themselves up (governments and operators are set up by operators);
# each must give its credit code then.
SignUpProfile = Annotated[
    EnterpriseProfile | UniversityProfile | SoeProfile | InvestorProfile | HeadhunterProfile,
    Field(discriminator="type"),
]

# Fields an organisation's own admin may change; everything else is a registry fact
# that only operators correct (a self-declared certificate would let anyone leave or
# join tier lists).
SELF_EDITABLE_FIELDS = frozenset({"name", "domains"})


def profile_district(profile: BaseModel) -> District | None:
    """The district an organisation belongs to, when it has one."""
    return getattr(profile, "district", None)
