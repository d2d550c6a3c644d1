"""Shared vocabulary of the five markets' supply and demand records.

Field names and codes follow ``../shared/data/README.md`` (the labelled matching set),
and every record can render itself in that dataset's shape with ``to_record()`` so the
matching service ranks exactly what it was tuned on. Open code lists (domains,
qualifications, districts) are plain strings so a new code never breaks an old
consumer; hard-rule vocabularies (stage, seniority, cooperation mode) are literals.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

DOMAINS: dict[str, str] = {
    "ic": "集成电路",
    "ai": "人工智能",
    "biomed": "生物医药",
    "materials": "关键材料",
    "blockchain": "区块链",
    "iov": "车联网/智能网联汽车",
    "nextgen_it": "新一代信息技术",
    "health": "医药健康",
    "manufacturing": "智能制造与装备",
    "energy": "新能源与节能环保",
    "aerospace": "航空航天",
    "quantum": "量子信息与前沿技术",
    "agritech": "现代农业",
    "fintech": "数字金融",
}

#: identity's district codes (16 districts and bda, the development area) and the Chinese
#: names market records carry in ``district`` (``海淀区``; ``全市`` for the whole city)
DISTRICTS: dict[str, str] = {
    "dongcheng": "东城区", "xicheng": "西城区", "chaoyang": "朝阳区", "haidian": "海淀区",
    "fengtai": "丰台区", "shijingshan": "石景山区", "mentougou": "门头沟区",
    "fangshan": "房山区", "tongzhou": "通州区", "shunyi": "顺义区", "changping": "昌平区",
    "daxing": "大兴区", "huairou": "怀柔区", "pinggu": "平谷区", "miyun": "密云区",
    "yanqing": "延庆区", "bda": "北京经济技术开发区",
}  # fmt: skip

CooperationMode = Literal["transfer", "license", "equity", "joint_dev"]
Stage = Literal["angel", "pre_a", "a", "b", "c_plus"]
Seniority = Literal["junior", "mid", "senior", "executive"]
FundType = Literal["government", "vc"]

Code = Annotated[str, Field(pattern=r"^[a-z0-9_]+$", max_length=40)]


def _ordered(value: tuple[int, int]) -> tuple[int, int]:
    if value[0] > value[1]:
        raise ValueError("range must be [min, max] with min <= max")
    return value


CnyRange = Annotated[
    tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]],
    AfterValidator(_ordered),
    Field(description="[min, max] in yuan", examples=[[800000, 3000000]]),
]
Trl = Annotated[int, Field(ge=1, le=9, description="technology readiness level 1-9")]


class MarketRecord(BaseModel):
    """Fields every supply or demand record of every market carries."""

    # Newer producers may add fields; older consumers ignore them.
    model_config = ConfigDict(extra="ignore")
    kind: ClassVar[str]

    id: str = Field(description="record id (the aggregate id and Kafka key)", examples=["need-42"])
    owner_org_id: str = Field(description="organisation that posted it", examples=["org-7"])
    title: str = Field(
        min_length=1, description="title (mostly Chinese)", examples=["储能系统集中采购"]
    )
    description: str = Field("", description="free text (mostly Chinese)")
    domains: list[Code] = Field(
        default_factory=list, description="domain codes, see DOMAINS", examples=[["ai", "ic"]]
    )
    keywords: list[str] = Field(default_factory=list, examples=[["大模型", "知识库"]])
    district: str | None = Field(None, description="Beijing district, or 全市", examples=["海淀区"])
    status: str = Field("published", description="lifecycle state", examples=["published"])
    updated_at: datetime | None = Field(None, description="when this state was written")

    def attributes(self) -> dict[str, Any]:
        """Kind-specific attributes in the dataset's names."""
        raise NotImplementedError

    def to_record(self) -> dict[str, Any]:
        """The matching dataset's shape: id, kind, title, description, domains, keywords,
        attributes (see /shared/data/matching-dev)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "description": self.description,
            "domains": list(self.domains),
            "keywords": list(self.keywords),
            "attributes": self.attributes(),
        }


class RecordWithdrawn(BaseModel):
    """A record left the market (withdrawn by its owner or closed by an operator)."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(description="record id", examples=["need-42"])
    owner_org_id: str = Field(description="organisation that posted it", examples=["org-7"])
    reason: str | None = Field(None, description="why, if given", examples=["已找到合作方"])
    withdrawn_at: datetime | None = Field(None, description="when it was withdrawn")


def as_list(value: tuple[int, int] | None) -> list[int] | None:
    return None if value is None else [value[0], value[1]]
