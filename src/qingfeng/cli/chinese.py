"""Click's own words (usage, help headings, usage errors) in Chinese.

Click passes every message it prints through ``gettext`` (``_`` and
``ngettext`` imported at the top of each click module) so that programs can
translate them.  No compiled catalogue ships with click, so :func:`install`
points those module-level names at this table instead; anything missing from
the table falls back to click's English.  Only the ``qingfeng`` process is
affected (the CLI entry point calls it).
"""
from __future__ import annotations

import importlib

__all__ = ["MESSAGES", "install", "translate"]

MESSAGES = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "输入 '{command} {option}' 查看帮助。",
    "Aborted!": "已中止。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数字。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，应为文件夹。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹，应为文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带取值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不经询问直接确认。",
}
PLURAL = {
    "Option {name!r} requires an argument.": ("选项 {name!r} 需要一个取值。", "选项 {name!r} 需要 {nargs} 个取值。"),
    "Got unexpected extra argument ({args})": ("多出了参数（{args}）", "多出了参数（{args}）"),
    "Did you mean {possibility}?": ("是不是 {possibility}？", "（是不是以下之一：{possibilities}？）"),
    "Takes {nargs} values but 1 was given.": ("需要 {nargs} 个值，只给了 1 个。", "需要 {nargs} 个值，给了 {len} 个。"),
    "{value!r} is not one of {choices}.": ("{value!r} 不是 {choices} 之一。", "{value!r} 不是 {choices} 之一。"),
}
_MODULES = ("core", "exceptions", "types", "formatting", "decorators", "parser", "termui")


def translate(message: str) -> str:
    return MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    if singular in PLURAL:
        return PLURAL[singular][0 if n == 1 else 1]
    return singular if n == 1 else plural


def install() -> None:
    for name in _MODULES:
        mod = importlib.import_module(f"click.{name}")
        if hasattr(mod, "_"):
            mod._ = translate
        if hasattr(mod, "ngettext"):
            mod.ngettext = _ngettext
