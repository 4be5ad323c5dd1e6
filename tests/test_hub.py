"""Every person logs in as themselves: the real JupyterHub from deploy/, on loopback.

Started by the tests with `deploy/hub.sh start` on free ports and a throwaway data root and group
namespace ("qfhubtest"); every Linux user and group made here starts with "qfhubtest" (or is
"grader-qfhubtest") and is removed afterwards.  Needs root (PAM, setuid spawns): CI runs as root,
so there it fails rather than skips.
"""
from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from .browser import free_port
from .hub_client import HubUser

# the first test also waits for the Hub's runtime to be built (minutes on a fresh machine)
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]
REPO = Path(__file__).resolve().parents[1]
NS = "qfhubtest"
RUNTIME = os.environ.get("QINGFENG_HUB_RUNTIME", "/var/tmp/qingfeng-hub-runtime")
ROSTER = [
    ("编号", "姓名", "单位", "部门", "岗位", "角色"),
    ("QFHUBTEST-E1", "考官甲", "区纪委", "案件审理室", "主任", "考官"),
    ("QFHUBTEST-C1", "张一", "交通局", "工程管理科", "科长", "考生"),
    ("QFHUBTEST-C2", "李二", "交通局", "财务科", "会计", "学员"),
    ("QFHUBTEST-C3", "@王三", "教育局", "办公室", "科员", ""),
    ("QFHUBTEST-L1", "领导乙", "区委", "办公室", "副书记", "领导"),
    ("QFHUBTEST-T1", "培训师丙", "区委党校", "教研室", "讲师", "培训师"),
]


def _ours(name: str) -> bool:
    return name.startswith(f"{NS}-") or name == f"grader-{NS}" or name in (f"formgrade-{NS}", f"nbgrader-{NS}")


def _cleanup_accounts() -> None:
    for p in pwd.getpwall():
        if _ours(p.pw_name):
            subprocess.run(["userdel", "--remove", "--force", p.pw_name], capture_output=True)
    for g in grp.getgrall():
        if _ours(g.gr_name):
            subprocess.run(["groupdel", g.gr_name], capture_output=True)


def _write_roster(path: Path, rows) -> Path:
    wb = Workbook()
    for r in rows:
        wb.active.append(list(r))
    wb.save(path)
    return path


def qingfeng(env, *args, check=True):
    proc = subprocess.run([sys.executable, "-m", "qingfeng", "--root", str(REPO), *args], env=env,
                          capture_output=True, text=True)
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("the Hub tests need root (PAM logins, setuid spawns); CI runs as root")
        pytest.skip("needs root")
    _cleanup_accounts()
    root = Path(tempfile.mkdtemp(prefix=f"{NS}-root-", dir="/tmp"))
    os.chmod(root, 0o755)
    port = free_port()
    env = {**os.environ, "QINGFENG_HUB_ROOT": str(root), "QINGFENG_HUB_NAMESPACE": NS, "QINGFENG_HUB_RUNTIME": RUNTIME,
           "QINGFENG_HUB_HOST": "127.0.0.1", "QINGFENG_HUB_PORT": str(port),
           "QINGFENG_HUB_API_PORT": str(free_port()), "QINGFENG_PROXY_API_PORT": str(free_port()),
           "QINGFENG_GRADER_PORT": str(free_port()), "QINGFENG_REPORTS_PORT": str(free_port()),
           "QINGFENG_PROGRESS_PORT": str(free_port()),
           "QINGFENG_PG_PORT": str(free_port())}   # used once deploy/postgres.sh is present
    tmp = tmp_path_factory.mktemp("hub")
    try:
        proc = subprocess.run(["bash", str(REPO / "deploy" / "hub.sh"), "start"], env=env, capture_output=True, text=True, timeout=1500)
        assert proc.returncode == 0, proc.stdout + proc.stderr + (root / "hub" / "jupyterhub.log").read_text(errors="replace")[-4000:]
        assert f"http://127.0.0.1:{port}/" in proc.stdout
        roster = _write_roster(tmp / "考生名单.xlsx", ROSTER)
        out = qingfeng(env, "hub", "accounts", str(roster), "--out", str(tmp / "账号密码单.xlsx"))
        sheet = load_workbook(tmp / "账号密码单.xlsx").active
        passwords = {row[4]: row[5] for row in sheet.iter_rows(min_row=2, values_only=True)}
        yield {"env": env, "root": root, "base": f"http://127.0.0.1:{port}", "tmp": tmp, "roster": roster,
               "passwords": passwords, "accounts_out": out.stdout}
    finally:
        subprocess.run(["bash", str(REPO / "deploy" / "hub.sh"), "stop"], env=env, capture_output=True, timeout=120)
        _cleanup_accounts()
        shutil.rmtree(root, ignore_errors=True)


def user(hub, login: str) -> HubUser:
    return HubUser(hub["base"], login, hub["passwords"][login])


# --- accounts ----------------------------------------------------------------------------------------

def test_accounts_one_linux_user_per_row_with_role_groups_private_home_and_a_private_password_sheet(hub):
    assert set(hub["passwords"]) == {r[0].lower() for r in ROSTER[1:]}
    assert oct(os.stat(hub["tmp"] / "账号密码单.xlsx").st_mode & 0o777) == "0o600"
    members = {g: set(grp.getgrnam(g).gr_mem) for g in (f"nbgrader-{NS}", f"formgrade-{NS}", f"{NS}-leaders", f"{NS}-users")}
    assert members[f"nbgrader-{NS}"] == {"qfhubtest-c1", "qfhubtest-c2", "qfhubtest-c3"}
    assert members[f"formgrade-{NS}"] == {"qfhubtest-e1", f"grader-{NS}", f"{NS}-progress"}   # the progress service reads the bank
    assert "qfhubtest-l1" in members[f"{NS}-leaders"]
    assert members[f"{NS}-users"] == set(hub["passwords"]) and "qfhubtest-t1" in set(grp.getgrnam(f"{NS}-trainers").gr_mem)
    for login in hub["passwords"]:
        home = Path(pwd.getpwnam(login).pw_dir)
        assert oct(os.stat(home).st_mode & 0o777) == "0o700" and os.stat(home).st_uid == pwd.getpwnam(login).pw_uid
    # learners are on the course roster under their login, so no submission is counted as （名单外）
    roster_csv = (hub["root"] / "course" / "exams" / "roster.csv").read_text(encoding="utf-8-sig")
    assert "qfhubtest-c1,张一,交通局" in roster_csv and "qfhubtest-e1" not in roster_csv
    # what learners may read (their courses' source and the public case library), and nothing else
    published = hub["root"] / "published"
    assert sorted(p.name for p in published.iterdir()) == ["courses", "qingfeng.toml", "risk_case_library"]
    assert all(os.stat(p).st_mode & 0o004 for p in published.rglob("*"))


def _shadow(login: str) -> str:
    return next(line.split(":")[1] for line in Path("/etc/shadow").read_text().splitlines() if line.startswith(login + ":"))


def test_rerun_keeps_passwords_reset_changes_one_and_a_bad_row_creates_nothing(hub):
    env, tmp = hub["env"], hub["tmp"]
    before = {login: _shadow(login) for login in hub["passwords"]}
    qingfeng(env, "hub", "accounts", str(hub["roster"]), "--out", str(tmp / "again.xlsx"))
    assert {login: _shadow(login) for login in hub["passwords"]} == before
    again = {r[4]: r[5] for r in load_workbook(tmp / "again.xlsx").active.iter_rows(min_row=2, values_only=True)}
    assert set(again.values()) == {"（沿用原密码）"}

    qingfeng(env, "hub", "accounts", str(hub["roster"]), "--out", str(tmp / "reset.xlsx"), "--reset-password", "QFHUBTEST-C3")
    assert _shadow("qfhubtest-c3") != before["qfhubtest-c3"]
    assert all(_shadow(x) == before[x] for x in before if x != "qfhubtest-c3")
    new = {r[4]: r[5] for r in load_workbook(tmp / "reset.xlsx").active.iter_rows(min_row=2, values_only=True)}
    hub["passwords"]["qfhubtest-c3"] = new["qfhubtest-c3"]

    bad = _write_roster(tmp / "bad.xlsx", [ROSTER[0], ("QFHUBTEST-N1", "新人", "交通局", "", "", "学员"),
                                           ("QFHUBTEST-N2", "新人二", "交通局", "", "", "校长"),
                                           ("root", "冒名", "交通局", "", "", "考官"), ("", "无编号", "某局", "", "", "")])
    proc = qingfeng(env, "hub", "accounts", str(bad), "--out", str(tmp / "bad-out.xlsx"), check=False)
    assert proc.returncode != 0
    assert "第 3 行，“角色”列" in proc.stderr and "第 4 行，“编号”列" in proc.stderr and "第 5 行，“编号”列" in proc.stderr
    with pytest.raises(KeyError):
        pwd.getpwnam("qfhubtest-n1")
    assert not (tmp / "bad-out.xlsx").exists()


def test_the_password_sheet_never_holds_a_live_formula(hub):
    sheet = load_workbook(hub["tmp"] / "账号密码单.xlsx").active
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert "'@王三" in names and all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


# --- logins and isolation ------------------------------------------------------------------------------

def test_wrong_password_is_refused_and_a_candidate_logs_in_as_themselves(hub):
    wrong = HubUser(hub["base"], "qfhubtest-c1", "not-the-password").login()
    assert wrong.status_code == 403
    c1 = user(hub, "qfhubtest-c1")
    assert c1.login().status_code == 302
    c1.start_server()
    out, err = c1.run("/user/qfhubtest-c1", "import os, pwd; print(pwd.getpwuid(os.getuid()).pw_name, os.getcwd())")
    assert err == "" and out.split() == ["qfhubtest-c1", "/home/qfhubtest-c1"]
    hub["c1"] = c1


PROBE = """
import os, pathlib
for label, path in {targets!r}:
    try:
        p = pathlib.Path(path)
        (os.listdir(p) if p.is_dir() else p.read_bytes())
        print(label, "READABLE")
    except PermissionError:
        print(label, "denied")
"""


def test_a_candidates_own_kernel_cannot_read_keys_bank_gradebook_course_or_another_home(hub):
    c1 = hub["c1"]
    course = hub["root"] / "course"
    targets = [("course", str(course)), ("keys", str(course / "exams" / "keys")), ("bank", str(course / "exams" / "bank" / "yumin_sample.yaml")),
               ("gradebook", str(course / "exams" / "gradebook.db")), ("submitted", str(course / "exams" / "submitted")),
               ("cases", str(course / "risk_case_library")), ("home", "/home/qfhubtest-c2"), ("examiner-home", "/home/qfhubtest-e1"),
               ("hubdb", str(hub["root"] / "hub" / "jupyterhub.sqlite")), ("reports", str(hub["root"] / "reports"))]
    out, err = c1.run("/user/qfhubtest-c1", PROBE.format(targets=targets))
    assert err == ""
    assert dict(line.split() for line in out.splitlines()) == {label: "denied" for label, _ in targets}


def test_formgrader_and_reports_are_refused_to_a_candidate(hub):
    c1 = hub["c1"]
    assert c1.open("/services/qingfeng/formgrader").status_code == 403
    assert c1.open("/services/reports/").status_code == 403
    # nbgrader's formgrader and course-list server extensions are not even loaded in a candidate's server
    assert c1.open("/user/qfhubtest-c1/formgrader").status_code == 404
    assert c1.open("/user/qfhubtest-c1/assignments?course_id=qingfeng").status_code == 200


def test_a_trainer_edits_the_case_library_but_cannot_read_keys_or_the_gradebook(hub):
    t1 = user(hub, "qfhubtest-t1")
    assert t1.login().status_code == 302
    t1.start_server()
    course = hub["root"] / "course"
    code = PROBE.format(targets=[("keys", str(course / "exams" / "keys")), ("gradebook", str(course / "exams" / "gradebook.db")),
                                 ("bank", str(course / "exams" / "bank")), ("home", "/home/qfhubtest-c1")]) + f"""
import os, pathlib
lib = pathlib.Path({str(course / "risk_case_library" / "cases")!r})
print("cases", len(list(lib.glob("*.yaml"))) > 50)
(lib.parent / "trainer-note.txt").write_text("培训师可写")
print("write", "ok")
print("link", os.path.realpath(os.path.expanduser("~/案例库")) == str(lib.parent))
"""
    out, err = t1.run("/user/qfhubtest-t1", code)
    assert err == ""
    assert dict(line.split() for line in out.splitlines()) == {"keys": "denied", "gradebook": "denied", "bank": "denied",
                                                              "home": "denied", "cases": "True", "write": "ok", "link": "True"}
    assert t1.open("/services/qingfeng/formgrader").status_code == 403
    (course / "risk_case_library" / "trainer-note.txt").unlink()


def test_a_leader_reads_reports_and_has_no_server(hub):
    l1 = user(hub, "qfhubtest-l1")
    assert l1.login().status_code == 302
    r = l1.open("/services/reports/")
    assert r.status_code == 200 and "考试统计报告" in r.text
    assert l1.open("/services/qingfeng/formgrader").status_code == 403
    r = l1.hub_api("POST", "/users/qfhubtest-l1/server")
    assert r.status_code >= 400


# --- one exam end to end through the Hub -----------------------------------------------------------------

EXAM = "hub-q4"
CANDIDATES = ("qfhubtest-c1", "qfhubtest-c2", "qfhubtest-c3")
SHOTS = Path("/tmp/qingfeng-screenshots")

GRADER_CMD = """
import subprocess, sys
for args in {commands!r}:
    p = subprocess.run([sys.prefix + "/bin/qingfeng", *args], capture_output=True, text=True)
    print("EXIT", p.returncode, " ".join(args))
    print(p.stdout[-3000:], p.stderr[-3000:])
"""

GRADES = """
import json
from qingfeng.exam.course import open_gradebook
from qingfeng.project import find_project
out = {}
with open_gradebook(find_project(".")) as gb:
    for sub in gb.assignment_submissions("hub-q4"):
        out[sub.student_id] = {"total": sub.score,
                               "items": {g.name: g.score for nb in sub.notebooks for g in nb.grades}}
print(json.dumps(out))
"""


SUBMIT_FROM_KERNEL = """
import subprocess, sys
for args in (["fetch_assignment", "{exam}", "--course", "qingfeng"], ["submit", "{exam}", "--course", "qingfeng"]):
    p = subprocess.run([sys.prefix + "/bin/nbgrader", *args], capture_output=True, text=True)
    print("EXIT", p.returncode, args[0], p.stderr[-1500:])
"""


ESSAY_SCORE = 5   # what the examiner gives 张一's essay YM-JD-01 in formgrader


def hand_totals() -> dict[str, float]:
    """Totals from the hand-worked tables of tests/test_exam_nbgrader.py (c01 = PERFECT, c03 = PARTIAL)."""
    from .test_exam_nbgrader import ESSAYS, TOTALS

    return {"qfhubtest-c1": TOTALS["c01"] - sum(ESSAYS["c01"].values()) + ESSAY_SCORE,
            "qfhubtest-c2": TOTALS["c03"] - sum(ESSAYS["c03"].values()), "qfhubtest-c3": 0.0}


def grader(e1: HubUser, *commands: tuple[str, ...]) -> str:
    out, err = e1.run("/services/qingfeng", GRADER_CMD.format(commands=list(commands)), timeout=300)
    assert err == "", err
    for line in out.splitlines():
        if line.startswith("EXIT "):
            assert line.split()[1] == "0", out
    return out


def answer(nb: dict, answers: dict[str, str]) -> dict:
    for cell in nb["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        item = gid[len("answer-"):] if gid.startswith("answer-") else None
        if item in answers:
            cell["source"] = answers[item]
        if item == "YM-JD-01":
            cell["source"] = "廉政风险产生的原因：教育不到位、制度不健全、监督不得力。"
    return nb


@pytest.fixture(scope="module")
def exam_run(hub):
    """The examiner builds and releases as the grader account; candidates log in in chromium, fetch, answer, submit."""
    from .browser import browser
    from .test_exam_nbgrader import PARTIAL, PERFECT

    e1 = user(hub, "qfhubtest-e1")
    assert e1.login().status_code == 302
    assert e1.open("/services/qingfeng/lab").status_code == 200          # examiner passes the service's OAuth
    built = grader(e1, ("exam", "build", "yumin-sample", "--id", EXAM), ("exam", "release", EXAM))
    answers = {"qfhubtest-c1": PERFECT, "qfhubtest-c2": PARTIAL, "qfhubtest-c3": {}}
    people = {}
    SHOTS.mkdir(exist_ok=True)
    with browser() as b:
        for login in CANDIDATES:
            ctx = b.new_context(viewport={"width": 1280, "height": 900})
            page = ctx.new_page()
            page.goto(f"{hub['base']}/hub/login")
            page.fill("#username_input", login.upper())            # people type their 编号 as printed
            page.fill("#password_input", hub["passwords"][login])
            page.click("#login_submit")
            page.wait_for_url(f"**/user/{login}/lab**", timeout=180_000)
            page.wait_for_selector("#jp-main-dock-panel", timeout=120_000)
            if login == CANDIDATES[0]:
                # the Chinese interface with no English Nbgrader menu; 我的考试 opens by itself with the
                # released paper under its Chinese title, and the first candidate fetches it with a click
                page.get_by_text("文件", exact=True).first.wait_for(timeout=60_000)
                assert page.get_by_text("Nbgrader", exact=True).count() == 0
                card = page.locator(f".qf-paper-list .qf-paper[data-exam='{EXAM}']")
                card.wait_for(timeout=90_000)
                assert "裕民县廉政风险防范管理工作理论试题" in card.inner_text() and "可领取" in card.inner_text()
                page.screenshot(path=str(SHOTS / "hub-candidate-assignments.png"))
                card.locator("button.qf-fetch").click()
                page.wait_for_selector(".qf-bar .qf-progress:has-text('共 36 题')", timeout=90_000)
            c = HubUser(hub["base"], login, hub["passwords"][login])
            for ck in ctx.cookies():
                c.s.cookies.set(ck["name"], ck["value"], domain=ck["domain"], path=ck["path"])
            ctx.close()
            people[login] = c
    for login, c in people.items():
        prefix = f"/user/{login}"
        listed = c.open(f"{prefix}/assignments?course_id=qingfeng").json()
        assert [(a["assignment_id"], a["status"]) for a in listed["value"]] == [(EXAM, "fetched" if login == CANDIDATES[0] else "released")]
        if login != CANDIDATES[0]:   # the others through the endpoint the panel's Fetch button calls
            r = c.call("POST", prefix, "/assignments/fetch", data={"course_id": "qingfeng", "assignment_id": EXAM})
            assert r.status_code == 200, r.text
        path = f"/api/contents/{EXAM}/{EXAM}.ipynb"
        nb = c.call("GET", prefix, path).json()["content"]
        r = c.call("PUT", prefix, path, json={"type": "notebook", "format": "json", "content": answer(nb, answers[login])})
        assert r.status_code == 200, r.text
        r = c.call("POST", prefix, "/assignments/submit", data={"course_id": "qingfeng", "assignment_id": EXAM})
        assert r.status_code == 200 and '"success": false' not in r.text, r.text
    # An examiner's own server has no Assignments panel; a paper pushed into the exchange from its
    # kernel anyway is set aside at collection, never marked or counted as a candidate.
    e1.start_server()
    assert e1.open("/user/qfhubtest-e1/assignments?course_id=qingfeng").status_code == 404
    out, err = e1.run("/user/qfhubtest-e1", SUBMIT_FROM_KERNEL.format(exam=EXAM), timeout=300)
    assert "EXIT 0 submit" in out, out + err
    marked = grader(e1, ("exam", "collect", EXAM), ("mark", EXAM))
    return {"e1": e1, "people": people, "built": built, "marked": marked}


def test_each_submission_is_filed_under_its_own_login_and_the_inbound_is_not_listable(hub, exam_run):
    submitted = hub["root"] / "course" / "exams" / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == list(CANDIDATES)
    assert "qfhubtest-e1" in exam_run["marked"] and "outside_roster" in exam_run["marked"]
    assert (hub["root"] / "course" / "exams" / "outside_roster" / "qfhubtest-e1" / EXAM).is_dir()
    inbound = hub["root"] / "exchange" / "qingfeng" / "inbound"
    assert oct(os.stat(inbound).st_mode & 0o7777) == "0o2733"
    owners = {p.name.split("+")[0]: pwd.getpwuid(p.stat().st_uid).pw_name for p in inbound.iterdir()}
    assert owners == {x: x for x in (*CANDIDATES, "qfhubtest-e1")}   # each paper filed by, and owned by, its maker
    c1 = exam_run["people"]["qfhubtest-c1"]
    out, err = c1.run("/user/qfhubtest-c1", PROBE.format(targets=[("inbound", str(inbound)), ("exchange-root", str(hub["root"] / "exchange"))]))
    assert dict(line.split() for line in out.splitlines())["inbound"] == "denied"


def test_hand_marking_an_essay_in_formgrader_through_the_hub(hub, exam_run):
    from .browser import browser

    e1 = exam_run["e1"]
    out, err = e1.run("/services/qingfeng", "from qingfeng.exam.course import open_gradebook\nfrom qingfeng.project import find_project\n"
                      "with open_gradebook(find_project('.')) as gb:\n"
                      f"    print(gb.find_submission_notebook({EXAM!r}, {EXAM!r}, 'qfhubtest-c1').id)")
    assert err == ""
    nb_id = out.strip()
    with browser() as b:
        ctx = b.new_context(viewport={"width": 1300, "height": 1200})
        page = ctx.new_page()
        page.goto(f"{hub['base']}/hub/login")
        page.fill("#username_input", "qfhubtest-e1")
        page.fill("#password_input", hub["passwords"]["qfhubtest-e1"])
        page.click("#login_submit")
        page.wait_for_load_state()
        page.goto(f"{hub['base']}/services/qingfeng/formgrader/submissions/{nb_id}/")
        score = page.locator("input.score#answer-YM-JD-01")
        score.wait_for(timeout=90_000)
        page.wait_for_load_state("networkidle")
        assert "评分要点（仅阅卷人可见）" in page.inner_text("body")
        with page.expect_response(lambda r: "/formgrader/api/grade/" in r.url and r.request.method == "PUT", timeout=60_000) as saved:
            score.click()
            score.fill(str(ESSAY_SCORE))
            score.press("Tab")
        assert saved.value.ok
        page.screenshot(path=str(SHOTS / "hub-formgrader.png"))
        ctx.close()
    out, err = e1.run("/services/qingfeng", GRADES)
    import json
    assert json.loads(out)["qfhubtest-c1"]["items"]["answer-YM-JD-01"] == ESSAY_SCORE


def test_scores_in_the_gradebook_equal_the_hand_worked_ones(hub, exam_run):
    import json

    from .test_exam_nbgrader import ALL_RIGHT, EXPECTED, OBJECTIVE_IDS

    out, err = exam_run["e1"].run("/services/qingfeng", GRADES)
    assert err == ""
    got = json.loads(out)
    expected = {"qfhubtest-c1": ALL_RIGHT, "qfhubtest-c2": EXPECTED["c03"], "qfhubtest-c3": {i: 0.0 for i in OBJECTIVE_IDS}}
    for login, items in expected.items():
        objective = {k[len("test-"):]: v for k, v in got[login]["items"].items() if k.startswith("test-")}
        assert objective == pytest.approx(items), login
    totals = hand_totals()   # c1: every objective item + the hand-marked essay; c2: partial credit only
    assert {login: got[login]["total"] for login in CANDIDATES} == pytest.approx(totals)
    assert set(got) == set(CANDIDATES)                                  # the examiner's stray paper is not among them


def test_feedback_reaches_only_its_owner_and_statistics_reach_the_leader(hub, exam_run):
    e1, people = exam_run["e1"], exam_run["people"]
    grader(e1, ("exam", "feedback", EXAM), ("stats", EXAM, "--out", str(hub["root"] / "reports" / EXAM)))
    totals = {}
    for login, c in people.items():
        prefix = f"/user/{login}"
        r = c.call("POST", prefix, "/assignments/fetch_feedback", data={"course_id": "qingfeng", "assignment_id": EXAM})
        assert r.status_code == 200, r.text
        folders = c.call("GET", prefix, f"/api/contents/{EXAM}/feedback").json()["content"]
        assert len(folders) == 1, folders                       # one submission, one feedback: their own
        files = c.call("GET", prefix, f"/api/contents/{EXAM}/feedback/{folders[0]['name']}").json()["content"]
        assert [f["name"] for f in files] == [f"{EXAM}.html"]
        html = c.call("GET", prefix, f"/files/{EXAM}/feedback/{folders[0]['name']}/{EXAM}.html").content.decode("utf-8")
        totals[login] = html
    expected = hand_totals()
    assert f"{expected['qfhubtest-c1']:g}" in totals["qfhubtest-c1"] and f"{expected['qfhubtest-c2']:g}" in totals["qfhubtest-c2"]
    assert "教育不到位" in totals["qfhubtest-c1"] and "教育不到位" in totals["qfhubtest-c2"]   # their own essay
    assert "系统评分" in totals["qfhubtest-c3"]
    l1 = user(hub, "qfhubtest-l1")
    assert l1.login().status_code == 302
    index = l1.open("/services/reports/")
    assert index.status_code == 200 and EXAM in index.text
    import re
    link = next(h for h in re.findall(r'href="([^"]+)"', index.text) if h.endswith(".html"))
    report = l1.open(link)
    assert report.status_code == 200 and "charset=utf-8" in report.headers["Content-Type"].lower()
    assert "交通局" in report.text and "教育局" in report.text
    assert "（名单外）" not in report.text                               # every paper matched to a person on the roster
    assert l1.open("/services/reports/files/../../hub/jupyterhub.sqlite").status_code in (403, 404)


def test_stop_and_start_keep_accounts_papers_and_marks(hub, exam_run):
    import json

    env = hub["env"]
    stop = subprocess.run(["bash", str(REPO / "deploy" / "hub.sh"), "stop"], env=env, capture_output=True, text=True, timeout=120)
    assert stop.returncode == 0, stop.stderr
    assert subprocess.run(["bash", str(REPO / "deploy" / "hub.sh"), "status"], env=env, capture_output=True).returncode == 3
    start = subprocess.run(["bash", str(REPO / "deploy" / "hub.sh"), "start"], env=env, capture_output=True, text=True, timeout=600)
    assert start.returncode == 0, start.stdout + start.stderr
    c2 = user(hub, "qfhubtest-c2")
    assert c2.login().status_code == 302
    c2.start_server()
    listing = c2.call("GET", "/user/qfhubtest-c2", f"/api/contents/{EXAM}").json()["content"]
    assert {f["name"] for f in listing} >= {f"{EXAM}.ipynb", "feedback"}
    e1 = user(hub, "qfhubtest-e1")
    assert e1.login().status_code == 302
    assert e1.open("/services/qingfeng/lab").status_code == 200
    out, err = e1.run("/services/qingfeng", GRADES)
    assert json.loads(out)["qfhubtest-c1"]["total"] == pytest.approx(hand_totals()["qfhubtest-c1"])
