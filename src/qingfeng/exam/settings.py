"""The ``[marking]`` settings of qingfeng.toml, declared once with their help text."""
from __future__ import annotations

from dataclasses import dataclass, fields

from ..project import Project

__all__ = ["MarkingSettings", "marking_settings", "SETTING_HELP"]

SETTING_HELP = {
    "keep_backups": "每次评分前都会备份成绩库（exams/gradebook.db.bak-…）；只保留最近的这么多份，更早的自动删除",
    "examiners_group": "考官所在的系统用户组：答案文件、源试卷、成绩库和备份设为 0640 并归这个组；不设则为 0600（只有属主可读）",
    "sandbox_seconds": "--nbgrader-check 在沙箱中运行 nbgrader 时，整批的时间上限（秒）",
    "sandbox_memory_mb": "--nbgrader-check 沙箱中每个进程可用的内存上限（MB，至少 1024：一个内核启动就要占约 800 MB 地址空间）",
}
# below this, no kernel starts inside the sandbox (the limit is on address space; a kernel reserves about 814 MB)
_LEAST = {"sandbox_memory_mb": 1024}


@dataclass(frozen=True)
class MarkingSettings:
    keep_backups: int = 5
    examiners_group: str = ""
    sandbox_seconds: int = 900
    sandbox_memory_mb: int = 2048


def marking_settings(project: Project) -> MarkingSettings:
    """The project's settings; a wrong value is a Chinese error naming qingfeng.toml and the key."""
    raw = project.config().get("marking", {})
    values = {}
    for f in fields(MarkingSettings):
        if f.name not in raw:
            continue
        v = raw[f.name]
        want = int if f.type in ("int", int) else str
        if want is int and (not isinstance(v, int) or isinstance(v, bool) or v < 1):
            raise ValueError(f"{project.config_file} 中 [marking] {f.name} = {v!r} 不合适：应为正整数（{SETTING_HELP[f.name]}）")
        if want is int and v < _LEAST.get(f.name, 1):
            raise ValueError(f"{project.config_file} 中 [marking] {f.name} = {v!r} 太小：至少 {_LEAST[f.name]}（{SETTING_HELP[f.name]}）")
        if want is str and not isinstance(v, str):
            raise ValueError(f"{project.config_file} 中 [marking] {f.name} = {v!r} 不合适：应为文字（{SETTING_HELP[f.name]}）")
        values[f.name] = v
    return MarkingSettings(**values)
