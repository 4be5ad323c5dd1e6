"""Grade a risk point: what each seed's own criteria say, and the teaching level.

The seeds grade by different criteria and none gives a formula, so the
grader does not blend them.  Each seed gets a verdict of its own:

* **000 §九** — 一级/二级/三级 by how much important power a post holds
  (掌握较多 / 掌握较少 / 没有许可处罚审批权、以内部管理为主), and, after the
  semicolon in each item, by how prominent a 思想道德 problem is
  (突出 / 比较突出 / 不常表现).  The two prongs are two kinds of risk the same
  item names, so either one is enough: 000's level is the more serious of the two.
* **002 二、第二阶段 评定标准** — 一级: 涉及三重一大, 较大的人财物管理权,
  发生机率高 “或者” a serious consequence (a crime); 二级: 不直接行使人财物支配权,
  发生机率较高 or a 较为严重 consequence (党纪政纪处分); 三级: 基本不涉及人财物,
  发生机率较低 or 一般违规违纪 (内部追责、通报批评、诫勉、提醒谈话).  “或者” joins
  likelihood and consequence, so either meets that part.  三重一大 is direct
  人财物 power, so a point involving it cannot meet 二级/三级's 人财物 wording.
  A level whose every part is met is 002's level (完全符合).  If none is
  (部分符合), each level's wording is read as a ceiling: 002's level is the
  lightest level none of whose parts the point exceeds (二级: no 三重一大,
  人财物 at most 中, likelihood or consequence at most 中; 三级 the same at 低);
  a point exceeding 二级's is 一级.  Every full fit reads the same this way, and
  raising any factor never lowers the level.  (The earlier reading, "the level
  meeting most parts, a tie going to the more serious", gave 一级 to
  人财物中/机率高/后果低 but 二级 once 后果 rose to 中 — a level falling as harm
  rose, which no seed wording asks for.)
* **001 第十四条** — 高/中/低 by 权力的重要程度、自由裁量权的大小、腐败现象发生的
  概率及危害程度, with no thresholds, 经单位领导班子集体审定: it gives no level
  of its own; the verdict lists the four factors for that collective judgement.

The **teaching level** (the project's rule) is the more serious of the levels
000 and 002 give.  It is never below what either seed's explicit criterion
gives, and 001 第十四条 asks for stricter management the higher the level, so
taking the more serious one leaves no seed's management requirement unmet.
Where 000 and 002 differ, the result says so and names both.
Both verdicts are monotone in every factor, so the teaching level is too: raising a
factor never makes it lighter (tests/test_grading.py checks every combination).

Discretion and frequency are shown but do not move a level: no seed ties a
level to them.  000 §九's opening sentence names 可能性、危害性、自由裁量权 and
与资金关联程度 as the bases of division, but items (一)至(三) define the levels
by power held and 思想道德 only; 001 第十四条 and 002 一(四)3 list discretion
and frequency as factors without thresholds.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache

from ..sources import Citation, cite
from .levels import Level

__all__ = ["Rating", "RATING_NAMES", "parse_bool", "FACTOR_LABELS", "Assessment", "Prong", "SeedVerdict",
           "GradeResult", "grade", "parse_rating", "TEACHING_RULE"]

Rating = int  # 3 = 高, 2 = 中, 1 = 低
RATING_NAMES = {3: "高", 2: "中", 1: "低"}
_RATING_ALIASES = {"高": 3, "大": 3, "多": 3, "强": 3, "突出": 3, "中": 2, "一般": 2, "较": 2, "比较突出": 2,
                   "低": 1, "小": 1, "少": 1, "弱": 1, "无": 1, "不常表现": 1}

FACTOR_LABELS: dict[str, str] = {
    "power": "权力重要程度",
    "money": "与资金（人财物）关联程度",
    "discretion": "自由裁量权大小",
    "likelihood": "发生可能性",
    "harm": "危害程度",
    "frequency": "权力行使频率",
    "moral": "思想道德方面问题的突出程度",
    "sanzhong_yida": "涉及“三重一大”",
}
# Factors a file may leave out, and what they then mean.
_OPTIONAL = {"sanzhong_yida": False, "moral": 1}

TEACHING_RULE = ("教学等级取 000 与 002 两套标准中较重的一级：不低于任何一份文件明文标准给出的等级；"
                 "001 第十四条要求级别越高、管理措施越严格有力，取较重者，任何一份文件要求的管理都不落空。"
                 "002 没有哪一级的各项全部符合时，取本例各项都不超出其标准所写范围的最轻一级"
                 "（超出二级标准的读为一级），所以任何一项因素升高，等级都不会降低。")


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
    moral: Rating = 1  # 000 §九: 3 突出, 2 比较突出, 1 不常表现
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
        """Build from ``{"power": "高", ..., "sanzhong_yida": "否"}`` (moral and 三重一大 may be left out)."""
        try:
            # a few hundred distinct mappings across 50,000 cases; types in the key: True == 1 but 1 is a rating and True is not
            return _assessment_of(cls, tuple((k, type(v), v) for k, v in data.items()))
        except TypeError:  # an unhashable value (a list in a hand-edited file): read it uncached
            return cls._from_mapping(data)

    @classmethod
    def _from_mapping(cls, data: dict) -> "Assessment":
        values: dict[str, object] = {}
        for f in fields(cls):
            label = FACTOR_LABELS[f.name]
            if f.name not in data and f.name in _OPTIONAL:
                values[f.name] = _OPTIONAL[f.name]
            elif f.name not in data:
                raise ValueError(f"缺少因素“{label}”（{f.name}）")
            elif f.name == "sanzhong_yida":
                values[f.name] = parse_bool(data[f.name], label)
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


@lru_cache(maxsize=8192)
def _assessment_of(cls, items: tuple) -> Assessment:
    return cls._from_mapping({k: v for k, _, v in items})


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
class Prong:
    """One part of a seed's criterion, as the assessment meets it."""

    label: str  # what the prong looks at, e.g. 掌握重要权力
    value: str  # the rating given, e.g. 高
    level: Level | None  # the level whose wording this value matches (None: no level named)
    wording: str  # that level's wording in the seed (verbatim only inside quotation marks)


@dataclass(frozen=True)
class SeedVerdict:
    seed_key: str  # "000" / "002" / "001"
    level: Level | None  # None: the seed sets no threshold (001)
    fit: str  # 完全符合 / 部分符合 / 集体审定
    prongs: tuple[Prong, ...]
    source: Citation
    summary: str  # one Chinese sentence

    @property
    def label(self) -> str:
        return self.level.label if self.level else "不设门槛"


@dataclass(frozen=True)
class GradeResult:
    level: Level  # the project's teaching level (TEACHING_RULE)
    verdicts: tuple[SeedVerdict, ...]  # 000, 002, 001 in that order
    reason: str  # why the teaching level is what it is

    def verdict(self, seed_key: str) -> SeedVerdict:
        return next(v for v in self.verdicts if v.seed_key == seed_key)

    @property
    def agree(self) -> bool:
        """Do the seeds that set levels (000, 002) give the same one?"""
        return len({v.level for v in self.verdicts if v.level is not None}) == 1

    @property
    def reasons(self) -> tuple[str, ...]:
        return (*(v.summary for v in self.verdicts), self.reason)

    @property
    def sources(self) -> tuple[Citation, ...]:
        return tuple(v.source for v in self.verdicts)

    def explain(self) -> str:
        """The whole reasoning as one Chinese paragraph."""
        return f"教学等级{self.level.label}：" + "；".join(self.reasons)


_BY_RATING = {3: Level.ONE, 2: Level.TWO, 1: Level.THREE}

_000_POWER = {
    Level.ONE: "掌握较多执纪执法、许可、处罚、项目审批及人事、资金、物资采购供应等重要权力的单位和岗位",
    Level.TWO: "掌握较少上述重要权力的单位和岗位",
    Level.THREE: "没有许可、处罚、审批权，较少或基本不掌握人财物管理权，以内部管理为主的单位和岗位",
}
_000_MORAL = {Level.ONE: "“在思想道德方面突出的问题”", Level.TWO: "“在思想道德方面比较突出的问题”",
              Level.THREE: "“在思想道德方面不常表现的问题”"}
_002_MONEY = {Level.ONE: "“具有较大的人、财、物管理权”",
              Level.TWO: "“不直接行使人、财、物的支配权,但可借助工作中的权力和机会谋取私利”",
              Level.THREE: "“基本不涉及人、财、物的支配权”"}
_002_LIKELY = {Level.ONE: "“发生机率高”", Level.TWO: "“发生机率较高”", Level.THREE: "“发生机率较低”"}
_002_HARM = {Level.ONE: "一旦发生可能造成严重后果，可能触犯法律、构成犯罪",
             Level.TWO: "一旦发生可能造成较为严重后果，可能受到党纪政纪处分",
             Level.THREE: "一旦发生只造成一般违规违纪，可能受内部责任追究、通报批评、诫勉、提醒谈话"}


def _verdict_000(a: Assessment) -> SeedVerdict:
    p_power = _BY_RATING[a.power]
    p_moral = _BY_RATING[a.moral]
    prongs = (Prong("掌握重要权力", RATING_NAMES[a.power], p_power, _000_POWER[p_power]),
              Prong("思想道德方面的问题", RATING_NAMES[a.moral], p_moral, _000_MORAL[p_moral]))
    level = min(p_power, p_moral)
    fit = "完全符合" if p_power == p_moral else "部分符合"
    by = "、".join(p.label for p in prongs if p.level == level)
    summary = f"000 按{by}为{level.tier}（{_000_POWER[p_power] if p_power == level else _000_MORAL[p_moral]}）"
    if fit == "部分符合":
        other = prongs[1] if p_power == level else prongs[0]
        summary += f"；另一项{other.label}只到{other.level.tier}，000 把两者列为同一级的两种情形，任一符合即是"
    return SeedVerdict("000", level, fit, prongs, cite("000", "九、廉政风险等级划分的原则 (一)至(三)"), summary)


def _verdict_002(a: Assessment) -> SeedVerdict:
    p_money = _BY_RATING[a.money]
    p_likely = _BY_RATING[a.likelihood]
    p_harm = _BY_RATING[a.harm]
    prongs = (
        Prong("涉及“三重一大”", "是" if a.sanzhong_yida else "否", Level.ONE if a.sanzhong_yida else None,
              "一级标准首先列出涉及“三重一大”事项" if a.sanzhong_yida else "二级、三级标准不提“三重一大”"),
        Prong("人财物支配权", RATING_NAMES[a.money], p_money, _002_MONEY[p_money]),
        Prong("发生机率", RATING_NAMES[a.likelihood], p_likely, _002_LIKELY[p_likely]),
        Prong("一旦发生的后果", RATING_NAMES[a.harm], p_harm, _002_HARM[p_harm]),
    )
    # The parts of each level's criterion.  “三重一大” (重大决策、人事任免、项目安排、大额资金使用)
    # is direct 人财物 power, so a point that involves it cannot meet 二级's “不直接行使” or
    # 三级's “基本不涉及”.  “或者” joins likelihood and consequence: either one meets that part.
    parts = {
        Level.ONE: (a.sanzhong_yida, p_money == Level.ONE, Level.ONE in (p_likely, p_harm)),
        Level.TWO: (p_money == Level.TWO and not a.sanzhong_yida, Level.TWO in (p_likely, p_harm)),
        Level.THREE: (p_money == Level.THREE and not a.sanzhong_yida, Level.THREE in (p_likely, p_harm)),
    }
    full = [lv for lv, met in parts.items() if all(met)]
    if full:
        level, fit = full[0], "完全符合"
        summary = f"002 各项都符合{level.tier}标准（{_describe_002(level, a)}）"
    else:
        # Each level's wording read as a ceiling: the lightest level none of whose parts the point exceeds.
        # Monotone in every factor, and the same as the wording wherever a level fits fully.
        ceiling = {lv: (not a.sanzhong_yida, p_money >= lv, max(p_likely, p_harm) >= lv)
                   for lv in (Level.THREE, Level.TWO)}
        level = next((lv for lv, within in ceiling.items() if all(within)), Level.ONE)
        fit = "部分符合"
        counts = "，".join(f"{lv.tier}符合 {sum(m)}/{len(m)} 项" for lv, m in parts.items())
        lighter = Level(level + 1) if level < Level.THREE else None
        over = ("、".join(name for name, ok in zip(_002_PARTS, ceiling[lighter]) if not ok)
                if lighter is not None else "")
        why = (f"本例各项都不超出{level.tier}标准所写的范围" + (f"，而{over}超出了{lighter.tier}标准" if over else "")
               if level != Level.ONE else f"本例{over}超出了二级标准所写的范围")
        summary = (f"002 没有哪一级的各项全部符合（{counts}）；{why}，读为{level.tier}"
                   f"（取不超出其范围的最轻一级，任何一项升高都不会使等级降低）；本例：{_describe_002(None, a)}")
    return SeedVerdict("002", level, fit, prongs, cite("002", "二、第二阶段 2.排查廉政风险 一/二/三级风险评定标准"), summary)


_002_PARTS = ("涉及“三重一大”", "人财物支配权", "发生机率与一旦发生的后果")


def _describe_002(level: Level | None, a: Assessment) -> str:
    bits = ["涉及“三重一大”" if a.sanzhong_yida else "不涉及“三重一大”",
            _002_MONEY[_BY_RATING[a.money]], _002_LIKELY[_BY_RATING[a.likelihood]], _002_HARM[_BY_RATING[a.harm]]]
    return "，".join(bits)


def _verdict_001(a: Assessment) -> SeedVerdict:
    prongs = tuple(Prong(FACTOR_LABELS[k], RATING_NAMES[getattr(a, k)], None, "第十四条列为评定因素，不设门槛")
                   for k in ("power", "discretion", "likelihood", "harm"))
    listing = "、".join(f"{p.label}{p.value}" for p in prongs)
    summary = (f"001 第十四条按权力的重要程度、自由裁量权的大小、腐败现象发生的概率及危害程度评定高中低，但不设门槛，"
               f"须经单位领导班子集体审定，本身不给出等级；本例{listing}"
               f"（002 一(四)3 另列权力行使的频率，本例{RATING_NAMES[a.frequency]}，同样不设门槛）")
    return SeedVerdict("001", None, "集体审定", prongs, cite("001", "第十四条"), summary)


@lru_cache(maxsize=8192)  # pure, and its result immutable: 3^7 × 2 possible assessments
def grade(a: Assessment) -> GradeResult:
    """Each seed's verdict, and the teaching level by :data:`TEACHING_RULE`."""
    v000, v002, v001 = _verdict_000(a), _verdict_002(a), _verdict_001(a)
    level = min(v000.level, v002.level)  # type: ignore[type-var]
    if v000.level == v002.level:
        reason = f"000 与 002 的标准都给出{level.tier}，教学等级为{level.label}；001 的集体审定可参照第十四条的四个因素"
    else:
        light = v002 if v000.level == level else v000
        reason = (f"两份文件说法不同：000 为{v000.level.tier}，002 为{v002.level.tier}；教学等级取较重的{level.label}"
                  f"——不低于任何一份文件明文标准给出的等级，而 001 第十四条要求级别越高、管理措施越严格有力，"
                  f"取较重者两份文件要求的管理都不落空。只按 {light.seed_key} 的标准评，则为{light.level.tier}")
    return GradeResult(level, (v000, v002, v001), reason)
