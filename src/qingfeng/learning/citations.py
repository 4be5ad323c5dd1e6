"""A case's source as a learner reads it: title, body, date and a link, or the seed document and passage.

Learners never see file names, record ids or internal flags; a reprint page is
said in plain words ("转载页面") next to the site's name.
"""
from __future__ import annotations

import html
from urllib.parse import urlparse

from ..cases import Case
from ..sources import SEEDS

__all__ = ["publisher", "citation_text", "citation_html"]

# Sites whose name is certain; any other site is shown by its address.
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
    host = (urlparse(url).hostname or "").lower()
    for suffix, name in PUBLISHERS.items():
        if host == suffix or host.endswith("." + suffix):
            return name
    return host.removeprefix("www.") or url


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
