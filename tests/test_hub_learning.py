"""Learning through the real Hub of deploy/: progress to the trainer, course sync at spawn, certificates.

The same deployment as tests/test_hub.py (its ``hub`` fixture: `deploy/hub.sh start` on free ports,
throwaway data root, group namespace "qfhubtest", removed afterwards; needs root).  Everything a
learner or trainer does here goes through their own login, server and kernel.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qingfeng.learning.catalog import MODULES

from .test_hub import PROBE, hub, user  # noqa: F401  (the fixture: one Hub for this module)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]
SERVICE = "qingfeng-progress"


def logged_in(hub, login: str):
    person = user(hub, login)
    assert person.login().status_code == 302
    person.start_server()
    return person


def kernel(person, code: str, timeout: float = 180) -> str:
    out, err = person.run(f"/user/{person.name}", code, timeout=timeout)
    assert err == "", err + out
    return out


def lines(out: str) -> dict[str, str]:
    return dict(line.split(" ", 1) for line in out.strip().splitlines())


# --- 1. exercise results reach the trainer through the progress service -------------------------------

RECORD = """
import os
from qingfeng.learning.progress import ProgressStore
from qingfeng.learning import progress_hub
store = ProgressStore()
store.record("m01.measures", {item!r}, "岗位职责", 1, 1)
print("pending", progress_hub.pending(store.path))
print("url", os.environ["QINGFENG_PROGRESS_URL"])
"""

CALL = """
import json, os, urllib.request, urllib.error
def call(path, body=None):
    req = urllib.request.Request(os.environ["QINGFENG_PROGRESS_URL"] + path, method="POST" if body else "GET",
                                 data=json.dumps(body).encode() if body else None,
                                 headers={{"Authorization": "token " + os.environ["JUPYTERHUB_API_TOKEN"],
                                          "Content-Type": "application/json"}})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")
{body}
"""


def test_a_learners_exercise_result_reaches_the_trainer_and_no_other_learner(hub):
    c1 = logged_in(hub, "qfhubtest-c1")
    got = lines(kernel(c1, RECORD.format(item="措施归类第1题")))
    assert got == {"pending": "0", "url": f"http://127.0.0.1:{hub['env']['QINGFENG_PROGRESS_PORT']}/services/{SERVICE}/"}

    # the trainer gathers the class sheet from the service, in their own server, with their own token
    t1 = logged_in(hub, "qfhubtest-t1")
    out = kernel(t1, PROBE.format(targets=[("home", "/home/qfhubtest-c1")]) + """
import os, subprocess
p = subprocess.run(["qingfeng", "progress", "gather-hub", os.environ["QINGFENG_PROGRESS_URL"], "--out",
                    os.path.expanduser("~/进度.xlsx")], capture_output=True, text=True)
print("exit", p.returncode, p.stdout.strip(), p.stderr.strip())
""")
    assert lines(out)["home"] == "denied" and lines(out)["exit"].startswith("0 已从进度服务汇总"), out
    sheet = load_workbook(Path("/home/qfhubtest-t1") / "进度.xlsx")["练习记录"]
    rows = list(sheet.values)
    assert ("qfhubtest-c1", "m01.measures", "措施归类第1题") in {r[:3] for r in rows[1:]}

    # another learner: their own token neither reads nor writes the first learner's records
    c2 = logged_in(hub, "qfhubtest-c2")
    out = kernel(c2, CALL.format(body="""
print("all", call("api/results?all=1")[0])
status, body = call("api/results", {"results": [{"id": "forged-000001", "exercise": "m01.measures", "item": "冒名",
                                                 "score": 0, "max_score": 1, "at": "2026-12-01T09:00:00",
                                                 "learner": "qfhubtest-c1"}]})
print("post", status, body["learner"])
print("mine", sorted({r["learner"] for r in call("api/results")[1]["results"]}))
"""))
    assert lines(out) == {"all": "403", "post": "200 qfhubtest-c2", "mine": "['qfhubtest-c2']"}
    out = kernel(c1, CALL.format(body="""
rows = call("api/results")[1]["results"]
print("items", sorted(r["item"] for r in rows))
"""))
    assert lines(out) == {"items": "['措施归类第1题']"}   # the forged row went to its sender, not to c1
    # nor does a learner read the service's own folder
    out = kernel(c1, PROBE.format(targets=[("service", str(hub["root"] / "progress"))]))
    assert lines(out) == {"service": "denied"}


# --- 2. course sync at spawn: learners' edits kept, trainers' updates arrive ---------------------------

MODULE = "01_五类廉政风险.ipynb"
EDITED, OTHER = "m01-04", "m01-05"      # a cell learner A edits, and one nobody but the trainer touches


def _cells(nb: dict) -> dict[str, str]:
    return {c["id"]: "".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in nb["cells"]}


def _notebook(person, path: str) -> dict:
    r = person.call("GET", f"/user/{person.name}", f"/api/contents/{path}")
    assert r.status_code == 200, r.text
    return r.json()["content"]


def _save(person, path: str, nb: dict) -> None:
    r = person.call("PUT", f"/user/{person.name}", f"/api/contents/{path}", json={"type": "notebook", "format": "json", "content": nb})
    assert r.status_code == 200, r.text


def _restart(person) -> None:
    r = person.hub_api("DELETE", f"/users/{person.name}/server")
    assert r.status_code in (202, 204), r.text
    for _ in range(60):
        if not person.hub_api("GET", f"/users/{person.name}").json().get("servers"):
            break
        import time
        time.sleep(1)
    person.start_server()


def _digest(folder: Path) -> dict[str, str]:
    import hashlib
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


TRAINER_EDITS = """
import os, nbformat
path = os.path.expanduser("~/课程原件/{module}")
nb = nbformat.read(path, as_version=4)
for cell in nb.cells:
    if cell.id == {edited!r}:
        cell.source = "## 一、为什么要先分类（培训师更新）\\n\\n更新后的讲解。"
    if cell.id == {other!r}:
        cell.source = "## 二、三份文件的定义对照（培训师更新）"
nbformat.write(nb, path)
print("saved", os.path.realpath(path))
"""


def test_course_sync_keeps_a_learners_edit_and_brings_the_trainers_update(hub):
    from .test_hub import qingfeng

    published, course = hub["root"] / "published" / "courses", hub["root"] / "course" / "courses"
    a, b = logged_in(hub, "qfhubtest-c2"), logged_in(hub, "qfhubtest-c3")
    path = f"我的课程/{MODULE}"
    original = _cells(_notebook(b, path))
    assert original == _cells(json.loads((published / MODULE).read_text(encoding="utf-8")))   # synced at spawn
    before = {"published": _digest(published), "course": _digest(course)}

    # A edits one cell; A's run-all and autosave put outputs into A's copy only
    nb = _notebook(a, path)
    for cell in nb["cells"]:
        if cell["id"] == EDITED:
            cell["source"] = "## 一、为什么要先分类\n\n我的笔记：风险是“可能性”，不是已经发生的问题。"
        if cell["cell_type"] == "code":
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "运行结果\n"}]
            cell["execution_count"] = 1
    _save(a, path, nb)
    assert {"published": _digest(published), "course": _digest(course)} == before
    assert _cells(_notebook(b, path)) == original
    # and a learner cannot write the course itself, from the kernel or the contents API
    out = kernel(a, f"""
import pathlib
for label, p in (("published", {str(published / MODULE)!r}), ("course", {str(course / MODULE)!r})):
    try:
        pathlib.Path(p).write_text("x")
        print(label, "WRITTEN")
    except PermissionError:
        print(label, "denied")
""")
    assert lines(out) == {"published": "denied", "course": "denied"}
    r = a.call("PUT", "/user/qfhubtest-c2", f"/api/contents/..%2F..%2F{str(published / MODULE).lstrip('/')}",
               json={"type": "file", "format": "text", "content": "x"})
    assert r.status_code >= 400
    assert {"published": _digest(published), "course": _digest(course)} == before

    # the trainer updates both cells in the course notebooks (~/课程原件), the administrator publishes
    t1 = logged_in(hub, "qfhubtest-t1")
    out = kernel(t1, TRAINER_EDITS.format(module=MODULE, edited=EDITED, other=OTHER))
    assert lines(out)["saved"] == str(course / MODULE)
    qingfeng(hub["env"], "hub", "prepare")
    updated = _cells(json.loads((published / MODULE).read_text(encoding="utf-8")))
    assert "培训师更新" in updated[EDITED] and "培训师更新" in updated[OTHER]

    # the next spawn syncs: A keeps their edit and gets the other update; B gets both
    for person in (a, b):
        _restart(person)
    mine, theirs = _cells(_notebook(a, path)), _cells(_notebook(b, path))
    assert mine[EDITED].startswith("## 一、为什么要先分类\n\n我的笔记") and mine[OTHER] == updated[OTHER]
    assert theirs == updated
    assert all(not c.get("outputs") for c in _notebook(a, path)["cells"] if c["cell_type"] == "code")  # outputs are not merged back
    assert all(os.stat(p).st_uid == 0 and not os.stat(p).st_mode & 0o022 for p in published.rglob("*"))  # still root's, read-only


# --- 3. the 结业测验 is marked and the 结业证书 signed by the service, not in the learner's kernel -------

def _answer_key(hub) -> dict:
    """Right answers to every objective bank item, read here as root (the learner's kernel cannot)."""
    from qingfeng.bank import load_bank

    bank = load_bank(hub["root"] / "course" / "exams" / "bank")
    out = {}
    for it in bank.items.values():
        if it.type == "填空":
            out[it.id] = [b.accept[0] for b in it.blanks]
        elif it.type == "多选":
            out[it.id] = list(it.key)
        elif it.key:
            out[it.id] = it.key[0]
    return out


FINAL_TEST = """
from pathlib import Path
from qingfeng.bank import Bank
from qingfeng.learning import final_test_hub
from qingfeng.learning.catalog import MODULES
from qingfeng.learning.final_test import FinalTest
from qingfeng.learning.progress import ProgressStore
KEYS = {keys!r}
store = ProgressStore()
ft = FinalTest(Bank(), set(), store, Path.home())          # on the Hub: the paper comes from the service
print("items", len(ft.items), all(not it.key and not it.explanation for it in ft.items))
ft.paper.restore({{"answers": [KEYS[it.id] for it in ft.paper.items]}})   # sets every widget as clicks would
ft._hand_in()
print("result", ft.result.value.replace("\\n", " "))
try:                                   # asking directly, past the widget's own check: the service refuses
    final_test_hub.request_certificate("李二", "交通局")
    print("early", "ISSUED")
except final_test_hub.HubRefused as e:
    print("early", e)
for m in MODULES:        # every exercise recorded by the kernel itself, the self-checks too: not enough
    for e in m.exercises:
        store.record(e.key, "练习", None, 1, 1)
try:
    final_test_hub.request_certificate("李二", "交通局")
    print("own", "ISSUED")
except final_test_hub.HubRefused as e:
    print("own", e)
{self_checks}
ft.name.value, ft.unit.value = "李二", "交通局"
ft._certificate()
print("cert", ft.cert_out.value.replace("\\n", " "))
print("pdf", (Path.home() / "结业证书.pdf").stat().st_size > 10000)
"""

# Each module's self-check as its notebook runs it (the cell's own call), answered through the widget.
SELF_CHECKS = """
import glob, json, os, urllib.request
os.chdir(os.path.expanduser("~/我的课程"))
def fill(sc, upto):                                        # the first `upto` widgets set as clicks would
    sc.restore({"answers": [KEYS[it.id] for it in sc.items[:upto]]})
drawn = 0
for path in sorted(glob.glob("0[1-6]_*.ipynb")):
    cells = ["".join(c["source"]) for c in json.load(open(path, encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    exec(cells[0])                                          # from qingfeng.learning import lessons; lessons.start(…)
    call = next(c for c in cells if "lessons.self_check(" in c).strip().removesuffix(".widget")
    sc = eval(call)
    keyless = all(not it.key and not it.explanation and not any(b.accept for b in it.blanks) for it in sc.items)
    if path.startswith("01"):                               # first with the last item left open: a hint, the answer on request
        fill(sc, len(sc.items) - 1)
        sc.check.click()
        drawn += len(sc.items)
        last = sc.panel.html.value.split("第%d题" % len(sc.items))[1]
        sc.panel.reveal.click()
        print("hint", "提示：" in last and "参考答案" not in last, "参考答案" in sc.panel.html.value.split("第%d题" % len(sc.items))[1])
    fill(sc, len(sc.items))
    sc.check.click()
    drawn += len(sc.items)
    print("selfcheck" + path[:2], len(sc.items), keyless, sc.panel.html.value.count("✔") == len(sc.items))
req = urllib.request.Request(os.environ["QINGFENG_PROGRESS_URL"] + "api/results",
                             headers={"Authorization": "token " + os.environ["JUPYTERHUB_API_TOKEN"]})
rows = json.loads(urllib.request.urlopen(req, timeout=30).read())["results"]
mine = [r for r in rows if r["exercise"].endswith(".selfcheck")]
print("service", len(mine) - drawn, sorted({r["exercise"] for r in mine}) == ["m0%d.selfcheck" % i for i in range(1, 7)],
      all(json.loads(r["extra"])["marked_by"] == "qingfeng-progress" for r in mine))
"""

FORGE = """
import os
from qingfeng.learning import certificate
from qingfeng.learning.progress import ProgressStore
os.environ["QINGFENG_CERT_KEY_FILE"] = os.path.expanduser("~/my.key")   # a key of the learner's own
print("forged", certificate.issue(ProgressStore(), "李二", "交通局", 7.0, 100.0).id)
"""

VERIFY = """
import os, subprocess
for cid in {ids!r}:
    p = subprocess.run(["qingfeng", "progress", "verify", cid], capture_output=True, text=True)
    print("verify", p.returncode, (p.stdout + p.stderr).strip().replace("\\n", " "))
"""


def test_the_certificate_is_marked_and_signed_by_the_service_and_verifies_for_the_trainer(hub):
    import re

    c2 = logged_in(hub, "qfhubtest-c2")
    out = kernel(c2, FINAL_TEST.format(keys=_answer_key(hub), self_checks=SELF_CHECKS), timeout=600)
    got = lines(out)
    # a self-check counts only when the service marked it: the kernel's own rows do not complete a module
    assert got["own"].startswith("还有单元没有完成") and got["own"].count("、") == len(MODULES) - 1, out
    assert got["hint"] == "True True", out                     # hint first, the answer and explanation on request
    for n in range(1, 7):
        count, keyless, right = got[f"selfcheck0{n}"].split()
        assert int(count) > 0 and keyless == "True" and right == "True", out
    assert got["service"] == "0 True True", out                # each module's self-check recorded by the service
    assert got["items"] == "18 True", out                      # 3 per topic, no key reached the kernel
    assert "100 分" in got["result"] and "通过" in got["result"], out
    assert got["early"].startswith("还有单元没有完成"), out
    cert_id = re.search(r"证书编号：<b>(QF-\d{8}-[0-9A-F]{12})</b>", got["cert"]).group(1)
    assert got["pdf"] == "True"

    # the key: the service account's, 0600, in its 0700 folder; neither the learner nor an examiner reads it
    key = hub["root"] / "progress" / "certificate.key"
    import pwd
    assert oct(os.stat(key).st_mode & 0o777) == "0o600" and pwd.getpwuid(os.stat(key).st_uid).pw_name == "qfhubtest-progress"
    assert lines(kernel(c2, PROBE.format(targets=[("key", str(key))]))) == {"key": "denied"}
    e1 = user(hub, "qfhubtest-e1")
    assert e1.login().status_code == 302 and e1.open("/services/qingfeng/lab").status_code == 200
    out, err = e1.run("/services/qingfeng", PROBE.format(targets=[("key", str(key))]))
    assert err == "" and lines(out) == {"key": "denied"}

    # a certificate the learner signs with a key of their own is not one
    forged = lines(kernel(c2, FORGE))["forged"]
    tampered = cert_id[:-1] + ("0" if cert_id[-1] != "0" else "1")
    t1 = logged_in(hub, "qfhubtest-t1")
    results = [line.split(" ", 2)[1:] for line in kernel(t1, VERIFY.format(ids=[cert_id, tampered, forged])).splitlines()]
    assert results[0][0] == "0" and "证书有效：李二（交通局）" in results[0][1], results
    assert results[1][0] == "1" and "没有证书编号" in results[1][1], results
    assert results[2][0] == "1" and "没有证书编号" in results[2][1], results
    # verifying is the trainers' business
    learner = lines(kernel(c2, VERIFY.format(ids=[cert_id])))["verify"]
    assert learner.startswith("1 ") and "只有培训师" in learner
