"""The course as a whole: its modules, what each teaches, its estimated hours and its exercises.

One table drives the course home (课程首页), per-module completion, the
next/previous links and the certificate's 学时.  An exercise key
(``m02.criteria``) is internal: learners never see it, it only ties a
progress row to the module it belongs to.  A module is complete when each
of its exercises has been answered (submitted with an answer) at least once.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Exercise", "Module", "MODULES", "HOME", "REVIEW", "FINAL_TEST", "module", "module_of", "exercise",
           "total_hours"]

HOME = "00_课程首页.ipynb"
REVIEW = "07_错题本.ipynb"
FINAL_TEST = "08_结业测验.ipynb"


@dataclass(frozen=True)
class Exercise:
    key: str  # internal, e.g. "m02.criteria"
    title: str  # what the learner reads
    kind: str  # 归类 / 排序 / 自测 / 案例研判
    topic: str  # the bank topic this exercise trains


@dataclass(frozen=True)
class Module:
    number: str  # "01" … "06"
    title: str
    file: str
    teaches: str
    hours: float  # estimated 学时 (one 学时 = 45 minutes of study)
    exercises: tuple[Exercise, ...]

    @property
    def label(self) -> str:
        return f"第{'一二三四五六'[int(self.number) - 1]}单元　{self.title}"


def _ex(key: str, title: str, kind: str, topic: str) -> Exercise:
    return Exercise(key, title, kind, topic)


MODULES: tuple[Module, ...] = (
    Module("01", "五类廉政风险", "01_五类廉政风险.ipynb",
           "五类风险在三份文件中的定义对照、主要表现、重点岗位和对应的预防措施", 1.0,
           (_ex("m01.measures", "这条措施针对哪类风险", "归类", "五类风险"),
            _ex("m01.selfcheck", "自测：五类风险", "自测", "五类风险"))),
    Module("02", "风险等级评定", "02_风险等级评定.ipynb",
           "一/二/三级与高/中/低两种叫法、各级评定标准、评级因素与“三重一大”、分级监督责任", 1.0,
           (_ex("m02.criteria", "这条标准属于哪一级", "归类", "风险等级"),
            _ex("m02.selfcheck", "自测：风险等级", "自测", "风险等级"))),
    Module("03", "预警与处置", "03_预警与处置.ipynb",
           "黄、橙、红三色预警及各自的处置措施、移送处置、后期处置的三种措施", 1.0,
           (_ex("m03.warnings", "这项措施属于哪种预警", "归类", "预警处置"),
            _ex("m03.selfcheck", "自测：预警处置", "自测", "预警处置"))),
    Module("04", "PDCA循环", "04_PDCA循环.ipynb",
           "计划、执行、考核、修正四个环节，前期预防、中期监控、后期处置，年度周期和两个实例", 1.5,
           (_ex("m04.stages", "这项手段属于哪个阶段", "归类", "PDCA"),
            _ex("m04.pdca", "把活动放进 PDCA 的四个环节", "归类", "PDCA"),
            _ex("m04.selfcheck", "自测：PDCA", "自测", "PDCA"))),
    Module("05", "风险点排查", "05_风险点排查.ipynb",
           "什么是风险点、岗位→科室→单位分层排查、查找方法、八个步骤和某区的经验", 1.0,
           (_ex("m05.steps", "排出八个步骤的顺序", "排序", "风险点排查"),
            _ex("m05.selfcheck", "自测：风险点排查", "自测", "风险点排查"))),
    Module("06", "案例研判", "06_案例研判.ipynb",
           "按“类别→因素→等级→预警→处置→措施”研判真实案例，综合练习", 1.5,
           (_ex("m06.case", "给真实案例研判", "案例研判", "案例研判"),
            _ex("m06.process", "专项练习：业务流程风险", "案例研判", "案例研判"),
            _ex("m06.selfcheck", "自测：案例研判", "自测", "案例研判"))),
)

_BY_NUMBER = {m.number: m for m in MODULES}
_BY_EXERCISE = {e.key: (m, e) for m in MODULES for e in m.exercises}


def module(number: str) -> Module:
    try:
        return _BY_NUMBER[number]
    except KeyError:
        raise KeyError(f"没有第 {number} 单元，课程共有 {len(MODULES)} 个单元") from None


def module_of(exercise_key: str) -> Module | None:
    found = _BY_EXERCISE.get(exercise_key)
    return found[0] if found else None


def exercise(key: str) -> Exercise:
    try:
        return _BY_EXERCISE[key][1]
    except KeyError:
        raise KeyError(f"课程中没有练习“{key}”") from None


def total_hours() -> float:
    return sum(m.hours for m in MODULES)
