"""Quotation marks in what a learner reads go only around verbatim seed text.

Issue #13 (Citations): paraphrases were shown inside quotation marks as if quoted (e.g. “自由裁量空间大”).
The rule: a span in “…” or 「…」 whose sentence cites a seed (000–004, by number or by the document's name)
must appear word for word in /work/shared/seeds/ (whitespace and the width of punctuation aside, 004 read in
simplified characters); anything else is written as a paraphrase without quotation marks (“据 001 第十四条，…”).

The learner-facing text checked is every course notebook's markdown and what the package renders into the
course: the risk-model tables, the explorer's verdicts, every exercise's explanations and feedback, the case
library's annotations as the case grader shows them.  (The question bank, shown in 自测 and 结业测验, is the
examiners' text and is checked by its own tests.)
"""
from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from qingfeng.chinese_text import to_simplified

from .learner_text import notebook_texts, rendered_texts

REPO = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO.parent / "shared" / "seeds"
pytestmark = pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="shared/seeds not beside the repository")

QUOTE = re.compile(r"“([^“”]+)”|「([^「」]+)」|‘([^‘’]+)’")
# A sentence cites a seed by its number (000 §九, 001 第十四条, （002 二、第二阶段）) or by the document's name.
SEED_REF = re.compile(r"(?<![\d.])00[0-4](?![\d.])|宣讲提纲|清新区(?:暂行)?办法|暂行办法|实施方案|调研汇报|裕民县|芦溪县|种子文档")
# Interface labels a learner clicks or reads on screen: quoted as labels, not as seed text.  Each is checked
# below to be a label the course really shows (a notebook instruction or a widget's caption).
UI_LABELS = {"运行", "重启并运行所有单元格…", "重新启动", "请运行本单元", "提交", "看答案和依据", "随机换一个", "不预警",
             "刷新", "已掌握", "生成结业证书", "评级因素探索", "真实处置", "涉及‘三重一大’", "我的课程"}
# The course's own notation, said to be so where it is quoted: a level's display form and the citation format.
PROJECT_TERMS = {"一级（高）", "（001 第十三条）"}
_PUNCT = str.maketrans("，；：（）！？、．〔〕【】", ",;:()!?,.()[]", "“”‘’「」『』\"'")


def norm(text: str) -> str:
    """Whitespace, punctuation width and quotation marks (“三重一大” quoted inside a quote is ‘三重一大’) aside;
    004's variant 臵 (處臵) read as 置."""
    return re.sub(r"\s+", "", to_simplified(text).translate(_PUNCT)).replace("臵", "置")


def verbatim(span: str, seeds: str) -> bool:
    """The span is in the seeds; a quote cut with …… must have each piece there, in order, in one seed."""
    span = span.rstrip("。")  # a quoted clause ends with 。 where the seed's sentence goes on
    pieces = [norm(p) for p in re.split(r"…+|\.{3,}", span) if norm(p)]
    for text in seeds.split("\n"):
        at = 0
        for piece in pieces:
            at = text.find(piece, at)
            if at == -1:
                break
            at += len(piece)
        else:
            return True
    return False


def seed_text() -> str:
    return "\n".join(norm(p.read_text(encoding="utf-8")) for p in sorted(SEEDS_DIR.glob("00[0-4]_*.txt")))


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around text[start:end]: up to 。！？ or a paragraph break, whichever is nearer."""
    left = max(text.rfind(ch, 0, start) for ch in ("。", "！", "？", "\n"))
    rights = [i for i in (text.find(ch, end) for ch in ("。", "！", "？", "\n")) if i != -1]
    return text[left + 1:min(rights) if rights else len(text)]


def attributed_quotes(text: str):
    """Quoted Chinese spans whose sentence cites a seed, as (span, sentence)."""
    # Markdown wraps a sentence over lines: join a line to the next unless that starts a list item, table row …
    text = re.sub(r"\n(?![\n\-*|#>]|\d+\.)\s*", "", text)
    for m in QUOTE.finditer(text):
        span = next(g for g in m.groups() if g)
        if not re.search(r"[\u4e00-\u9fff]", span):
            continue
        sentence = _sentence(text, m.start(), m.end())
        outside = sentence.replace(m.group(0), "")
        if SEED_REF.search(outside):
            yield span, sentence


def test_the_check_finds_a_paraphrase_and_passes_a_verbatim_quote():
    """categories.py once quoted “自由裁量空间大” (004 第三篇 has 自由裁量的空間大); the check must catch that."""
    seeds = seed_text()
    bad = list(attributed_quotes("制度机制风险指个人“自由裁量空间大”（004 第三篇）。"))
    assert bad and not verbatim(bad[0][0], seeds)
    good = list(attributed_quotes("002 一级标准首先列出涉及“三重一大”事项（002 二、第二阶段）。"))
    assert good and verbatim(good[0][0], seeds)
    # A quote in a sentence that cites no seed is not attributed (a news report's words in a case, a label).
    assert not list(attributed_quotes("点“提交”。"))


def test_every_quote_attributed_to_a_seed_is_verbatim(monkeypatch):
    seeds = seed_text()
    checked, wrong = 0, []
    for where, text, record in itertools.chain(notebook_texts(), rendered_texts(monkeypatch)):
        for span, sentence in attributed_quotes(text):
            if span in UI_LABELS or span in PROJECT_TERMS or (record and norm(span) in norm(record)):
                continue
            checked += 1
            if not verbatim(span, seeds):
                wrong.append(f"{where}：“{span}”（{sentence[:80]}）")
    assert checked > 100
    assert not wrong, "引号里的文字不是种子文档原文（改为不加引号的转述）：\n" + "\n".join(sorted(set(wrong)))


def test_interface_labels_allowed_in_quotes_are_really_on_screen():
    """The allow-list cannot hide a paraphrase: each label is a course instruction or a widget caption."""
    sources = "\n".join(t for _, t, _ in notebook_texts())
    package = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "src" / "qingfeng" / "learning").glob("*.py"))
    for label in UI_LABELS:
        assert f"“{label}”" in sources + package or f"'{label}'" in package or f'"{label}"' in package, label
    assert "本课程把两种叫法合在一起显示，如“一级（高）”" in sources
