"""结业测验 → 结业证书 end to end: the draw, marking, the PDF's text, verification and the trainer's sheet."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from qingfeng.bank import load_bank
from qingfeng.cli.main import cli
from qingfeng.learning.catalog import MODULES, total_hours
from qingfeng.learning.final_test import PASS_MARK, FinalTest, reserved_items
from qingfeng.learning.progress import ProgressStore

REPO = Path(__file__).resolve().parents[1]
SHOTS = Path("/tmp/qingfeng-screenshots")


@pytest.fixture
def bank():
    return load_bank(REPO / "exams" / "bank")


@pytest.fixture
def reserved():
    return reserved_items(REPO / "exams" / "blueprints")


def answer_all(test: FinalTest, right: bool) -> None:
    for w, it in zip(test.paper.inputs, test.items):
        if it.type == "填空":
            for t, b in zip(w.children, it.blanks):
                t.value = b.accept[0] if right else "不知道"
        elif it.type == "判断":
            w.value = it.key[0] if right else ("错" if it.key[0] == "对" else "对")
        elif it.type == "多选":
            w.value = tuple(it.key) if right else tuple(k for k in w._options_values if k not in it.key)[:1]
        else:
            w.value = it.key[0] if right else next(k for k in w._options_values if k not in it.key)


def test_the_draw_avoids_the_examiners_fixed_items_and_covers_every_module(bank, reserved, tmp_path):
    assert "YM-XZ-01" in reserved and len(reserved) > 30
    store = ProgressStore(tmp_path / "p.sqlite", learner="甲")
    t = FinalTest(bank, reserved, store, tmp_path)
    ids = [i.id for i in t.items]
    assert ids and not set(ids) & reserved and all(i.objective for i in t.items) and len(set(ids)) == len(ids)
    topics = {e.topic for m in MODULES for e in m.exercises}
    assert all(any(topic in i.topics for i in t.items) for topic in topics)


def test_fail_then_pass_then_certificate_pdf_verify_and_gather(bank, reserved, tmp_path, monkeypatch):
    monkeypatch.setenv("QINGFENG_CERT_KEY_FILE", str(tmp_path / "key" / "certificate.key"))
    home = tmp_path / "学员" / "zhang"
    store = ProgressStore(home / ".qingfeng" / "progress.sqlite", learner="zhang")
    t = FinalTest(bank, reserved, store, home)
    t.paper.check.click()  # nothing answered
    assert "还没有作答" in t.paper.panel.html.value
    assert not store.query("SELECT * FROM final_tests")
    answer_all(t, right=False)
    t.paper.check.click()
    assert "未通过" in t.result.value and t.form.layout.display == "none"
    t = FinalTest(bank, reserved, store, home)  # another attempt: a fresh draw
    answer_all(t, right=True)
    t.paper.check.click()
    assert "100 分" in t.result.value and "通过" in t.result.value
    assert "还有单元没有完成" in t.result.value and t.form.layout.display == "none"  # modules not done yet
    for m in MODULES:
        for e in m.exercises:
            store.record(e.key, "x", None, 1, 1)
    t = FinalTest(bank, reserved, store, home)  # reopened after finishing the modules: the form is there
    assert t.form.layout.display != "none"
    t.make.click()
    assert "请填写姓名和单位" in t.cert_out.value
    t.name.value, t.unit.value = "张三", "区财政局"
    t.make.click()
    pdf = home / "结业证书.pdf"
    assert pdf.is_file() and "证书编号" in t.cert_out.value
    cert_id = store.query("SELECT id FROM certificates")[0][0]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for want in ("结业证书", "张三", "区财政局", f"{total_hours():g} 学时", "100 分", cert_id, "五类廉政风险", "案例研判"):
        assert want in text, want
    SHOTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(SHOTS / "certificate")], check=True)
    assert (SHOTS / "certificate.png").stat().st_size > 10_000

    runner = CliRunner()
    r = runner.invoke(cli, ["progress", "verify", cert_id, str(tmp_path / "学员")])
    assert r.exit_code == 0 and "证书有效：张三（区财政局）" in r.output, r.output
    r = runner.invoke(cli, ["progress", "verify", cert_id.lower(), str(tmp_path / "学员")])
    assert r.exit_code == 0
    r = runner.invoke(cli, ["progress", "verify", "QF-20261201-000000000000", str(tmp_path / "学员")])
    assert r.exit_code == 1 and "找不到" in r.output
    out = tmp_path / "班级.xlsx"
    r = runner.invoke(cli, ["progress", "gather", str(tmp_path / "学员"), "--out", str(out)])
    assert r.exit_code == 0 and "结业测验通过 1 人，已发证书 1 份" in r.output, r.output
    ws = openpyxl.load_workbook(out)["学员汇总"]
    header = [c.value for c in ws[1]]
    row = dict(zip(header, [c.value for c in ws[2]]))
    assert row["单位"] == "区财政局" and row["姓名"] == "张三" and row["证书编号"] == cert_id
    assert row["结业测验"] == "通过" and row["结业测验最高分"] == 100 and row["完成单元数"] == len(MODULES)
    assert row[MODULES[0].label] == "已完成"
    # a changed record no longer verifies
    with sqlite3.connect(store.path) as con:
        con.execute("UPDATE certificates SET unit = '别的单位'")
    r = runner.invoke(cli, ["progress", "verify", cert_id, str(tmp_path / "学员")])
    assert r.exit_code == 1 and "签名不符" in r.output
    assert PASS_MARK == 80.0
