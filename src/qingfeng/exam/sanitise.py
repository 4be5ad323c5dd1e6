"""Candidate content reaching an examiner's browser: sanitised with an allow-list.

Formgrader and nbgrader's feedback render markdown cells with nbconvert's
``markdown2html`` and no sanitiser, so an essay containing ``<script>``,
``<img onerror=…>`` or a ``javascript:`` link would run in the examiner's
session (on a Hub, with their rights).  Every cell a candidate wrote is
therefore replaced, in the autograded and feedback copies only (the submitted
notebook is kept as handed in), by:

1. the markdown rendered to HTML with the very renderer formgrader uses;
2. that HTML cleaned by bleach with an allow-list of formatting tags (lists,
   bold, tables, code; links only to http/https/mailto; no attribute that runs
   anything).  Disallowed tags are shown as text, so the examiner sees what the
   candidate typed;
3. the result made one ``<div>`` HTML block (line breaks in ``<pre>`` as
   ``&#10;``), which markdown passes through untouched — so nothing the clean
   step left as text can become a link or tag when formgrader renders it again.

Outputs of candidate code cells keep only plain text and images that cannot
carry script (PNG, JPEG, GIF); HTML outputs are cleaned the same way.

nbgrader runs this through :class:`.sanitise_preprocessor.SanitiseCandidateCells`
(in its own module: importing nbgrader costs a second that marking answer
sheets, which uses :func:`sanitise_cell`, does not need to pay).
"""
from __future__ import annotations

import re

import bleach

__all__ = ["sanitise_markdown", "sanitise_html", "sanitise_cell", "trusted_ids", "ALLOWED_TAGS"]

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "strong", "b", "em", "i", "u", "s", "del", "ins", "sub", "sup", "small", "mark",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "code", "pre", "kbd", "table", "thead", "tbody", "tr", "th", "td", "caption", "a", "span", "div",
})
_PYGMENTS_CLASS = re.compile(r"\A(highlight|[a-z]{1,3}[0-9]?)\Z")  # classes of highlighted code (n, o, kn, s2 …)
_SAFE_OUTPUTS = ("text/plain", "image/png", "image/jpeg", "image/gif")


def _attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        return name in ("href", "title")
    if tag in ("th", "td"):
        return name in ("align", "colspan", "rowspan")
    if tag == "ol":
        return name == "start"
    if tag in ("span", "div", "code", "pre"):
        return name == "class" and all(_PYGMENTS_CLASS.match(c) for c in value.split())
    return False


_CLEANER = bleach.sanitizer.Cleaner(tags=ALLOWED_TAGS, attributes=_attribute, protocols={"http", "https", "mailto"},
                                    strip=False, strip_comments=True)
_PRE = re.compile(r"(<pre\b[^>]*>)(.*?)(</pre>)", re.S)


def sanitise_html(html: str) -> str:
    """Allow-listed HTML, as one block markdown will not touch again."""
    clean = _CLEANER.clean(html)
    clean = _PRE.sub(lambda m: m.group(1) + m.group(2).replace("\n", "&#10;") + m.group(3), clean)
    return "<div>" + re.sub(r"\s*\n\s*", " ", clean).strip() + "</div>" if clean.strip() else ""


def sanitise_markdown(source: str) -> str:
    """A candidate's markdown as safe HTML that looks the same in formgrader (lists, bold, Chinese survive)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    if not source or not source.strip():
        return source or ""
    return sanitise_html(markdown2html_mistune(source))


def _text(src) -> str:
    return "".join(src) if isinstance(src, list) else str(src or "")


def sanitise_cell(cell: dict) -> dict:
    """A copy of a candidate's cell that is safe to render: markdown cleaned, attachments and unsafe outputs dropped."""
    out = dict(cell)
    if cell.get("cell_type") == "markdown":
        out["source"] = sanitise_markdown(_text(cell.get("source")))
        out.pop("attachments", None)
    elif cell.get("cell_type") == "raw":
        out["source"] = sanitise_html(_text(cell.get("source")))
    if isinstance(cell.get("outputs"), list):
        out["outputs"] = [_output(o) for o in cell["outputs"] if isinstance(o, dict)]
    return out


def _output(o: dict) -> dict:
    data = o.get("data")
    if not isinstance(data, dict):
        return o
    kept = {k: v for k, v in data.items() if k in _SAFE_OUTPUTS}
    if "text/html" in data:
        kept["text/html"] = sanitise_html(_text(data["text/html"]))
    if not kept:
        kept["text/plain"] = "（此输出含脚本或其他不安全内容，已移除）"
    return {**o, "data": kept}


def trusted_ids(resources: dict) -> set[str]:
    """grade ids of the exam's source notebook: the cells the examiner wrote (answer cells excluded)."""
    import json
    from pathlib import Path

    from ..project import find_project

    exam_id = resources["nbgrader"]["assignment"]
    folder = Path(resources.get("metadata", {}).get("path") or ".")
    source = find_project(start=folder).exams_dir / "source" / exam_id / f"{exam_id}.ipynb"
    cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
    ids = {((c.get("metadata") or {}).get("nbgrader") or {}).get("grade_id") for c in cells}
    return {i for i in ids if isinstance(i, str) and not i.startswith("answer-")}


def __getattr__(name: str):
    """``qingfeng.exam.sanitise.SanitiseCandidateCells``, as course folders copied before the class moved
    still name it in their nbgrader_config.py (imported only when asked for: it imports nbgrader)."""
    if name == "SanitiseCandidateCells":
        from .sanitise_preprocessor import SanitiseCandidateCells

        return SanitiseCandidateCells
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
