"""Texts of monitoring alerts (监测预警, policy 15): Chinese first, English second, one
per alert kind that ``reporting.alert.raised`` carries. Merged into ``texts.TEMPLATES``.

Fields come from ``alerts.alert_params``; ``texts`` adds ``record_kind_name`` and
``record_title_q``. A missing field renders blank.
"""

# ruff: noqa: E501  (one template per line reads better than wrapped strings)
from __future__ import annotations

from shared.events.contracts._market import DISTRICTS

# What a published demand waits for, by its kind (reporting's "no interest").
ANSWER_NAMES: dict[str, tuple[str, str]] = {
    "tech_need": ("合作意向", "expression of interest"),
    "talent_demand": ("猎头认领", "headhunter claim"),
    "scenario": ("揭榜申请", "application"),
}

# A district's names: the Chinese from the shared district table (the names market records
# carry), the English here.
_DISTRICT_NAMES_EN: dict[str, str] = {
    "dongcheng": "Dongcheng District", "xicheng": "Xicheng District",
    "chaoyang": "Chaoyang District", "haidian": "Haidian District",
    "fengtai": "Fengtai District", "shijingshan": "Shijingshan District",
    "mentougou": "Mentougou District", "fangshan": "Fangshan District",
    "tongzhou": "Tongzhou District", "shunyi": "Shunyi District",
    "changping": "Changping District", "daxing": "Daxing District",
    "huairou": "Huairou District", "pinggu": "Pinggu District", "miyun": "Miyun District",
    "yanqing": "Yanqing District", "bda": "Beijing Economic-Technological Development Area",
}  # fmt: skip
DISTRICT_NAMES: dict[str, tuple[str, str]] = {
    code: (zh, _DISTRICT_NAMES_EN.get(code, code)) for code, zh in DISTRICTS.items()
}

# template key -> ((zh title, zh body), (en title, en body))
ALERT_TEMPLATES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "reporting.alert.roadshow_month_at_risk": (
        ("监测预警：{month}月度对接路演可能落空", "{month}即将结束（{due_at_local}），本月尚无已举办或已排期的投融资对接路演。按照每月组织对接会1次以上的要求，请尽快安排。"),
        ("Alert: the roadshow of {month} may be missed", "{month} ends soon ({due_at_local}) and no investment roadshow has been held or scheduled this month. At least one a month is required; please schedule one."),
    ),
    "reporting.alert.demand_unanswered": (
        ("监测预警：{record_kind_name}发布{days}天仍无{missing_zh}", "您发布的{record_kind_name}{record_title_q}已发布{days}天，仍没有{missing_zh}。建议补充描述、关键词或技术领域，以便获得匹配与响应。"),
        ("Alert: no {missing_en} for your {record_kind_name} in {days} days", "Your {record_kind_name}{record_title_q} was published {days} days ago and still has no {missing_en}. Adding detail, keywords or domains helps it get matched and answered."),
    ),
    "reporting.alert.interest_expiring": (
        ("监测预警：合作意向即将过期未答复", "有机构对您发布的信息表达了合作意向，至今尚未答复，将于{due_at_local}过期。请及时接受或婉拒。"),
        ("Alert: an expression of interest expires unanswered", "An organisation's interest in your record is still unanswered and expires at {due_at_local}. Please accept or decline it."),
    ),
    "reporting.alert.claim_expiring": (
        ("监测预警：人才需求认领即将到期", "贵机构认领的一项人才需求尚未推荐候选人，认领将于{due_at_local}到期。请尽快推荐候选人。"),
        ("Alert: a talent-demand claim expires soon", "Your agency has not submitted a candidate on a claimed talent demand; the claim expires at {due_at_local}. Please submit candidates soon."),
    ),
    "reporting.alert.catalogue_expiring": (
        ("监测预警：清单产品即将到期", "贵企业入选新技术新产品（服务）清单的{record_title_q}将于{due_at_local}到期。如需继续保留在清单中，请及时申报。"),
        ("Alert: a catalogue listing expires soon", "Your listing{record_title_q} in the new technology and product catalogue expires at {due_at_local}. Apply again in time to stay listed."),
    ),
    "reporting.alert.cultivation_stale": (
        ("监测预警：{district_zh}培育清单已一个季度未更新", "{district_zh}的高新技术企业培育清单已超过{days}天没有变动。请核实本区企业情况，及时推荐纳入或移出。"),
        ("Alert: the cultivation list of {district_en} is unchanged for a quarter", "The high-tech cultivation list of {district_en} has not changed for over {days} days. Please review the district's enterprises and propose additions or removals."),
    ),
    "reporting.alert": (
        ("监测预警：{alert_title_zh}", "{alert_title_zh}"),
        ("Alert: {alert_title_en}", "{alert_title_en}"),
    ),
}  # fmt: skip
