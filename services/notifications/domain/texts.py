"""Message texts: Simplified Chinese first, English second, chosen by the user's language.

Templates use ``str.format`` fields filled from the rule's parameters; a missing field
renders empty rather than failing, so an older payload still yields a readable message.
"""

# ruff: noqa: E501  (one template per line reads better than wrapped strings)
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from services.notifications.domain.alert_texts import ALERT_TEMPLATES

Language = Literal["zh", "en"]

KIND_NAMES: dict[str, tuple[str, str]] = {
    "tech_offer": ("科技成果", "technology achievement"),
    "tech_need": ("技术需求", "technology need"),
    "product": ("新技术新产品", "new product"),
    "procurement_need": ("采购需求", "procurement need"),
    "capability": ("企业能力", "enterprise capability"),
    "scenario": ("应用场景", "application scenario"),
    "pitch": ("融资项目", "funding pitch"),
    "investor_mandate": ("投资意向", "investor mandate"),
    "agency": ("猎头机构", "headhunter agency"),
    "talent_demand": ("人才需求", "talent demand"),
}
TIER_NAMES = {
    "cultivation": ("培育清单", "cultivation list"),
    "small_to_scale": ("“小升规”清单", "small-to-scale list"),
    "scale_to_strong": ("“规升强”清单", "scale-to-strong list"),
}
ACTION_NAMES = {"added": ("纳入", "added to"), "removed": ("移出", "removed from")}

# Where in the portal a record lives (the message links there).
LINK_PATHS = {
    "tech_offer": "/techtransfer/offers/{id}",
    "tech_need": "/techtransfer/needs/{id}",
    "product": "/catalogue/products/{id}",
    "procurement_need": "/catalogue/needs/{id}",
    "capability": "/scenarios/capabilities/{id}",
    "scenario": "/scenarios/{id}",
    "pitch": "/roadshows/pitches/{id}",
    "investor_mandate": "/roadshows/mandates/{id}",
    "agency": "/talent/agencies/{id}",
    "talent_demand": "/talent/demands/{id}",
    "interest": "/techtransfer/interests/{id}",
    "meeting": "/techtransfer/meetings/{id}",
    "claim": "/talent/claims/{id}",
    "candidate": "/talent/candidates/{id}",
    "placement": "/talent/placements/{id}",
    "fair": "/talent/fairs/{id}",
    "event": "/catalogue/events/{id}",
    "application": "/catalogue/applications/{id}",
    "docking": "/catalogue/dockings/{id}",
    "roadshow": "/roadshows/{id}",
    "roadshow_meeting": "/roadshows/meetings/{id}",
    "enterprise": "/enterprises/{id}/tiers",
    "organisation": "/account",  # its sign-up's outcome: the reader's own account page
    "month": "/compliance",  # a roadshow month at risk
    "district": "/reports?district={id}",  # a district's cultivation list
}

# event type -> ((zh title, zh body), (en title, en body))
TEMPLATES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "matching.match.suggested": (
        ("新的匹配推荐：{supply_kind_name}", "为您的{demand_kind_name}找到一条值得关注的{supply_kind_name}{rank_zh}。{summary}"),
        ("New match: {supply_kind_name}", "A {supply_kind_name} worth a look for your {demand_kind_name}{rank_en}. {summary}"),
    ),
    "matching.match.suggested.supply": (
        ("您的{supply_kind_name}匹配到新的{demand_kind_name}", "您发布的{supply_kind_name}与一条{demand_kind_name}高度契合，对方已收到推荐，您也可以主动联系。{summary}"),
        ("Your {supply_kind_name} matches a {demand_kind_name}", "Your {supply_kind_name} fits a {demand_kind_name}; its owner was told too, and you may reach out. {summary}"),
    ),
    "matching.record.rejected": (
        ("您的{record_kind_name}暂时无法被检索", "检索索引拒收了您发布的{record_kind_name}，其他机构暂时搜不到、也匹配不到它。请修改后重新保存（例如缩短过长的关键词）。原因：{reason}"),
        ("Your {record_kind_name} cannot be found yet", "The search index refused your {record_kind_name}, so others cannot find or match it. Please edit and save it again (for example, shorten a very long keyword). Reason: {reason}"),
    ),
    "matching.match.saved_search": (
        ("订阅检索有新结果：{supply_kind_name}", "您保存的检索条件匹配到一条新发布的{supply_kind_name}。{summary}"),
        ("Saved search: new {supply_kind_name}", "A newly published {supply_kind_name} matches your saved search. {summary}"),
    ),
    "identity.enterprise.tier_changed": (
        ("企业清单变动：已{action_name}{tier_name}", "贵企业已{action_name}{tier_name}。原因：{reason}"),
        ("Tier list change: {action_name} the {tier_name}", "Your enterprise was {action_name} the {tier_name}. Reason: {reason}"),
    ),
    "techtransfer.interest.expressed": (
        ("收到新的合作意向", "有机构对您发布的{record_kind_name}{record_title_q}表达了合作意向，请及时答复。"),
        ("New expression of interest", "An organisation is interested in your {record_kind_name}{record_title_q}. Please answer it."),
    ),
    "techtransfer.interest.accepted": (
        ("合作意向已被接受", "您对{record_kind_name}{record_title_q}的合作意向已被接受，现可查看对方联系方式。"),
        ("Interest accepted", "Your interest in the {record_kind_name}{record_title_q} was accepted; contact details are now visible."),
    ),
    "techtransfer.interest.declined": (
        ("合作意向未被接受", "您对{record_kind_name}{record_title_q}的合作意向未被接受。{decline_reason}"),
        ("Interest declined", "Your interest in the {record_kind_name}{record_title_q} was declined. {decline_reason}"),
    ),
    "techtransfer.interest.expired": (
        ("合作意向已过期", "您对{record_kind_name}{record_title_q}的合作意向在答复期限内未获答复，已过期。"),
        ("Interest expired", "Your interest in the {record_kind_name}{record_title_q} was not answered in time and has expired."),
    ),
    "techtransfer.interest.withdrawn": (
        ("合作意向已撤回", "对您{record_kind_name}{record_title_q}的一条合作意向已被对方撤回。"),
        ("Interest withdrawn", "An expression of interest in your {record_kind_name}{record_title_q} was withdrawn."),
    ),
    "techtransfer.meeting.requested": (
        ("收到对接会谈邀请", "有参会机构邀请您在对接洽谈会上进行一对一会谈，请及时答复。"),
        ("Meeting requested", "A participant asks you for a one-to-one meeting at a brokerage session. Please answer it."),
    ),
    "techtransfer.meeting.accepted": (
        ("会谈邀请已接受", "您的一对一会谈邀请已被接受，排期确定后将另行通知。"),
        ("Meeting accepted", "Your one-to-one meeting request was accepted; you will hear when it is scheduled."),
    ),
    "techtransfer.meeting.declined": (
        ("会谈邀请未被接受", "您的一对一会谈邀请未被接受。"),
        ("Meeting declined", "Your one-to-one meeting request was declined."),
    ),
    "techtransfer.meeting.expired": (
        ("会谈邀请已过期", "您的一对一会谈邀请在截止前未获答复，已过期。"),
        ("Meeting request expired", "Your one-to-one meeting request was not answered before the deadline and has expired."),
    ),
    "techtransfer.meeting.scheduled": (
        ("会谈已排期", "您的一对一会谈已排定：{starts_at_local}，{table_zh}。"),
        ("Meeting scheduled", "Your one-to-one meeting is scheduled: {starts_at_local}, {table_en}."),
    ),
    "techtransfer.deal.reported": (
        ("对方登记了一笔成交", "合作方登记了一笔{record_kind_name}成交，请核对并确认。"),
        ("A deal was reported", "Your counterpart reported a deal on a {record_kind_name}. Please check and confirm it."),
    ),
    "talent.claim.granted": (
        ("人才需求已被认领", "猎头机构认领了您发布的人才需求{demand_title_q}。"),
        ("Talent demand claimed", "A headhunter agency claimed your talent demand{demand_title_q}."),
    ),
    "talent.claim.reminded": (
        ("人才需求认领即将到期", "贵机构对人才需求{demand_title_q}的认领即将到期（{expires_at}），请尽快推荐候选人。"),
        ("Claim about to expire", "Your agency's claim on the talent demand{demand_title_q} expires soon ({expires_at}). Please submit candidates."),
    ),
    "talent.fair.promoted": (
        ("候补转正：已获得招聘会展位", "贵机构在招聘会“{title}”的候补已转为正式展位。"),
        ("Job fair place confirmed from the waitlist", "Your organisation's waitlisted place at the job fair “{title}” is now confirmed."),
    ),
    "talent.claim.expired": (
        ("人才需求认领已到期", "贵机构对人才需求{demand_title_q}的认领已到期，名额已释放。"),
        ("Claim expired", "Your agency's claim on the talent demand{demand_title_q} has expired and its slot was released."),
    ),
    "talent.claim.revoked": (
        ("人才需求认领被撤销", "企业撤销了贵机构对人才需求{demand_title_q}的认领。原因：{reason}"),
        ("Claim revoked", "The enterprise revoked your agency's claim on the talent demand{demand_title_q}. Reason: {reason}"),
    ),
    "talent.candidate.submitted": (
        ("收到新的候选人推荐", "猎头机构为您的人才需求推荐了一位候选人，请及时查看。"),
        ("New candidate", "A headhunter agency submitted a candidate for your talent demand."),
    ),
    "talent.candidate.advanced": (
        ("候选人进入下一环节", "贵机构推荐的候选人已进入新环节（{stage}）。"),
        ("Candidate moved on", "A candidate your agency submitted moved on ({stage})."),
    ),
    "talent.candidate.rejected": (
        ("候选人未通过", "贵机构推荐的一位候选人未通过。原因：{reason}"),
        ("Candidate rejected", "A candidate your agency submitted was rejected. Reason: {reason}"),
    ),
    "talent.placement.qualified": (
        ("入职保证期已满", "岗位“{role_title}”的入职已过保证期，形成可申请支持的引才记录。"),
        ("Guarantee period completed", "The placement for “{role_title}” completed its guarantee period and is now a support-eligible record."),
    ),
    "catalogue.application.approved": (
        ("清单申报已通过审核", "贵企业申报的{record_title_q}已通过审核，将纳入下一批新技术新产品（服务）清单。"),
        ("Catalogue application approved", "Your application for{record_title_q} was approved and will join the next catalogue edition."),
    ),
    "catalogue.application.rejected": (
        ("清单申报未通过", "贵企业申报的{record_title_q}未通过审核。原因：{reason}"),
        ("Catalogue application rejected", "Your application for{record_title_q} was rejected. Reasons: {reason}"),
    ),
    "catalogue.application.returned": (
        ("清单申报退回修改", "贵企业申报的{record_title_q}被退回修改，请按意见修改后重新提交：{reason}"),
        ("Catalogue application sent back", "Your application for{record_title_q} was sent back for changes; please edit and resubmit: {reason}"),
    ),
    "catalogue.docking.proposed": (
        ("国企专项对接邀请", "一家市属国有企业希望就采购需求{demand_title_q}与贵企业的{record_title_q}开展专项对接，请及时答复。"),
        ("Special docking request from an SOE", "A city SOE wants to discuss its need{demand_title_q} with your{record_title_q}. Please answer it."),
    ),
    "catalogue.docking.accepted": (
        ("专项对接会面已确认", "供应企业已接受就{record_title_q}的对接会面，时间：{starts_at_local}。"),
        ("Docking meeting accepted", "The supplier of{record_title_q} accepted the meeting at {starts_at_local}."),
    ),
    "catalogue.docking.declined": (
        ("专项对接被婉拒", "供应企业婉拒了就{record_title_q}的对接。原因：{reason}"),
        ("Docking declined", "The supplier of{record_title_q} declined the docking. Reason: {reason}"),
    ),
    "catalogue.first_purchase.recorded": (
        ("首购/首台（套）示范应用记录已形成", "贵企业的{record_title_q}已实现首购，形成首台（套）示范应用记录，可据此申请相关支持。"),
        ("First-purchase record created", "Your{record_title_q} made its first sale: a first-of-a-kind demonstration record now exists for later support."),
    ),
    "catalogue.registration.cancelled": (
        ("活动已取消", "您报名的活动{event_title_q}已被主办方取消，您的席位或候补已随之取消。"),
        ("Event cancelled", "The event{event_title_q} you registered for was cancelled by the organiser; your seat or waitlist place is cancelled too."),
    ),
    "catalogue.lead.created": (
        ("首发活动新线索", "活动{event_title_q}的一位签到参会机构已作为线索推送给贵企业。"),
        ("New lead from a launch event", "An organisation that attended{event_title_q} was passed to you as a lead."),
    ),
    "catalogue.registration.promoted": (
        ("候补转正：已获得席位", "您在活动{event_title_q}的候补报名已转为正式席位。"),
        ("Seat confirmed from the waitlist", "Your waitlisted registration for{event_title_q} now has a seat."),
    ),
    "scenarios.push.sent": (
        ("应用场景精准推送", "与贵企业能力相符的应用场景{record_title_q}已发布，欢迎揭榜。{explanation}"),
        ("An application scenario fits you", "The application scenario{record_title_q} fits your capability; you are welcome to apply. {explanation}"),
    ),
    "scenarios.proposal.awarded": (
        ("揭榜中选", "贵企业的方案在应用场景{record_title_q}遴选中中选{rank_zh}，请关注交付里程碑。"),
        ("Your proposal was awarded", "Your proposal for the scenario{record_title_q} was awarded{rank_en}; see the delivery milestones."),
    ),
    "scenarios.panel.named": (
        ("受邀担任场景评审专家", "您已被列入应用场景{record_title_q}的评审专家组，申报截止后请对全部方案评分；如与申报单位存在利益关系，请先申报回避。"),
        ("You are on an expert panel", "You were named to the expert panel of the scenario{record_title_q}. Score every proposal after the deadline; declare any conflict of interest first."),
    ),
    "scenarios.proposal.declined": (
        ("揭榜未中选", "应用场景{record_title_q}的遴选结果已公布，贵企业的方案未中选{rank_zh}；可查看本企业的评分与理由。"),
        ("Your proposal was not awarded", "The results of{record_title_q} are out and your proposal was not awarded{rank_en}; your own scores and the reasons are available."),
    ),
    "roadshows.seat.promoted": (
        ("候补转正：已获得路演席位", "您在路演{roadshow_title_q}的候补已转为正式席位。"),
        ("Roadshow seat confirmed from the waitlist", "Your waitlisted seat at the roadshow{roadshow_title_q} is now confirmed."),
    ),
    "roadshows.application.selected": (
        ("路演申请入选", "贵企业的融资项目已入选路演{roadshow_title_q}，请按时参加。"),
        ("Selected to pitch", "Your pitch was selected for the roadshow{roadshow_title_q}. Please be there on time."),
    ),
    "roadshows.meeting.requested": (
        ("投资机构约见", "一家投资机构希望在路演后与贵企业一对一洽谈，请及时答复。"),
        ("Meeting request from an investor", "An investor asks for a 1:1 meeting after the roadshow. Please answer it."),
    ),
    "roadshows.meeting.scheduled": (
        ("路演后洽谈已排期", "一对一洽谈已排入第{slot}场、第{table}桌（如未排入，请查看原因）。"),
        ("Meeting scheduled", "Your 1:1 meeting is in slot {slot}, table {table} (if not placed, see why)."),
    ),
    "roadshows.followup.reported": (
        ("投资进展待确认", "投资机构登记了新的投资进展（{stage}），请核对并确认。"),
        ("Investment step to confirm", "The investor reported a new step ({stage}); please check and confirm it."),
    ),
    "identity.organisation.verified": (
        ("机构审核通过", "贵机构“{name}”已通过平台审核，现在可以发布信息了。请重新登录以启用发布权限。"),
        ("Your organisation is verified", "“{name}” has been verified by the platform and may now publish. Please sign in again to start publishing."),
    ),
    "identity.organisation.rejected": (
        ("机构审核未通过", "贵机构“{name}”的注册未通过平台审核。原因：{reason}"),
        ("Your organisation was not verified", "The sign-up of “{name}” was not verified by the platform. Reason: {reason}"),
    ),
    **ALERT_TEMPLATES,
}  # fmt: skip
FALLBACK = (
    ("新的通知", "您有一条新的通知。"),
    ("New notification", "You have a new notification."),
)


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True)
class Text:
    title: str
    body: str


def language_of(preferred: str | None) -> Language:
    """``en``/``en-US``/... read English; everything else (and nothing) reads Chinese."""
    return "en" if preferred and preferred.lower().startswith("en") else "zh"


def _enriched(params: dict[str, str], lang: Language) -> dict[str, str]:
    i = 0 if lang == "zh" else 1
    out = _Blank(params)
    for key in ("demand_kind", "supply_kind", "record_kind"):
        value = params.get(key, "")
        out[f"{key}_name"] = KIND_NAMES[value][i] if value in KIND_NAMES else value
    if not out["supply_kind_name"]:
        out["supply_kind_name"] = ("记录", "record")[i]
    if not out["demand_kind_name"]:
        out["demand_kind_name"] = ("需求", "demand")[i]
    if not out["record_kind_name"]:
        out["record_kind_name"] = ("发布信息", "record")[i]
    tier = params.get("tier", "")
    out["tier_name"] = TIER_NAMES[tier][i] if tier in TIER_NAMES else tier
    action = params.get("action", "")
    out["action_name"] = ACTION_NAMES[action][i] if action in ACTION_NAMES else action
    rank = params.get("rank", "")
    out["rank_zh"] = f"（排名第{rank}位）" if rank else ""
    out["rank_en"] = f" (ranked #{rank})" if rank else ""
    table = params.get("table", "")
    out["table_zh"] = f"{table}号桌" if table else "桌号待定"
    out["table_en"] = f"table {table}" if table else "table to be announced"
    out["starts_at_local"] = _beijing_time(params.get("starts_at", ""))
    for key in ("record_title", "demand_title", "event_title", "roadshow_title"):
        value = params.get(key, "")
        out[f"{key}_q"] = (f"“{value}”" if lang == "zh" else f" “{value}”") if value else ""
    return out


def _beijing_time(value: str) -> str:
    """An ISO time shown as Beijing wall-clock time (the policy's city)."""
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if at.tzinfo is None:
        return at.strftime("%Y-%m-%d %H:%M")
    return at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")


def render(event_type: str, params: dict[str, str], lang: Language) -> Text:
    zh, en = TEMPLATES.get(event_type, FALLBACK)
    title, body = zh if lang == "zh" else en
    values = _enriched(params, lang)
    return Text(
        title=title.format_map(values).strip(), body=" ".join(body.format_map(values).split())
    )


def link(portal_url: str, kind: str, record_id: str) -> str:
    path = LINK_PATHS.get(kind, "/records/{id}").format(id=record_id)
    return portal_url.rstrip("/") + path
