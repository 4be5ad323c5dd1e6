"""Turn an assessment of the grading factors into a level, with reasons.

The factors are the ones the seeds name:

==============  =====================================  ==========================
factor          meaning                                named by
==============  =====================================  ==========================
power           掌握重要权力的多少（权力重要程度）        000 §九, 001 第十四条, 002
money           与资金（人财物）关联程度                  000 §九, 002 评定标准
discretion      自由裁量权大小                           000 §九, 001 第十四条
likelihood      发生可能性（几率）                        000, 001, 002
harm            危害程度（一旦发生的后果）                 000, 001, 002
frequency       权力行使频率                             002 一(四)3
sanzhong_yida   是否涉及“三重一大”                        002 一级风险评定标准
==============  =====================================  ==========================

Each factor is rated 高/中/低.  The seeds give the criteria for each level
but no formula that combines the factors; the combination below is the
project's teaching rule, checked in order, first match wins:

1. 一级 if 三重一大 and (likelihood 高 or harm 高)           — 002 一级标准
2. 一级 if power 高 and (money 高 or likelihood 高 or harm 高)  — 000 §九(一), 002 一级标准
3. 一级 if money 高 and harm 高 (direct control of money, people or goods,
   and a lapse could be a crime or cause grave loss)         — 002 一级标准
4. 一级 if likelihood 高 and harm 高                         — 001 第十四条（几率与危害）
5. 一级 if discretion 高 and frequency 高 and (likelihood 高 or harm 高) — 001 第十四条, 002
6. 三级 if power 低 and money 低 and discretion ≠ 高 and neither likelihood nor harm is 高 — 000 §九(三), 002 三级标准
7. 三级 if likelihood 低 and harm 低 and not 三重一大         — 001 第十四条, 002 三级标准
8. otherwise 二级                                          — 000 §九(二), 002 二级标准
"""
from __future__ import annotations

from dataclasses import dataclass, fields

from ..sources import Citation, cite
from .levels import Level

__all__ = ["Rating", "RATING_NAMES", "parse_bool", "FACTOR_LABELS", "Assessment", "GradeResult", "grade", "parse_rating"]

Rating = int  # 3 = 高, 2 = 中, 1 = 低
RATING_NAMES = {3: "高", 2: "中", 1: "低"}
_RATING_ALIASES = {"高": 3, "大": 3, "多": 3, "强": 3, "中": 2, "一般": 2, "较": 2, "低": 1, "小": 1, "少": 1, "弱": 1, "无": 1}

FACTOR_LABELS: dict[str, str] = {
    "power": "权力重要程度",
    "money": "与资金（人财物）关联程度",
    "discretion": "自由裁量权大小",
    "likelihood": "发生可能性",
    "harm": "危害程度",
    "frequency": "权力行使频率",
    "sanzhong_yida": "涉及“三重一大”",
}


def parse_rating(value: object, label: str = "因素") -> Rating:
    """Read 高/中/低 (or 3/2/1, 大/小 …) as a rating."""
    if isinstance(value, bool):
        raise ValueError(f"{label}的取值“{value}”无法识别：应为 高、中 或 低")
    if isinstance(value, int) and value in (1, 2, 3):
        return value
    text = str(value).strip().replace("较高", "中").replace("较低", "中").replace("较大", "中").replace("较小", "中")
    if text in ("1", "2", "3"):
        return int(text)
    if text in _RATING_ALIASES:
        return _RATING_ALIASES[text]
    raise ValueError(f"{label}的取值“{value}”无法识别：应为 高、中 或 低")


@dataclass(frozen=True)
class Assessment:
    """A rating of every factor for one risk point."""

    power: Rating
    money: Rating
    discretion: Rating
    likelihood: Rating
    harm: Rating
    frequency: Rating
    sanzhong_yida: bool = False

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name == "sanzhong_yida":
                if not isinstance(self.sanzhong_yida, bool):
                    raise ValueError(f"{FACTOR_LABELS[f.name]}应为 是 或 否")
                continue
            value = getattr(self, f.name)
            if value not in (1, 2, 3) or isinstance(value, bool):
                raise ValueError(f"{FACTOR_LABELS[f.name]}的取值“{value}”无法识别：应为 高、中 或 低")

    @classmethod
    def from_mapping(cls, data: dict) -> "Assessment":
        """Build from ``{"power": "高", ..., "sanzhong_yida": "否"}``."""
        values: dict[str, object] = {}
        for f in fields(cls):
            label = FACTOR_LABELS[f.name]
            if f.name == "sanzhong_yida":
                raw = data.get(f.name, False)
                values[f.name] = parse_bool(raw, label)
            elif f.name not in data:
                raise ValueError(f"缺少因素“{label}”（{f.name}）")
            else:
                values[f.name] = parse_rating(data[f.name], label)
        return cls(**values)  # type: ignore[arg-type]

    def to_mapping(self) -> dict[str, str]:
        out = {f.name: RATING_NAMES[getattr(self, f.name)] for f in fields(self) if f.name != "sanzhong_yida"}
        out["sanzhong_yida"] = "是" if self.sanzhong_yida else "否"
        return out

    def describe(self) -> list[str]:
        """One Chinese phrase per factor, e.g. ``权力重要程度：高``."""
        m = self.to_mapping()
        return [f"{FACTOR_LABELS[k]}：{v}" for k, v in m.items()]


def parse_bool(raw: object, label: str) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("是", "涉及", "有", "true", "yes", "y", "1", "√", "对"):
        return True
    if text in ("否", "不涉及", "无", "false", "no", "n", "0", "×", "", "none"):
        return False
    raise ValueError(f"{label}的取值“{raw}”无法识别：应为 是 或 否")


@dataclass(frozen=True)
class GradeResult:
    level: Level
    rule: int  # which numbered rule matched (see module docstring)
    reasons: tuple[str, ...]
    sources: tuple[Citation, ...]

    def explain(self) -> str:
        """The whole reasoning as one Chinese paragraph."""
        return f"评定为{self.level.label}：" + "；".join(self.reasons) + "。"


_HIGH, _MID, _LOW = 3, 2, 1


def grade(a: Assessment) -> GradeResult:
    """Apply the project's teaching rule (module docstring) to an assessment."""
    hi = {f: getattr(a, f) == _HIGH for f in ("power", "money", "discretion", "likelihood", "harm", "frequency")}
    lo = {f: getattr(a, f) == _LOW for f in ("power", "money", "discretion", "likelihood", "harm", "frequency")}
    severe = hi["likelihood"] or hi["harm"]
    sev_txt = "发生可能性高" if hi["likelihood"] else "一旦发生危害严重"
    if a.sanzhong_yida and severe:
        return _result(Level.ONE, 1, [f"涉及“三重一大”事项，且{sev_txt}", "符合某高校方案的一级风险评定标准"], [cite("002", "一级风险评定标准")])
    if hi["power"] and (hi["money"] or severe):
        why = "与资金（人财物）关联程度高" if hi["money"] else sev_txt
        return _result(Level.ONE, 2, [f"掌握较多重要权力，且{why}", "符合宣讲提纲对一级风险的划分（掌握较多重要权力）"], [cite("000", "九(一)"), cite("002", "一级风险评定标准")])
    if hi["money"] and hi["harm"]:
        return _result(Level.ONE, 3, ["直接支配资金（人财物），且一旦发生后果严重、可能触犯法律", "符合某高校方案的一级风险评定标准（较大的人财物管理权、一旦发生后果严重）"], [cite("002", "一级风险评定标准")])
    if hi["likelihood"] and hi["harm"]:
        return _result(Level.ONE, 4, ["发生可能性高，且一旦发生危害严重", "清新区办法按腐败发生概率和危害程度评定，两者都高应评为高等级"], [cite("001", "第十四条")])
    if hi["discretion"] and hi["frequency"] and severe:
        return _result(Level.ONE, 5, [f"自由裁量权大、权力行使频繁，且{sev_txt}", "裁量权大小和行使频率都是评定因素，叠加后应评为高等级"], [cite("001", "第十四条"), cite("002", "一(四)3")])
    if lo["power"] and lo["money"] and not hi["discretion"] and not severe:
        return _result(Level.THREE, 6, ["基本不掌握重要权力和人财物支配权，自由裁量空间不大，发生可能性和危害都不高", "符合三级风险的划分（以内部管理为主）"], [cite("000", "九(三)"), cite("002", "三级风险评定标准")])
    if lo["likelihood"] and lo["harm"] and not a.sanzhong_yida:
        return _result(Level.THREE, 7, ["发生可能性低，危害程度低", "发生几率较低、只可能造成一般违规，属三级（低）风险"], [cite("001", "第十四条"), cite("002", "三级风险评定标准")])
    notes = []
    if a.sanzhong_yida:
        notes.append("虽涉及“三重一大”，但发生可能性和危害程度都不算高")
    if hi["power"]:
        notes.append("虽掌握较多重要权力，但资金关联、发生可能性和危害程度都不高")
    notes.append("介于一级与三级之间：可借助职权谋私，发生几率或后果较为严重")
    return _result(Level.TWO, 8, notes + ["符合二级风险的划分"], [cite("000", "九(二)"), cite("002", "二级风险评定标准")])


def _result(level: Level, rule: int, reasons: list[str], sources: list[Citation]) -> GradeResult:
    return GradeResult(level, rule, tuple(reasons), tuple(sources))
