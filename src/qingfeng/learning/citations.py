"""A case's source as a learner reads it: title, body, date and a link, or the seed document and passage.

Learners never see file names, record ids or internal flags; a reprint page is
said in plain words ("转载页面") next to the site's name.
"""
from __future__ import annotations

import html
import re
from urllib.parse import urlparse

from ..cases import Case
from ..sources import SEEDS

__all__ = ["publisher", "citation_text", "citation_html", "plain", "remember_titles"]

# Case ids a learner must not read, in annotations that mention another case ("与 PG-032 是同一事件").
CASE_ID = re.compile(r"(?:案例)? ?\b(PG-\d{3}|CCDI-\d{8}-\d{2}|S00\d-\d{2})\b ?")
# Bookkeeping a learner does not need: "（原始记录 X，来源 URL（转载来源，可靠性较低））", "（src/…）"
NOISE = (re.compile(r"（原始记录[^（）]*(?:（[^（）]*）)?[^（）]*）"), re.compile(r"（[^（）]*src/[^（）]*）"),
         re.compile(r"（转载来源，可靠性较低）|（accept_also）"), re.compile(r"[，,]?\s*来源\s*https?://[^\s）]+"))
SEED_FILE = re.compile(r"(\d{3})_[0-9a-f]{16}\.txt")
MEASURE_ID = re.compile(r" ?\b(M(\d{2})-(\d))\b ?")
_TITLES: dict[str, str] = {}


def remember_titles(cases) -> None:
    """The library's titles, so :func:`plain` can name a case instead of showing its id."""
    _TITLES.update({c.id: c.title for c in cases})


def plain(text: str) -> str:
    """Internal ids in a text replaced by what they stand for: a case by its title, a measure by its article."""
    from ..risk import MEASURES

    measures = {m.id: m for m in MEASURES}

    def case(m: re.Match) -> str:
        title = _TITLES.get(m.group(1))
        return f"《{title}》一案" if title else "另一案例"

    def measure(m: re.Match) -> str:
        found = measures.get(m.group(1))
        return f"“{found.title}”（{found.source}）" if found else f"第{m.group(2)}条措施"

    for noise in NOISE:
        text = noise.sub("", text)
    text = SEED_FILE.sub(r"\1", text)
    return MEASURE_ID.sub(measure, CASE_ID.sub(case, text))

# Sites whose name is certain; any other site is named only by its link.
PUBLISHERS = {
    "ccdi.gov.cn": "中央纪委国家监委网站",
    "www.gov.cn": "中国政府网",
    "big5.www.gov.cn": "中国政府网",
    "people.com.cn": "人民网",
    "cyol.com": "中国青年报",
    "sina.com.cn": "新浪网",
    "eol.cn": "中国教育在线",
}


def publisher(url: str) -> str:
    """The site's name where certain; otherwise a plain "原文网页" (the link itself carries the address)."""
    host = (urlparse(url).hostname or "").lower()
    for suffix, name in PUBLISHERS.items():
        if host == suffix or host.endswith("." + suffix):
            return name
    return "原文网页"


def _seed_for(ref: str):
    return next((s for s in SEEDS.values() if s.filename == ref or ref.startswith(s.key)), None)


def citation_text(case: Case) -> str:
    s = case.source
    if s.kind == "种子文档":
        seed = _seed_for(s.ref)
        name = seed.label if seed else "种子文档"
        return f"{name}{('，' + s.passage) if s.passage else ''}"
    bits = [f"《{case.title}》", case.region, case.date, publisher(s.ref) + ("（转载页面）" if s.reprint else "")]
    return "，".join(b for b in bits if b)


def citation_html(case: Case) -> str:
    s = case.source
    if s.kind == "种子文档":
        return html.escape(citation_text(case))
    bits = [f"《{case.title}》", case.region, case.date]
    head = "，".join(html.escape(b) for b in bits if b)
    site = html.escape(publisher(s.ref)) + ("（转载页面）" if s.reprint else "")
    return f'{head}，<a href="{html.escape(s.ref)}" target="_blank" rel="noopener">{site}</a>'
