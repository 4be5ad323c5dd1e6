"""Check a case (as read from its file) against the schema and the risk model.

Validation never raises: it returns :class:`Problem` records, each naming
the file, the field and what is wrong, in Chinese.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlparse

from ..chinese_text import to_simplified
from ..risk import category, measure, parse_level, parse_warning, situation, situation_for_disposal, warning_for
from ..risk.grading import Assessment, grade
from ..sources import SEEDS
from .model import DISPOSAL_KINDS, SCHEMA_VERSION, SOURCE_KINDS, Case

__all__ = ["Problem", "REPRINT_HOSTS", "ID_PATTERN", "validate_mapping", "validate_case", "check_duplicates"]

ID_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
REPRINT_HOSTS = (
    "2021my.com", "itqalam.com", "jizihe.com", "mbahome.com", "baogaosu.com",
    "myoldtime.com", "handmsg.com", "ljzjr.cn", "yongzhoudao.com", "yzqcw.com",
)
_SEED_FILES = {s.filename: s for s in SEEDS.values()}
MIN_FACTS = 20


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}：字段“{self.field}”：{self.message}"


def validate_mapping(data: object, file: str) -> list[Problem]:
    """Shape checks on the raw mapping, before it becomes a Case."""
    if not isinstance(data, dict):
        return [Problem(file, "(整个文件)", "内容不是一个键值映射（YAML 字典），无法读取为案例")]
    out: list[Problem] = []
    for key in ("source", "annotation"):
        if key in data and not isinstance(data[key], dict):
            out.append(Problem(file, key, "应为键值映射（缩进的子字段），实际不是"))
    ann = data.get("annotation")
    if isinstance(ann, dict):
        for key in ("categories", "prevention_measures"):
            if key in ann and not isinstance(ann[key], list):
                out.append(Problem(file, f"annotation.{key}", "应为列表（每项一行，以“- ”开头）"))
        if "factors" in ann and not isinstance(ann["factors"], dict):
            out.append(Problem(file, "annotation.factors", "应为键值映射（power、money 等因素）"))
    return out


def validate_case(case: Case, file: str) -> list[Problem]:
    """Every rule a stored case must satisfy."""
    p: list[Problem] = []

    def bad(field: str, msg: str) -> None:
        p.append(Problem(file, field, msg))

    if case.schema_version != SCHEMA_VERSION:
        bad("schema_version", f"版本“{case.schema_version}”不受支持，当前版本为 {SCHEMA_VERSION}")
    if not ID_PATTERN.match(case.id):
        bad("id", f"编号“{case.id}”格式不对：应为大写字母、数字和连字符，如 PG-012、S003-01")
    for name, label in (("title", "标题"), ("post", "岗位"), ("unit_type", "单位类型"), ("disposal", "处置结果")):
        if not getattr(case, name).strip():
            bad(name, f"{label}不能为空")
    if len(case.facts.strip()) < MIN_FACTS:
        bad("facts", f"事实经过太短（{len(case.facts.strip())} 字），至少 {MIN_FACTS} 字，用自己的话写清发生了什么")
    if case.disposal_kind not in DISPOSAL_KINDS:
        bad("disposal_kind", f"“{case.disposal_kind}”不是可用的处置类别：{'、'.join(DISPOSAL_KINDS)}")
    if case.date and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", case.date):
        bad("date", f"日期“{case.date}”格式不对：应为 YYYY、YYYY-MM 或 YYYY-MM-DD")
    if case.amount_yuan is not None and (isinstance(case.amount_yuan, bool) or not isinstance(case.amount_yuan, (int, float)) or case.amount_yuan < 0):
        bad("amount_yuan", f"金额“{case.amount_yuan}”应为不小于 0 的数字（元），未知时留空")
    _check_source(case, bad)
    _check_annotation(case, bad)
    for name, text in _prose(case):
        if text and to_simplified(text) != text:
            bad(name, "含繁体字，请改用简体（导入 Excel 表时会自动转换）")
    return p


def _prose(case: Case) -> list[tuple[str, str]]:
    a = case.annotation
    return [("title", case.title), ("post", case.post), ("unit_type", case.unit_type), ("region", case.region),
            ("facts", case.facts), ("disposal", case.disposal), ("source.passage", case.source.passage),
            ("annotation.reasoning", a.reasoning), ("annotation.risk_point", a.risk_point)]


def _check_source(case: Case, bad) -> None:
    s = case.source
    if s.kind not in SOURCE_KINDS:
        bad("source.kind", f"“{s.kind}”不是可用的来源类型：{'、'.join(SOURCE_KINDS)}")
        return
    if not s.ref.strip():
        bad("source.ref", "没有注明来源：每个案例都必须引用公开来源（网址或种子文档文件名）")
        return
    if s.kind == "网页":
        url = urlparse(s.ref)
        if url.scheme not in ("http", "https") or not url.netloc:
            bad("source.ref", f"“{s.ref}”不是有效网址（应以 http:// 或 https:// 开头）")
        elif any(url.netloc.endswith(h) for h in REPRINT_HOSTS) and not s.reprint:
            bad("source.reprint", f"{url.netloc} 是转载/聚合站点，可靠性较低，应标注 reprint: true")
    else:
        if s.ref not in _SEED_FILES:
            bad("source.ref", f"“{s.ref}”不是种子文档的文件名：{'、'.join(_SEED_FILES)}")
        if not s.passage.strip():
            bad("source.passage", "引用种子文档时要写明出处段落（如“第一篇 一、4”）")


def _check_annotation(case: Case, bad) -> None:
    a = case.annotation
    cats: list[str] = []
    if not a.categories:
        bad("annotation.categories", "至少标注一类风险（主要风险类别放在第一位）")
    for c in a.categories:
        try:
            cats.append(category(c).name)
        except KeyError as e:
            bad("annotation.categories", e.args[0])
    if len(set(cats)) != len(cats):
        bad("annotation.categories", "风险类别有重复")
    level = None
    try:
        level = parse_level(a.level)
    except ValueError as e:
        bad("annotation.level", str(e))
    try:
        assessment = Assessment.from_mapping(a.factors)
    except ValueError as e:
        bad("annotation.factors", str(e))
    else:
        result = grade(assessment)
        if level is not None and result.level != level:
            bad("annotation.level", f"标注为{level.label}，但按所填因素评定应为{result.level.label}（{result.reason}）")
    if len(a.reasoning.strip()) < 10:
        bad("annotation.reasoning", "等级评定理由太短：请结合各因素说明为什么是这个等级")
    if not a.risk_point.strip():
        bad("annotation.risk_point", "没有写风险点（哪个岗位、哪个环节可能出问题）")
    _check_situation(case, level, bad)
    if "moral" not in a.factors:
        bad("annotation.factors", "缺少因素“思想道德方面问题的突出程度”（moral，000 §九：突出=高、比较突出=中、不常表现=低）")
    if not a.prevention_measures:
        bad("annotation.prevention_measures", "至少列出一条防控措施编号（M16-1 至 M20-3）")
    measure_cats = set()
    for mid in a.prevention_measures:
        try:
            measure_cats.add(measure(mid).category)
        except KeyError as e:
            bad("annotation.prevention_measures", e.args[0])
    if cats and measure_cats and not (measure_cats & set(cats)):
        bad("annotation.prevention_measures", "所列措施没有一条属于所标注的风险类别，请对应第十六至二十条选取")


def _check_situation(case: Case, level, bad) -> None:
    """Situation (001 第十四条 / 第二十八条(一)至(三) / 第二十八条(四)) and, for a 苗头, the warning colour."""
    a = case.annotation
    if not a.situation.strip():
        bad("annotation.situation", "没有写情形：风险点定级（001 第十四条）、苗头预警（第二十八条(一)至(三)）或违纪违法移送"
                                    "（第二十八条(四)）；处置类别为“其他”时必须写明")
        return
    try:
        sit = situation(a.situation)
    except ValueError as e:
        bad("annotation.situation", str(e))
        return
    implied = situation_for_disposal(case.disposal_kind)
    if implied is not None and implied != sit:
        bad("annotation.situation", f"处置类别为{case.disposal_kind}，属于“{implied.name}”（{'、'.join(map(str, implied.source))}），不是“{sit.name}”")
    if not sit.warns:
        if a.warning.strip():
            bad("annotation.warning", f"“{sit.name}”不发黄/橙/红预警（预警只针对苗头性、倾向性问题，清新区办法第二十六条），预警颜色应留空")
        return
    try:
        w = parse_warning(a.warning)
    except ValueError as e:
        bad("annotation.warning", str(e))
        return
    if level is not None and w != warning_for(level):
        bad("annotation.warning", f"{level.label}风险对应{warning_for(level).name}（清新区办法第二十八条），不是{w.name}")


def check_duplicates(cases: list[tuple[str, Case]]) -> list[Problem]:
    """Same id twice, or the same source and post twice."""
    out: list[Problem] = []
    seen_id: dict[str, str] = {}
    seen_key: dict[tuple[str, str], str] = {}
    for file, case in cases:
        if case.id in seen_id:
            out.append(Problem(file, "id", f"编号 {case.id} 与 {seen_id[case.id]} 重复"))
        else:
            seen_id[case.id] = file
        key = case.dedup_key()
        if key in seen_key:
            out.append(Problem(file, "source.ref + post", f"与 {seen_key[key]} 是同一来源、同一岗位，疑似重复案例"))
        else:
            seen_key[key] = file
    return out
