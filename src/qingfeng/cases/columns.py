"""The import/export sheet's columns, declared once with their help text.

The template, the importer and the exporter all read this table, so the
headers trainers see, the guidance row and the parsing never drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..risk import CATEGORY_NAMES
from .model import DISPOSAL_KINDS, SOURCE_KINDS

__all__ = ["Column", "COLUMNS", "COLUMN_BY_HEADER", "FACTOR_COLUMNS", "header_for"]


@dataclass(frozen=True)
class Column:
    header: str  # Chinese header in row 1
    field: str  # dotted path in the case mapping
    required: bool
    help: str
    choices: tuple[str, ...] = ()
    width: int = 14
    aliases: tuple[str, ...] = ()  # other headers people use


_RATING = ("高", "中", "低")
COLUMNS: tuple[Column, ...] = (
    Column("编号", "id", False, "新案例留空，导入时自动编号；要更新已有案例，填它的编号。", width=18),
    Column("标题", "title", True, "一句话概括案例。", width=30),
    Column("日期", "date", False, "通报或发生日期，写 2023、2023-04 或 2023-04-20。", width=12, aliases=("通报日期",)),
    Column("地区或机关", "region", False, "如：浙江省杭州市。", width=16, aliases=("地区",)),
    Column("单位类型", "unit_type", True, "如：县级机关、乡镇、村、国有企业、事业单位（中学）。", width=16),
    Column("岗位", "post", True, "写岗位，不写人名，如“村党支部书记”。", width=20),
    Column("事实经过", "facts", True, "至少 20 字，用自己的话写清发生了什么，不照抄原文。", width=50, aliases=("事实", "案情")),
    Column("处置结果", "disposal", True, "按来源如实概括受到的处理。", width=40, aliases=("处置",)),
    Column("处置类别", "disposal_kind", True, "从下拉列表选。", DISPOSAL_KINDS, width=12),
    Column("涉及金额（元）", "amount_yuan", False, "数字，单位元；未知留空。", width=14, aliases=("涉及金额", "金额", "金额（元）")),
    Column("来源类型", "source.kind", True, "网页 或 种子文档。", SOURCE_KINDS, width=10),
    Column("来源", "source.ref", True, "公开来源网址（http/https），或种子文档文件名。每个案例都必须注明来源。", width=40, aliases=("来源网址", "出处")),
    Column("原始记录编号", "source.record", False, "取自 records.jsonl 时填记录编号，如 PG-012。", width=16),
    Column("是否转载", "source.reprint", False, "转载或聚合站点填“是”。", ("是", "否"), width=10),
    Column("种子文档出处", "source.passage", False, "来源为种子文档时必填，如“第一篇 一、4”。", width=18),
    Column("风险类别", "annotation.categories", True, "主要类别放第一，多个用“、”分隔；写不写“风险”二字都可以。", CATEGORY_NAMES, width=24),
    Column("权力重要程度", "annotation.factors.power", True, "高/中/低。", _RATING, width=10),
    Column("资金关联程度", "annotation.factors.money", True, "与资金（人财物）关联程度：高/中/低。", _RATING, width=10),
    Column("自由裁量权", "annotation.factors.discretion", True, "高/中/低。", _RATING, width=10),
    Column("发生可能性", "annotation.factors.likelihood", True, "高/中/低。", _RATING, width=10),
    Column("危害程度", "annotation.factors.harm", True, "高/中/低。", _RATING, width=10),
    Column("行使频率", "annotation.factors.frequency", True, "权力行使频率：高/中/低。", _RATING, width=10),
    Column("思想道德问题", "annotation.factors.moral", False, "000 §九：思想道德方面的问题突出填高、比较突出填中、不常表现填低；留空按“低”。", _RATING, width=10),
    Column("涉及三重一大", "annotation.factors.sanzhong_yida", False, "是/否，留空按“否”。", ("是", "否"), width=10),
    Column("风险等级", "annotation.level", False, "一级/二级/三级，或高/中/低、1级；留空则按各因素自动评定。", ("一级", "二级", "三级"), width=10),
    Column("评级理由", "annotation.reasoning", True, "结合各因素说明为什么是这个等级。", width=40),
    Column("风险点", "annotation.risk_point", True, "哪个岗位、哪个环节可能出问题。", width=30),
    Column("防控措施编号", "annotation.prevention_measures", True, "M16-1 至 M20-3（清新区办法第十六至二十条），多个用“、”分隔。", width=18),
    Column("情形", "annotation.situation", False, "风险点定级（第十四条）、苗头预警（第二十八条一至三）或违纪违法移送（第二十八条四）；留空按处置类别确定，处置类别为“其他”时必填。", ("风险点定级", "苗头预警", "违纪违法移送"), width=12),
    Column("预警颜色", "annotation.warning", False, "只有苗头预警才填：黄/橙/红，留空则按等级确定（第二十八条）；其他两种情形留空。", ("黄", "橙", "红"), width=10),
)

FACTOR_COLUMNS = tuple(c for c in COLUMNS if c.field.startswith("annotation.factors."))
COLUMN_BY_HEADER: dict[str, Column] = {}
for _c in COLUMNS:
    for _h in (_c.header, *_c.aliases):
        COLUMN_BY_HEADER[_h] = _c


def header_for(field: str) -> str:
    """The Chinese header of a dotted field path (used to word error messages)."""
    for c in COLUMNS:
        if c.field == field or field.startswith(c.field + "."):
            return c.header
    if field.startswith("annotation.factors"):
        return "评级因素"
    return field
