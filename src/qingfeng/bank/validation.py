"""Rules every bank item must satisfy; problems name file, item and field."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..risk import category
from .model import BASES, ITEM_TYPES, MULTI_RULES, SUBJECTIVE_TYPES, TOPICS, Item

__all__ = ["BankProblem", "check_item_mapping", "check_items", "ITEM_ID"]

ITEM_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
_JUDGE_KEYS = ("对", "错")


@dataclass(frozen=True)
class BankProblem:
    file: str
    item: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"题目 {self.item}，" if self.item else ""
        field = f"字段“{self.field}”：" if self.field else ""
        return f"{self.file}：{where}{field}{self.message}"


def check_item_mapping(raw: object, file: str, n: int) -> list[BankProblem]:
    """Shape checks that must pass before an Item can be built."""
    label = f"第 {n} 题"
    if not isinstance(raw, dict):
        return [BankProblem(file, label, "", "应为键值映射（以“- id: …”开头的一组字段）")]
    item = str(raw.get("id") or label)
    out = []
    if not raw.get("id"):
        out.append(BankProblem(file, label, "id", "缺少题号"))
    if raw.get("type") not in ITEM_TYPES:
        out.append(BankProblem(file, item, "type", f"题型“{raw.get('type')}”无效，应为：{'、'.join(ITEM_TYPES)}"))
    for key, kind in (("options", dict), ("tags", dict), ("blanks", list), ("rubric", list), ("unordered", list)):
        if raw.get(key) is not None and not isinstance(raw[key], kind):
            out.append(BankProblem(file, item, key, "格式不对：应为" + ("键值映射" if kind is dict else "列表")))
    for i, b in enumerate(raw.get("blanks") or [] if isinstance(raw.get("blanks"), list) else [], start=1):
        if not isinstance(b, dict) or not isinstance(b.get("points", 0), (int, float)):
            out.append(BankProblem(file, item, f"blanks[{i}]", "每空应有 accept 列表和数字 points"))
    for i, r in enumerate(raw.get("rubric") or [] if isinstance(raw.get("rubric"), list) else [], start=1):
        if not isinstance(r, dict) or not isinstance(r.get("points", 0), (int, float)):
            out.append(BankProblem(file, item, f"rubric[{i}]", "每个要点应有 point 文字和数字 points"))
        elif r.get("keywords") is not None and (not isinstance(r["keywords"], list)
                                               or any(not isinstance(k, str) or not k.strip("| ") for k in r["keywords"])):
            out.append(BankProblem(file, item, f"rubric[{i}].keywords", "应为关键词列表，每项是一个词或用 | 分隔的同义词，如 [教育|学习, 思想防线]"))
    if raw.get("points") is not None and not isinstance(raw["points"], (int, float)):
        out.append(BankProblem(file, item, "points", f"分值“{raw['points']}”应为数字"))
    return out


def check_items(items: list[Item], case_ids: set[str] | None) -> list[BankProblem]:
    out: list[BankProblem] = []
    for it in items:
        out.extend(_check(it, case_ids))
    return out


def _check(it: Item, case_ids: set[str] | None) -> list[BankProblem]:
    p: list[BankProblem] = []

    def bad(field: str, msg: str) -> None:
        p.append(BankProblem(it.file, it.id, field, msg))

    if not ITEM_ID.match(it.id):
        bad("id", "题号格式不对：应为大写字母、数字和连字符，如 YM-TK-01")
    if not it.stem.strip():
        bad("stem", "题干不能为空")
    if len(it.explanation.strip()) < 8:
        bad("explanation", "缺少答案解析（写明依据的文件和段落）")
    if it.basis not in BASES:
        bad("basis", f"答案依据“{it.basis}”无效，应为：{'、'.join(BASES)}")
    if not it.sources:
        bad("tags.sources", "没有写出处（种子文档编号和段落，或“教科书”）")
    if not it.topics:
        bad("tags.topics", "至少标注一个主题")
    for t in it.topics:
        if t not in TOPICS:
            bad("tags.topics", f"主题“{t}”不在主题表中：{'、'.join(TOPICS)}")
    for c in it.categories:
        try:
            if category(c).name != c:
                bad("tags.categories", f"请写风险类别全称“{category(c).name}”")
        except KeyError as e:
            bad("tags.categories", e.args[0])
    if it.case and case_ids is not None and it.case not in case_ids:
        bad("tags.case", f"案例库中没有编号为 {it.case} 的案例")
    if it.type != "填空" and it.points <= 0:
        bad("points", "分值应大于 0")
    if it.type == "填空":
        _check_blanks(it, bad)
    elif it.type in ("单选", "多选"):
        _check_choice(it, bad)
    elif it.type == "判断":
        if it.key not in (("对",), ("错",)):
            bad("key", f"判断题答案应为 对 或 错，现在是“{'、'.join(it.key)}”")
    if it.accept_also:
        allowed = {k for k, _ in it.options} if it.type == "单选" else {"对", "错"}
        if it.type not in ("单选", "判断"):
            bad("accept_also", "只有单选题、判断题可以另设可接受的答案")
        elif not set(it.accept_also) <= allowed - set(it.key):
            bad("accept_also", f"另接受的答案“{'、'.join(it.accept_also)}”应是答案之外的已有选项")
        elif it.basis != "开放":
            bad("accept_also", "另接受答案的题目，答案依据应标为“开放”，并在解析中说明理由")
    elif it.type in SUBJECTIVE_TYPES:
        if not it.rubric:
            bad("rubric", "简答、论述题需要评分要点")
        elif abs(sum(r.points for r in it.rubric) - it.points) > 1e-9:
            bad("rubric", f"评分要点分值之和 {sum(r.points for r in it.rubric):g} 不等于题目分值 {it.points:g}")
        if any(not r.point.strip() for r in it.rubric):
            bad("rubric", "评分要点文字不能为空")
    return p


def _check_blanks(it: Item, bad) -> None:
    marks = [int(n) for n in re.findall(r"\{(\d+)\}", it.stem)]
    if not it.blanks:
        bad("blanks", "填空题至少要有一个空")
    if marks != list(range(1, len(marks) + 1)):
        bad("stem", "题干中的空应依次写成 {1} {2} {3} …")
    if len(marks) != len(it.blanks):
        bad("blanks", f"题干有 {len(marks)} 个空，blanks 却列了 {len(it.blanks)} 项")
    for i, b in enumerate(it.blanks, start=1):
        if not b.accept or any(not a.strip() for a in b.accept):
            bad(f"blanks[{i}].accept", "每空至少要有一个非空的可接受答案")
        if b.points <= 0:
            bad(f"blanks[{i}].points", "每空分值应大于 0")
    seen: set[int] = set()
    for group in it.unordered:
        if len(group) < 2 or any(n < 1 or n > len(it.blanks) for n in group) or seen & set(group):
            bad("unordered", f"顺序不限的空组 {list(group)} 无效：至少两个空、编号在 1 到 {len(it.blanks)} 之间、且互不重叠")
        elif len({it.blanks[n - 1].points for n in group}) != 1:
            bad("unordered", f"顺序不限的空组 {list(group)} 中各空分值应相同")
        seen |= set(group)


def _check_choice(it: Item, bad) -> None:
    letters = [k for k, _ in it.options]
    if len(letters) < 2:
        bad("options", "选择题至少要有两个选项")
    if letters != [chr(ord("A") + i) for i in range(len(letters))]:
        bad("options", "选项应依次为 A、B、C、D …")
    if not it.key:
        bad("key", "没有答案")
    for k in it.key:
        if k not in letters:
            bad("key", f"答案“{k}”不是已有的选项")
    if it.type == "单选" and len(it.key) != 1:
        bad("key", "单选题只能有一个答案")
    if it.type == "多选":
        if len(it.key) < 2:
            bad("key", "多选题至少要有两个正确选项")
        if len(set(it.key)) != len(it.key):
            bad("key", "答案中有重复的字母")
        if it.scoring not in MULTI_RULES:
            bad("scoring", f"计分规则“{it.scoring}”无效，应为：{'、'.join(MULTI_RULES)}")
