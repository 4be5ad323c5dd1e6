"""Printed papers for units that sit the exam on paper: Word .docx (python-docx).

Layout after the sample paper (seed 004 第五篇, 裕民县廉政风险防范管理工作理论试题):
the title, a header of 单位 / 姓名 / 职务 / 成绩 to fill in, then sections headed
``一、填空题（共19分，每空0.5分）`` with items numbered ``1、`` and blanks printed
as （　　）, options on the item's lines, answer space under 简答/论述.  Per variant:

* ``<exam>-试卷.docx`` — the candidate's paper, ending with an answer-sheet page
  (答题卡) whose boxes follow the data-entry table of ``qingfeng exam sheet-template``;
* ``<exam>-评分用卷.docx`` — the marker's copy: the same paper with each item's key,
  explanation and, for 简答/论述, the rubric's points.

Stems come from the bank, options and keys from the exam's key file (so shuffled
options print as the candidate's notebook shows them).
"""
from __future__ import annotations

import re
from pathlib import Path

from ..bank.model import BLANK_MARK, Item
from .keys import ExamKey, KeyedItem, item_labels

__all__ = ["print_exam", "write_paper", "section_heading"]

FONT = "SimSun"  # 宋体; LibreOffice and WPS substitute the installed CJK serif font
HEADING_FONT = "SimHei"  # 黑体
BLANK = "（　　　　）"
ESSAY_LINES = {"简答": 6, "论述": 14}


def section_heading(heading: str, items: list[KeyedItem]) -> str:
    """一、填空题（共19分，每空0.5分） — per-blank or per-item points when they are all the same."""
    total = sum(k.entry.points for k in items)
    blanks = {p for k in items for _, p in k.entry.blanks}
    each = {k.entry.points for k in items}
    if items and items[0].entry.type == "填空" and len(blanks) == 1:
        detail = f"，每空{blanks.pop():g}分"
    elif len(each) == 1:
        detail = f"，每题{each.pop():g}分"
    else:
        detail = ""
    return f"{heading}（共{total:g}分{detail}）"


_PAREN = re.compile(r"[（(][\s　]*[)）]")


def _stem(it: Item) -> str:
    """Blanks and the stem's own answer brackets printed wide; a choice or 判断 stem without one gets one at the end."""
    if it.type == "填空":
        return BLANK_MARK.sub(BLANK, it.stem)
    if _PAREN.search(it.stem):
        return _PAREN.sub("（　　）", it.stem)
    return it.stem + ("（　　）" if it.type in ("单选", "多选", "判断") else "")


def _fonts(doc) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for name, font, size in (("Normal", FONT, 11), ("Title", HEADING_FONT, 16), ("Heading 1", HEADING_FONT, 12)):
        style = doc.styles[name]
        style.font.name = font
        style.font.size = Pt(size)
        rpr = style.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
            rfonts.set(qn(attr), font)
        lang = rpr.find(qn("w:lang"))  # Simplified Chinese: substitutes pick the SC glyphs, not JP
        if lang is None:
            lang = rpr.makeelement(qn("w:lang"), {})
            rpr.append(lang)
        lang.set(qn("w:eastAsia"), "zh-CN")
        if name != "Normal":
            style.font.bold = True
            style.font.color.rgb = None


def _title(doc, key: ExamKey, label: str, marker: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_paragraph(style="Title")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run(key.title + (f"（{label} 卷）" if label else ""))
    if marker:
        note = doc.add_paragraph()
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
        note.add_run("评分用卷：含参考答案、解析和评分要点，不得发给考生").bold = True
    for line in ("单位：＿＿＿＿＿＿＿＿＿＿＿＿　　姓名：＿＿＿＿＿＿＿＿＿＿",
                 "职务：＿＿＿＿＿＿＿＿＿＿＿＿　　成绩：＿＿＿＿＿＿＿＿＿＿"):
        doc.add_paragraph(line)
    doc.add_paragraph(f"试卷编号：{key.exam_id}　　考号（编号）：＿＿＿＿＿＿＿＿＿＿")


def _item(doc, k: KeyedItem, it: Item, marker: bool) -> None:
    from docx.shared import Pt

    e = k.entry
    p = doc.add_paragraph(f"{k.number}、{_stem(it)}")
    p.paragraph_format.space_after = Pt(2)
    if e.options:
        doc.add_paragraph("　".join(f"{letter}、{text}" for letter, text in e.options))
    if e.type in ESSAY_LINES and not marker:
        for _ in range(ESSAY_LINES[e.type]):
            doc.add_paragraph("＿" * 38)
    if marker:
        doc.add_paragraph().add_run(f"【答案】{k.answer_text}").bold = True
        if k.rubric:
            doc.add_paragraph("【评分要点】" + "；".join(f"{point}（{pts:g}分）" for point, pts in k.rubric))
        if e.type == "多选":
            doc.add_paragraph(f"【计分】{e.scoring}")
        if k.explanation:
            doc.add_paragraph(f"【解析】{k.explanation}")


def _answer_sheet(doc, key: ExamKey, label: str) -> None:
    from docx.enum.text import WD_BREAK

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph(f"答题卡{f'（{label} 卷）' if label else ''}", style="Title")
    doc.add_paragraph(f"试卷编号：{key.exam_id}　　考号（编号）：＿＿＿＿＿＿＿＿")
    doc.add_paragraph("单位：＿＿＿＿＿＿＿＿＿＿　　姓名：＿＿＿＿＿＿＿＿　　成绩：＿＿＿＿＿＿")
    labels = item_labels(key)
    sections: dict[str, list[KeyedItem]] = {}
    for k in key.items:
        sections.setdefault(k.section, []).append(k)
    for heading, items in sections.items():
        doc.add_paragraph(heading, style="Heading 1")
        kind = items[0].entry.type
        if kind in ("单选", "多选", "判断"):
            per_row = 10
            for start in range(0, len(items), per_row):
                chunk = items[start:start + per_row]
                table = doc.add_table(rows=2, cols=len(chunk))
                table.style = "Table Grid"
                for col, k in enumerate(chunk):
                    table.cell(0, col).text = str(k.number)
                    table.cell(1, col).text = " "
        elif kind == "填空":
            for k in items:
                blanks = "　".join(f"（{n}）＿＿＿＿＿＿" for n in range(1, len(k.entry.blanks) + 1))
                doc.add_paragraph(f"{k.number}、{blanks}")
        else:
            doc.add_paragraph(f"{'、'.join(labels[k.entry.item_id] for k in items)}：答在试卷上。")


def write_paper(key: ExamKey, bank_items: dict[str, Item], path: Path, label: str = "", marker: bool = False) -> Path:
    from docx import Document

    doc = Document()
    _fonts(doc)
    _title(doc, key, label, marker)
    sections: dict[str, list[KeyedItem]] = {}
    for k in key.items:
        sections.setdefault(k.section, []).append(k)
    for heading, items in sections.items():
        doc.add_paragraph(section_heading(heading, items), style="Heading 1")
        for k in items:
            it = bank_items.get(k.entry.item_id)
            if it is None:
                raise LookupError(f"题库中已没有试卷 {key.exam_id} 的题目 {k.entry.item_id}，无法打印题干")
            _item(doc, k, it, marker)
    if not marker:
        _answer_sheet(doc, key, label)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp.docx")
    doc.save(tmp)
    tmp.replace(path)
    return path


def print_exam(project, exam_id: str, out: Path | None = None) -> list[Path]:
    """Candidate paper (with answer sheet) and marker's copy for each variant of ``exam_id``."""
    from ..bank import load_bank
    from .keys import read_key
    from .sitting import exam_variants

    out = out or project.exams_dir / "printed"
    bank = load_bank(project.bank_dir).items
    files = []
    for label, vid in exam_variants(project, exam_id):
        key = read_key(project.exams_dir, vid)
        files.append(write_paper(key, bank, out / f"{vid}-试卷.docx", label))
        files.append(write_paper(key, bank, out / f"{vid}-评分用卷.docx", label, marker=True))
    return files
