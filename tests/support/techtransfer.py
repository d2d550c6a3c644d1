"""Sample tech-transfer record content, shared by the unit and the integration tests."""

from __future__ import annotations

from typing import Any

OFFER_FIELDS: dict[str, Any] = {
    "title": "数控机床刀具磨损在线监测与寿命预测",
    "description": "迁移学习模型在线估计刀具磨损量，可许可或联合开发。",
    "domains": ["manufacturing", "ai"],
    "keywords": ["刀具磨损", "寿命预测"],
    "cooperation_modes": ["license", "joint_dev"],
    "trl": 7,
    "ip": 6,
}

NEED_FIELDS: dict[str, Any] = {
    "title": "城市无人机即时配送调度平台技术需求",
    "description": "需要覆盖航线规划、任务调度的运行管理平台技术。",
    "domains": ["aerospace"],
    "cooperation_modes": ["license", "joint_dev"],
    "min_trl": 6,
    "budget_cny": [1_000_000, 5_000_000],
}
