"""结业测验: objective bank items the examiners' fixed papers do not use, marked at once.

The draw: every objective item whose topics include one of the six modules'
topics, except items any blueprint in ``exams/blueprints/`` lists as fixed
``items`` (the sample paper, seed 004 第五篇) and the ``YM-`` sample-paper
items; ``PER_TOPIC`` items per topic, so the test covers all six modules.
Pass mark: ``PASS_MARK`` percent of the marks.  Passing with every module
complete unlocks the 结业证书.

On one machine the kernel draws, marks and signs (key in the learner's home: one person).  On a
JupyterHub (``final_test_hub.on_hub()``) the ``qingfeng-progress`` service does all three: the
kernel gets a paper without keys, sends the answers, and asks for the certificate with the
learner's own token (:mod:`qingfeng.learning.final_test_hub`, :mod:`.certificate_service`).
"""
from __future__ import annotations

import html
import json
import random
from pathlib import Path

import ipywidgets as W

from ..bank import Bank, Item
from ..exam.blueprint import load_blueprint
from . import certificate, final_test_hub
from .catalog import MODULES, total_hours
from .drill_widgets import SelfCheck
from .exercises import Feedback, PartFeedback
from .progress import ProgressStore
from .render import error_html, safe_callback

__all__ = ["PASS_MARK", "PER_TOPIC", "reserved_items", "draw", "FinalTest", "record_final", "best_final"]

PASS_MARK = 80.0
PER_TOPIC = 3


def reserved_items(blueprints_dir: Path) -> set[str]:
    """Item ids the examiners' blueprints fix on their papers."""
    out: set[str] = set()
    for f in sorted(Path(blueprints_dir).glob("*.yaml")):
        for s in load_blueprint(f).sections:
            out.update(s.items)
    return out


def draw(bank: Bank, reserved: set[str], rng: random.Random) -> list[Item]:
    topics = []
    for m in MODULES:
        for e in m.exercises:
            if e.topic not in topics:
                topics.append(e.topic)
    chosen: list[Item] = []
    for topic in topics:
        pool = sorted((i for i in bank.items.values() if topic in i.topics and i.objective and i.id not in reserved
                       and not i.id.startswith("YM-") and i not in chosen), key=lambda i: i.id)
        chosen += rng.sample(pool, min(PER_TOPIC, len(pool)))
    return chosen


def record_final(store: ProgressStore, score: float, max_score: float, items: list[str]) -> bool:
    percent = 100.0 * score / max_score if max_score else 0.0
    passed = percent >= PASS_MARK
    store.execute("INSERT INTO final_tests VALUES (?, ?, ?, ?, ?, ?)",
                  (store.learner, store.now(), score, max_score, int(passed), json.dumps(items)))
    return passed


def best_final(store: ProgressStore) -> tuple[float | None, bool]:
    """Best percentage so far and whether any attempt passed."""
    rows = store.query("SELECT score, max_score, passed FROM final_tests WHERE learner = ?", (store.learner,))
    if not rows:
        return None, False
    best = max(100.0 * s / m if m else 0.0 for s, m, _ in rows)
    return round(best, 1), any(p for _, _, p in rows)


class FinalTest:
    """The test, its result, and (when earned) the certificate form."""

    def __init__(self, bank: Bank, reserved: set[str], store: ProgressStore, out_dir: Path, seed: int | None = None):
        self.bank, self.reserved, self.store, self.out_dir = bank, reserved, store, Path(out_dir)
        attempts = len(store.query("SELECT 1 FROM final_tests WHERE learner = ?", (store.learner,)))
        self.rng = random.Random(seed if seed is not None else f"{store.learner}-{attempts}")
        self.hub = final_test_hub.on_hub()
        if self.hub:  # the service draws and keeps the key; the kernel sees the questions only
            self.paper_id, self.items = final_test_hub.paper()
        else:
            self.items = draw(bank, reserved, self.rng)
        self.paper = SelfCheck(bank, "结业测验", store=None, items=self.items, title=f"结业测验（共 {len(self.items)} 题）")
        self.paper.check.description = "交卷"
        self.paper.check.on_click(self.paper.submit, remove=True)
        self.paper.check.on_click(self._hand_in)
        self.result = W.HTML()
        self.name = W.Text(description="姓名")
        self.unit = W.Text(description="单位", layout=W.Layout(width="30em"))
        self.make = W.Button(description="生成结业证书", button_style="success")
        self.make.on_click(self._certificate)
        self.cert_out = W.HTML()
        name, unit = store.profile()
        self.name.value, self.unit.value = name, unit
        self.form = W.VBox([W.HTML("<b>填写证书上的姓名和单位</b>"), self.name, self.unit, self.make, self.cert_out],
                           layout=W.Layout(display="none"))
        self.widget = W.VBox([self.paper.widget, self.result, self.form], layout=W.Layout(max_width="1100px"))
        self.feedback = self.result
        self._show_status()

    def _show_status(self) -> None:
        best, passed = best_final(self.store)
        if passed:
            self._unlock(best)

    def _unlock(self, percent: float) -> None:
        missing = [m.label for m in MODULES if not self.store.completion().set_index("单元").loc[m.number, "完成"]]
        if missing:
            self.result.value += f"<p>还有单元没有完成：{html.escape('、'.join(missing))}。全部单元完成后即可生成结业证书。</p>"
            return
        self.form.layout.display = ""

    @safe_callback("feedback")
    def _hand_in(self, _=None) -> None:
        answer = self.paper.answer()
        if self.paper.is_empty(answer):
            self.paper.panel.ask("还没有作答：请先作答再交卷。")
            return
        if self.hub:
            marked = final_test_hub.hand_in(self.paper_id, answer["answers"])
            fb = Feedback(tuple(PartFeedback(f"第{i}题", p["full"], p["share"], p["detail"])
                                for i, p in enumerate(marked["parts"], start=1)))
            score, max_score = marked["score"], marked["max_score"]
        else:
            fb = self.paper.mark(answer)
            score, max_score = fb.score, fb.max_score
        self.paper.panel.show(fb)
        self.paper.panel.reveal.layout.display = "none"  # the test shows right/wrong and hints, not the key
        percent = round(100.0 * score / max_score, 1) if max_score else 0.0
        passed = record_final(self.store, score, max_score, [i.id for i in self.items])
        verdict = "通过" if passed else f"未通过（及格线 {PASS_MARK:g} 分）。可以复习后重新打开本页，换一套题再测"
        self.result.value = f"<h4>结业测验成绩：{percent:g} 分（百分制），{verdict}。</h4>"
        self.paper.check.disabled = True
        if passed:
            self._unlock(percent)

    @safe_callback("cert_out")
    def _certificate(self, _=None) -> None:
        best, passed = best_final(self.store)
        if not passed or not self.store.all_complete():
            self.cert_out.value = error_html("需要全部单元完成并通过结业测验")
            return
        if not self.name.value.strip() or not self.unit.value.strip():
            self.cert_out.value = error_html("请填写姓名和单位")
            return
        if self.hub:  # signed and recorded by the service, which checks the test and the modules itself
            try:
                cert, _ = final_test_hub.request_certificate(self.name.value, self.unit.value)
            except final_test_hub.HubRefused as e:
                self.cert_out.value = error_html(str(e))
                return
            self.store.set_profile(cert.name, cert.unit)
        else:
            cert = certificate.issue(self.store, self.name.value, self.unit.value, total_hours(), best)
        pdf = certificate.write_pdf(cert, self.out_dir / "结业证书.pdf", [m.title for m in MODULES])
        self.cert_out.value = (f"<p>已生成结业证书：<a href='{html.escape(pdf.name)}' target='_blank'>{html.escape(pdf.name)}</a>"
                               f"（在左侧文件栏中也能找到）。证书编号：<b>{html.escape(cert.id)}</b></p>")
