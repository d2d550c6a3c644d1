"""Synthetic supply and demand records for ``bench/matching.py``.

``tech_offer`` records (the supply indexed) and ``tech_need`` records (the demands
whose match body is timed): text recombined from a small technical vocabulary,
attributes drawn at random. Deterministic by seed: ``offers(n, seed)[:k]`` equals
``offers(k, seed)``, so the saved vectors of a smaller run serve a larger one.
"""

from __future__ import annotations

import random


def _words(text: str) -> list[str]:
    return text.split()


SUBJECTS = _words(
    """
    储能 锂电池 钠离子电池 固态电池 光伏组件 氢燃料电池 电解槽 碳化硅 氮化镓 功率器件 MCU芯片
    射频芯片 光刻胶 封装基板 大模型 知识图谱 机器视觉 语音识别 联邦学习 隐私计算 区块链 数字人民币
    智能合约 车路协同 激光雷达 自动驾驶 高精地图 工业互联网 数字孪生 边缘计算 时序数据库 操作系统
    分布式数据库 量子密钥 量子计算 基因编辑 细胞治疗 mRNA疫苗 抗体药物 医学影像 手术机器人 体外诊断
    碳纤维 气凝胶 高温合金 钛合金粉末 增材制造 工业机器人 数控机床 无人机 卫星遥感 商业航天 智慧农业
    育种 植保 水肥一体化 污水处理 余热回收 风电运维 电网调峰 虚拟电厂 充电桩 热管理
"""
)
ACTIONS = _words(
    """
    设计 研发 制备 检测 监测 预测 优化 控制 集成 部署
    运维 诊断 识别 评估 仿真 标定 修复 回收 加速 国产化
"""
)
QUALITIES = _words(
    """
    高效 低成本 高可靠 长寿命 轻量化 高精度 低功耗
    智能化 模块化 国产替代 自主可控 大规模 实时 安全可信
"""
)
OBJECTS = _words(
    """
    系统 平台 装备 工艺 材料 算法 模型 芯片 传感器 软件 解决方案 生产线 样机 服务 数据集
"""
)
MODES = ["transfer", "license", "equity", "joint_dev"]
DOMAINS = _words("ic ai biomed materials blockchain iov nextgen_it health manufacturing energy")


def _text(rng: random.Random) -> tuple[str, str, list[str]]:
    subj = rng.sample(SUBJECTS, 3)
    title = f"{rng.choice(QUALITIES)}{subj[0]}{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}"
    sentences = [
        f"面向{subj[1]}与{subj[2]}场景，{rng.choice(ACTIONS)}{rng.choice(QUALITIES)}{subj[0]}"
        f"{rng.choice(OBJECTS)}，实现{rng.choice(QUALITIES)}{rng.choice(ACTIONS)}。"
        for _ in range(rng.randint(2, 4))
    ]
    keywords = [*subj, rng.choice(QUALITIES), rng.choice(OBJECTS)]
    return title, "".join(sentences), keywords


def offer(i: int, rng: random.Random) -> dict:
    title, description, keywords = _text(rng)
    return {
        "id": f"bench-offer-{i}",
        "kind": "tech_offer",
        "title": title,
        "description": description,
        "domains": rng.sample(DOMAINS, rng.randint(1, 2)),
        "keywords": keywords,
        "attributes": {
            "trl": rng.randint(2, 9),
            "cooperation_modes": rng.sample(MODES, rng.randint(1, 3)),
            "ip": rng.randint(0, 40),
        },
    }


def need(i: int, rng: random.Random) -> dict:
    title, description, keywords = _text(rng)
    return {
        "id": f"bench-need-{i}",
        "kind": "tech_need",
        "title": title + "技术需求",
        "description": description,
        "domains": rng.sample(DOMAINS, rng.randint(1, 3)),
        "keywords": keywords,
        "attributes": {
            "min_trl": rng.randint(3, 8),
            "cooperation_modes": rng.sample(MODES, rng.randint(1, 2)),
            "budget_cny": [500_000, 5_000_000],
        },
    }


def offers(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [offer(i, rng) for i in range(n)]
