"""The five categories of integrity risk (五类廉政风险).

All five seeds name the same five categories, but 000, 001 and 004 define
them in different words.  Each category keeps every definition with its
source, so teaching material can show the differences instead of
silently picking one.  Definitions are summarised in our own words.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..sources import Citation, cite

__all__ = ["Definition", "Category", "CATEGORIES", "CATEGORY_NAMES", "category"]


@dataclass(frozen=True)
class Definition:
    text: str
    source: Citation


@dataclass(frozen=True)
class Category:
    key: str  # stable ASCII key used in data files' code paths
    name: str  # 思想道德风险 …
    short: str  # 思想道德 …
    definitions: tuple[Definition, ...]
    manifestations: tuple[str, ...]  # 主要表现, 004 第三篇
    manifestations_source: Citation
    typical_posts: tuple[str, ...]
    typical_posts_source: Citation


_004_KINDS = cite("004", "第三篇 二(二) 廉政风险防范管理的风险种类")

CATEGORIES: tuple[Category, ...] = (
    Category(
        key="moral",
        name="思想道德风险",
        short="思想道德",
        definitions=(
            Definition(
                "因私欲私利等思想道德上的偏差，或因亲情请托等情节，使个人的行为规范和职业操守偏离，"
                "行政行为失控或授意他人违规，结果不公、相对人受损或不当得利，酿成以权谋私等严重后果的风险。",
                cite("000", "七、廉政风险有哪些类型"),
            ),
            Definition(
                "理想信念不坚定、工作作风不扎实、职业道德不牢固，可能诱发行为失范的风险。",
                cite("001", "第十三条(五)"),
            ),
            Definition(
                "体现在思想道德和作风两方面的风险。",
                _004_KINDS,
            ),
        ),
        manifestations=(
            "放松政治理论学习和世界观改造，理想信念动摇",
            "漠视群众、脱离实际，形式主义、官僚主义",
            "阳奉阴违、独断专行、弄虚作假",
            "贪图享受、铺张浪费、骄奢淫逸",
        ),
        manifestations_source=_004_KINDS,
        typical_posts=("全体党员干部职工（每人对照岗位查找本人的思想道德风险）",),
        typical_posts_source=cite("002", "二、第二阶段 (1)排查岗位风险"),
    ),
    Category(
        key="duty",
        name="岗位职责风险",
        short="岗位职责",
        definitions=(
            Definition(
                "岗位职责本身特殊，又叠加思想道德、外部环境、制度机制方面的实际风险，可能使在岗人员"
                "不正确履职或不作为，造成失职渎职、以权谋私等严重后果的风险。",
                cite("000", "七、廉政风险有哪些类型"),
            ),
            Definition(
                "掌握重大事项决策、重要人事任免、重大建设项目安排、大额资金使用及执纪执法等权力的部门，"
                "因权力过于集中、程序不规范、自由裁量幅度过大，可能使在岗人员不正确履职、不作为或乱作为，"
                "造成失职渎职、以权谋私等严重后果的风险。",
                cite("001", "第十三条(一)"),
            ),
            Definition(
                "体现在涉及人、财、物审批权力的各个岗位的权力行使规则，以及对岗位权力的有效监督上。",
                _004_KINDS,
            ),
        ),
        manifestations=(
            "违反廉洁自律规定，利用职务便利谋取私利",
            "违反民主集中制，滥用职权",
            "不履行“一岗双责”，失职渎职、不作为",
        ),
        manifestations_source=_004_KINDS,
        typical_posts=("重大事项决策、重要人事任免、重大建设项目安排、大额度资金使用及执纪执法等权力部门",),
        typical_posts_source=cite("001", "第十三条(一)"),
    ),
    Category(
        key="process",
        name="业务流程风险",
        short="业务流程",
        definitions=(
            Definition(
                "业务流程各环节之间缺少相互制约、相互制衡的监督内控机制，使管理者容易发生腐败的风险。",
                cite("000", "七、廉政风险有哪些类型"),
            ),
            Definition(
                "工作程序或个人自由裁量空间过大，流程各环节缺乏相互制约的监督内控机制，导致管理者权力失控、"
                "行为失范，可能发生腐败的风险。",
                cite("001", "第十三条(三)"),
            ),
            Definition(
                "业务流程设计有缺陷或执行不力，评估衡量体系缺失、不能及时优化，使效果偏离目标。",
                _004_KINDS,
            ),
        ),
        manifestations=(
            "业务流程设计存在缺陷、执行不力",
            "评估衡量体系缺失、不能及时优化，效果与目标偏离",
        ),
        manifestations_source=_004_KINDS,
        typical_posts=("人、财、物、事和执法执纪等重要岗位所在的科室（科室负责人组织全体人员对照职责查找本科室业务流程中的风险点）",),
        typical_posts_source=cite("004", "第三篇 四(二)2 查找科室风险"),
    ),
    Category(
        key="system",
        name="制度机制风险",
        short="制度机制",
        definitions=(
            Definition(
                "工作制度覆盖不全，程序、时限、标准、质量没有明确规定，个人自由裁量空间大，缺少制衡和监督，"
                "可能使权力失控、行为失范，造成滥用职权、以权谋私等严重后果的风险。",
                cite("000", "七、廉政风险有哪些类型"),
            ),
            Definition(
                "在人财物管理、许可审批、行政事业性收费、执纪执法、内部管理、监督制约等方面，"
                "因规章制度不健全、监督制约机制不完善而可能产生的风险。",
                cite("001", "第十三条(二)"),
            ),
            Definition(
                "已有制度没有内化为单位的规范工作流程，没有找出各环节制度不落实的症结。",
                _004_KINDS,
            ),
        ),
        manifestations=(
            "不适应改革发展和党风廉政建设形势，制度未及时完善、未认真执行",
            "部分制度可操作性不强、贯彻落实不到位",
            "部分机制缺乏有效的工作措施",
        ),
        manifestations_source=_004_KINDS,
        typical_posts=("人财物管理、行政许可和审批、行政事业性收费、执纪执法、业务流程、制度规范、内部管理、监督制约等方面（001 列的是领域，不是具体岗位）",),
        typical_posts_source=cite("001", "第十三条(二)"),
    ),
    Category(
        key="external",
        name="外部环境风险",
        short="外部环境",
        definitions=(
            Definition(
                "管理对象为让行政结果有利于自己，对工作人员进行利益诱惑或施加其他不正常影响，使其行为失范，"
                "造成失职渎职或权钱交易等严重后果的风险。",
                cite("000", "七、廉政风险有哪些类型"),
            ),
            Definition(
                "行业“潜规则”、社交圈干扰、利益诱惑或其他不正当手段影响公共权力行使者，使其行为失范，"
                "造成失职渎职或权钱交易等严重后果的风险。",
                cite("001", "第十三条(四)"),
            ),
            Definition(
                "行政管理对象和业务往来中的利益诱惑或不正常影响，使行政人员和主管人员行为失范的风险。",
                _004_KINDS,
            ),
        ),
        manifestations=(
            "管理对象、业务往来单位进行利益诱惑",
            "施加其他非正常影响，导致行为失范、失职渎职或权钱交易",
        ),
        manifestations_source=_004_KINDS,
        typical_posts=("与行政管理对象打交道、有业务往来的行政人员和主管人员",),
        typical_posts_source=_004_KINDS,
    ),
)

CATEGORY_NAMES: tuple[str, ...] = tuple(c.name for c in CATEGORIES)
_BY_NAME = {c.name: c for c in CATEGORIES} | {c.short: c for c in CATEGORIES} | {c.key: c for c in CATEGORIES}


def category(name: str) -> Category:
    """Look up a category by full name (思想道德风险), short name (思想道德) or key."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"“{name}”不是五类廉政风险之一，应为：{'、'.join(CATEGORY_NAMES)}") from None
