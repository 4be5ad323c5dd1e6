"""One risk case: a real, published disposal record plus its training annotation.

A case is stored as one YAML file ``risk_case_library/cases/<id>.yaml``
(see ``risk_case_library/README.md`` for the annotated schema).  The
dataclasses here are the in-memory form; :func:`case_from_dict` and
:meth:`Case.to_dict` convert to and from the file's mapping.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields

from ..risk import Assessment, Level, Situation, Warning, grade, parse_level, parse_warning, situation

__all__ = ["SCHEMA_VERSION", "SOURCE_KINDS", "DISPOSAL_KINDS", "Source", "Annotation", "Case", "case_from_dict"]

SCHEMA_VERSION = 1
SOURCE_KINDS = ("网页", "种子文档")
DISPOSAL_KINDS = (
    "批评教育", "诫勉谈话", "党纪轻处分", "党纪重处分", "开除党籍", "政务处分",
    "移送司法", "组织处理", "制度整改", "其他",
)


@dataclass
class Source:
    kind: str  # 网页 | 种子文档
    ref: str  # URL, or a seed file name
    record: str = ""  # id in shared/cases/records.jsonl, if built from one
    reprint: bool = False  # a reprint/aggregator site (lower reliability)
    passage: str = ""  # for seed sources: where in the seed

    def label(self) -> str:
        tail = "（转载）" if self.reprint else ""
        where = f" {self.passage}" if self.passage else ""
        return f"{self.ref}{where}{tail}"


@dataclass
class Annotation:
    categories: list[str]  # full category names, primary first
    factors: dict[str, str]  # Assessment.to_mapping() form
    level: str  # 一级/二级/三级
    reasoning: str
    risk_point: str
    prevention_measures: list[str]  # measure ids, M16-1 …
    warning: str  # 黄/橙/红 for a 苗头预警 case; empty where no warning applies
    situation: str = ""  # 风险点定级 / 苗头预警 / 违纪违法移送 (risk.SITUATIONS)

    @property
    def assessment(self) -> Assessment:
        return Assessment.from_mapping(self.factors)

    @property
    def level_value(self) -> Level:
        return parse_level(self.level)

    @property
    def warning_value(self) -> Warning | None:
        return parse_warning(self.warning) if self.warning else None

    @property
    def situation_value(self) -> Situation:
        return situation(self.situation)

    @property
    def primary_category(self) -> str:
        return self.categories[0]

    def graded(self):
        """What the grading function makes of the stored factors."""
        return grade(self.assessment)


@dataclass
class Case:
    id: str
    title: str
    post: str
    unit_type: str
    facts: str
    disposal: str
    disposal_kind: str
    source: Source
    annotation: Annotation
    region: str = ""
    date: str = ""
    amount_yuan: float | None = None
    schema_version: int = SCHEMA_VERSION
    extra: dict = field(default_factory=dict, repr=False)  # unknown keys kept, never dropped

    def dedup_key(self) -> tuple[str, str]:
        """Same source and same post means the same case."""
        return (self.source.ref.strip().rstrip("/"), self.post.strip())

    def to_dict(self) -> dict:
        d = {
            "schema_version": self.schema_version,
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "region": self.region,
            "unit_type": self.unit_type,
            "post": self.post,
            "facts": self.facts,
            "disposal": self.disposal,
            "disposal_kind": self.disposal_kind,
            "amount_yuan": self.amount_yuan,
            "source": _fields(self.source),
            "annotation": _fields(self.annotation),
        }
        d.update(self.extra)
        return d


def _fields(obj) -> dict:
    """``dataclasses.asdict`` for Source and Annotation (strings, lists and dicts of strings), without its deep copies."""
    return {f.name: _copy(getattr(obj, f.name)) for f in fields(obj)}


def _copy(value):
    return list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value


_CASE_KEYS = {"schema_version", "id", "title", "date", "region", "unit_type", "post", "facts", "disposal",
              "disposal_kind", "amount_yuan", "source", "annotation"}


def case_from_dict(d: dict) -> Case:
    """Build a Case from a file's mapping without judging it (validation does that).

    Raises ``KeyError``/``TypeError`` only when the mapping's shape is unusable;
    :mod:`qingfeng.cases.validation` turns those into Chinese messages first.
    """
    src = d.get("source") or {}
    ann = d.get("annotation") or {}
    return Case(
        id=str(d.get("id", "")),
        title=str(d.get("title", "") or ""),
        post=str(d.get("post", "") or ""),
        unit_type=str(d.get("unit_type", "") or ""),
        facts=str(d.get("facts", "") or ""),
        disposal=str(d.get("disposal", "") or ""),
        disposal_kind=str(d.get("disposal_kind", "") or ""),
        region=str(d.get("region", "") or ""),
        date=str(d.get("date", "") or ""),
        amount_yuan=d.get("amount_yuan"),
        schema_version=d.get("schema_version", SCHEMA_VERSION),
        source=Source(
            kind=str(src.get("kind", "") or ""),
            ref=str(src.get("ref", "") or ""),
            record=str(src.get("record", "") or ""),
            reprint=bool(src.get("reprint", False)),
            passage=str(src.get("passage", "") or ""),
        ),
        annotation=Annotation(
            categories=[str(c) for c in (ann.get("categories") or [])],
            factors={str(k): str(v) for k, v in (ann.get("factors") or {}).items()},
            level=str(ann.get("level", "") or ""),
            reasoning=str(ann.get("reasoning", "") or ""),
            risk_point=str(ann.get("risk_point", "") or ""),
            prevention_measures=[str(m) for m in (ann.get("prevention_measures") or [])],
            warning=str(ann.get("warning", "") or ""),
            situation=str(ann.get("situation", "") or ""),
        ),
        extra={k: v for k, v in d.items() if k not in _CASE_KEYS},
    )
