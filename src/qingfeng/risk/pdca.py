"""The PDCA cycle and how risk points are found.

004 第三篇 describes 廉政风险防范管理 as a cycle of four links — 计划、执行、
考核、修正 — run once a year, with the 执行 link split into 前期预防、中期监控、
后期处置.  001 第三条 names the same three stages 前期预防、中期控制、后期处置
and 002 一(二) 前期预防、中期监控、后期处理.  000 §十 gives the eight steps
of finding risk points and §八 the methods.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..sources import Citation, cite

__all__ = ["Phase", "PDCA", "Stage", "STAGES", "STAGE_NAMES_BY_SEED", "YEARLY_CYCLE", "Step", "EIGHT_STEPS", "METHODS", "SEARCH_LAYERS", "LUXI_EXAMPLE"]

_C3 = cite("004", "第三篇 二(三) 主要方法和步骤")


@dataclass(frozen=True)
class Phase:
    key: str  # P / D / C / A
    name: str  # 计划 …
    english: str
    activities: tuple[str, ...]
    source: Citation


PDCA: tuple[Phase, ...] = (
    Phase("P", "计划", "Plan", ("查找风险点，界定五类风险", "制定具体方案，把前期预防措施落实为工作任务"), _C3),
    Phase("D", "执行", "Do", ("前期预防", "中期监控", "后期处置"), _C3),
    Phase("C", "考核", "Check", ("对风险防范管理工作进行质量考核", "纳入每年对各单位的督查和考核"), _C3),
    Phase("A", "修正", "Act", ("根据考核结果纠正问题、改进防范措施、完善体系", "启动下一个工作周期"), _C3),
)


@dataclass(frozen=True)
class Stage:
    name: str
    purpose: str
    means: tuple[str, ...]
    source: Citation


STAGES: tuple[Stage, ...] = (
    Stage("前期预防", "在界定风险的基础上预防腐败行为发生",
          ("廉政教育", "谈心活动", "人文关怀", "听证质询", "办事公开", "权力制衡", "公开承诺", "述职述廉", "民主测评"), _C3),
    Stage("中期监控", "对干部行为、制度落实、权力运行动态监控，及时发现苗头性、倾向性问题",
          ("民主生活会", "群众评议", "舆论监督", "信访举报", "政风行风热线", "行政投诉", "定期自查", "明查暗访", "专项检查"), _C3),
    Stage("后期处置", "针对中期监控发现的问题，按情节轻重和干部管理权限处置，避免演化为违纪违法",
          ("警示提醒", "诫勉纠错", "责令整改"), _C3),
)

STAGE_NAMES_BY_SEED = {
    "004 第三篇": (("前期预防", "中期监控", "后期处置"), _C3),
    "004 第一篇": (("前期防范", "中期监控", "后期处置"), cite("004", "第一篇 引言")),
    "001": (("前期预防", "中期控制", "后期处置"), cite("001", "第三条")),
    "002 一(二)": (("前期预防", "中期监控", "后期处理"), cite("002", "一、(二)重要意义")),
    "002 一(四)": (("前期预防", "中期监控", "后期处置"), cite("002", "一、(四)主要内容")),
}

_CYCLE = cite("004", "第三篇 四、试点工作的方法和步骤")
YEARLY_CYCLE: tuple[tuple[str, str, Citation], ...] = (
    ("筹备启动", "2月至3月上旬", _CYCLE),
    ("查找风险点", "3月中旬至4月中旬", _CYCLE),
    ("制定防范措施和组织实施", "4月下旬至8月下旬", _CYCLE),
    ("考核评估", "9月上旬", _CYCLE),
    ("修正完善", "9月中旬至10月上旬", _CYCLE),
)


@dataclass(frozen=True)
class Step:
    number: int
    name: str
    requirement: str
    source: Citation


def _s(n: int, name: str, req: str) -> Step:
    return Step(n, name, req, cite("000", f"十、第{'一二三四五六七八'[n - 1]}步"))


EIGHT_STEPS: tuple[Step, ...] = (
    _s(1, "确定对象", "重点是审批、审核、组织人事及财务人员；个人、部门和组织相结合查找"),
    _s(2, "自查自找", "对照职位说明书、责任书、岗位职责和流程查五类风险；找实、找准、找全，以自己找为主"),
    _s(3, "制定措施", "清权确权、梳理流程，针对风险点制定有针对性、可操作的防范措施"),
    _s(4, "征求意见", "通过座谈会、述职述廉、书面、网络等形式广泛征求意见"),
    _s(5, "对照整改", "根据意见修改完善措施并严格执行，边查边改见成效"),
    _s(6, "组织审查", "报主管领导、领导小组初审，按发生几率、危害程度等确定风险等级"),
    _s(7, "修改完善", "按审核意见再次修改，措施和制度齐全、手续完备"),
    _s(8, "签字备案", "领导小组集体审核，主要领导签字盖章，由组织、纪检部门备案，记入廉政档案"),
)

METHODS: tuple[tuple[str, Citation], ...] = (
    ("自己找、群众帮、领导提、组织审", cite("000", "八、方法之一")),
    ("分析近年干部考察、考核、评议、检查、信访投诉和违纪违法情况", cite("000", "八、方法之二")),
    ("分解每项业务流程，找出容易发生风险的环节", cite("000", "八、方法之三")),
    ("自己找、群众帮、领导提、集体定", cite("004", "第三篇 四(二)")),
    ("自己找、相互帮、领导提、集体评、组织审", cite("002", "二、第二阶段 (1)")),
)

SEARCH_LAYERS: tuple[tuple[str, str, Citation], ...] = (
    ("岗位", "全体干部职工对照岗位职责，查个人履职用权中的风险点", cite("000", "六、如何排查廉政风险点")),
    ("科室", "对照职责定位梳理科室业务流程，编制流程图，查科室风险点", cite("000", "篇首核心提示（在六之前）")),
    ("单位", "领导班子重点梳理“三重一大”、审批、执法等权力运行流程", cite("000", "六、如何排查廉政风险点")),
    ("行业（系统）", "排查行业（系统）业务工作中可能产生腐败的风险点", cite("000", "六、如何排查廉政风险点")),
)

_LUXI = cite("004", "第四篇 芦溪县政府投资项目")
LUXI_EXAMPLE: tuple[tuple[str, str, tuple[str, ...], Citation], ...] = (
    ("P", "注重“决策关”", ("项目决策制度（专家库随机抽取）", "项目审批制度", "招标投标五个统一（进场交易、发布信息、招标程序、收费标准、专家管理）"), _LUXI),
    ("D", "注重“管理关”", ("资金管理制度", "合同管理“双合同”制（项目合同 + 廉政合同）", "工程监理制度"), _LUXI),
    ("C", "注重“监督关”", ("执法监察", "派驻特派员", "审计监督", "工程结算审计", "社会监督（公示、不良行为记录）"), _LUXI),
    ("A", "注重“责任关”", ("党风廉政责任制度", "严格责任追究", "严明纪律、严肃查处并修正制度"), _LUXI),
)
