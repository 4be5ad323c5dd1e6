"""A learner in real chromium: modules 02 and 06 with clicks only, then reload and restart, and the course home.

The learner works in their own synced copy (never ``courses/``), JupyterLab runs
with the qingfeng server extension exactly as ``make run`` starts it, the
screen is 1280×720.  After reloading the page and restarting the kernel the
learner sees their earlier answers and completion; at no point is code, English
or an internal id visible in the notebook.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from qingfeng.candidate_extension import install
from qingfeng.learning import exercises as ex
from qingfeng.learning.sync import sync_courses

from .browser import browser, jupyterlab
from .browser import run_all as _run_all

REPO = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow, pytest.mark.browser]
SHOTS = Path("/tmp/qingfeng-screenshots")
LAB_ARGS = ("--ServerApp.jpserver_extensions", "qingfeng.learning.lab_extension=True", "--LabApp.custom_css=True")
INTERNAL = re.compile(r"\b(M\d{2}-\d|PG-\d{3}|CCDI-\d{8}|S00\d-\d\d|[A-Z]{2}-[A-Z]{2,3}-\d\d|m0\d\.\w+)\b|src/|\.py\b|\.txt\b"
                      r"|可靠性较低|lessons\.|qingfeng|import ")
ENGLISH_OK = {"PDCA", "Plan", "Do", "Check", "Act", "Ctrl"}
# Around the notebook: JupyterLab always shows a file's extension in its tab (“02_风险等级评定.ipynb”), and
# its toolbar tooltips name keys as printed on the keyboard (“运行这 1 个单元格并向前移动 (Shift+Enter)”).
CHROME_OK = ENGLISH_OK | {"ipynb", "Shift", "Enter", "Alt"}
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def lab_env(tmp_path) -> dict[str, str]:
    """The qingfeng extension linked into a prefix as `make run`'s install step does (not a candidate image)."""
    prefix = tmp_path / "prefix"
    install(prefix)
    return {"JUPYTER_PATH": str(prefix / "share" / "jupyter"), "JUPYTER_CONFIG_PATH": str(prefix / "etc" / "jupyter")}


def chrome_text(page) -> str:
    """What the learner reads around a module: menu bar, the notebook's toolbar, side-bar tabs, tab bar, status bar."""
    return page.evaluate("""() => {
        const seen = el => el && el.offsetParent !== null && getComputedStyle(el).visibility !== 'hidden';
        const out = [];
        for (const sel of ['#jp-menu-panel .lm-MenuBar-item', '%s .jp-NotebookPanel-toolbar > *',
                           '.jp-SideBar .lm-TabBar-tab', '#jp-main-dock-panel .lm-TabBar-tab', '#jp-main-statusbar']) {
            for (const el of document.querySelectorAll(sel)) {
                if (!seen(el)) continue;
                out.push(el.innerText);
                if (sel.startsWith('#jp-main-dock-panel')) continue;  // a tab's tooltip is the file's path and dates
                for (const t of el.querySelectorAll('[title]')) if (seen(t)) out.push(t.title);
                if (el.title) out.push(el.title);
            }
        }
        return out.join(String.fromCharCode(10));
    }""" % PANEL)


def check_chrome(page, name: str) -> None:
    """No English around a course module: nbgrader's instructor tools, cell type, kernel name, status bar hidden."""
    text = chrome_text(page)
    words = set(re.findall(r"[A-Za-z]{2,}", text)) - CHROME_OK
    assert not words, (name, words)
    assert page.locator("#jp-menu-panel .lm-MenuBar-item", has_text="Nbgrader").count() == 0, name
    assert page.locator(f"{PANEL} .jp-NotebookPanel-toolbar [data-command='notebook:restart-run-all']").first.is_visible()


def run_all(page) -> None:
    """Restart and run all until the module's status line shows (tests/browser.py: run_all)."""
    panel = ".jp-NotebookPanel:not(.lm-mod-hidden)"
    _run_all(page, page.locator(f"{panel} .qf-status", has_text="项练习，学习用时"),
             on_retry=lambda attempt: shot(page, f"run-all-retry-{attempt}"))


def notebook(page):
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")


def check_clean(page, name: str) -> str:
    nb = notebook(page)
    text = nb.inner_text()
    assert "Error displaying widget" not in text and "Traceback" not in text, name
    assert not INTERNAL.search(text), (name, INTERNAL.search(text).group(0))
    words = set(re.findall(r"[A-Za-z]{2,}", text)) - ENGLISH_OK
    assert not words, (name, words)
    assert nb.locator(".jp-CodeCell .jp-InputArea:visible, .jp-InputPlaceholder:visible").count() == 0, name
    check_chrome(page, name)
    return text


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"course-{name}.png"))


def answer_self_check(box) -> None:
    """Answer every question of a self-check with clicks (typing in blanks), not necessarily right."""
    for radio in box.locator(".widget-radio-box").all():
        radio.locator("label").first.click()
    for toggles in box.locator(".widget-toggle-buttons").all():
        toggles.locator("button").first.click()
    for multi in box.locator(".widget-select-multiple select").all():
        multi.select_option(index=0)
    for blank in box.locator(".widget-text input").all():
        blank.fill("不知道")


def test_a_learner_completes_modules_02_and_06_and_finds_them_again(tmp_path):
    SHOTS.mkdir(exist_ok=True)
    dest = tmp_path / "清风课程"
    sync_courses(REPO / "courses", dest, REPO)
    env = {"QINGFENG_PROGRESS": str(tmp_path / "progress.sqlite"), "QINGFENG_CERT_KEY_FILE": str(tmp_path / "cert.key"),
           **lab_env(tmp_path)}
    criteria = {t.prompt: t.answer for t in ex.criteria_pool()}
    originals = {p.name: p.read_bytes() for p in (REPO / "courses").glob("*.ipynb")}
    with jupyterlab(dest, tmp_path, env, LAB_ARGS) as (base, token), browser() as b:
        page = b.new_page(viewport={"width": 1280, "height": 720})
        page.goto(f"{base}/lab/tree/{quote('00_课程首页.ipynb')}?token={token}")
        notebook(page).locator(".jp-MarkdownCell").first.wait_for(timeout=60_000)
        # --- module 02, reached by the link on the course home -------------------------------------------
        notebook(page).get_by_role("link", name="第二单元　风险等级评定").first.click()
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-MarkdownCell", has_text="第二单元").first.wait_for(timeout=60_000)
        run_all(page)
        box = notebook(page).locator(".widget-vbox", has_text="这条标准属于哪一级").first
        box.scroll_into_view_if_needed()
        rows = box.locator(".widget-hbox").all()
        prompts = [r.locator(".widget-html").inner_text().strip() for r in rows]
        rows[0].locator("select").select_option(label=next(l for l in ("一级（高）", "二级（中）", "三级（低）") if l != criteria[prompts[0]]))
        box.get_by_role("button", name="提交").click()
        fb = box.locator(".qf-feedback", has_text="得分")
        fb.wait_for()
        assert "提示：" in fb.inner_text() and "应为" not in fb.inner_text()  # a hint first
        shot(page, "02-hint")
        box.get_by_role("button", name="看答案和依据").click()
        box.locator(".qf-feedback", has_text="应为").wait_for()
        for r, p in zip(rows, prompts):
            r.locator("select").select_option(label=criteria[p])
        box.get_by_role("button", name="提交").click()
        box.locator(".qf-score", has_text=f"得分：{len(rows)} / {len(rows)}").wait_for()
        quiz = notebook(page).locator(".widget-vbox", has_text="自测：风险等级").first
        quiz.scroll_into_view_if_needed()
        quiz.get_by_role("button", name="交卷看讲解").click()
        quiz.locator(".qf-feedback", has_text="还没有作答").wait_for()  # empty: asked, not marked
        assert "参考答案" not in quiz.inner_text()
        answer_self_check(quiz)
        quiz.get_by_role("button", name="交卷看讲解").click()
        quiz.locator(".qf-score").wait_for()
        shot(page, "02-selfcheck")
        check_clean(page, "02")
        # save (toolbar), reload the page: no widget errors, outputs were not saved
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) [data-command='docmanager:save']").first.click()
        page.wait_for_timeout(1500)
        page.reload()
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell", has_text="第二单元").first.wait_for(timeout=60_000)
        page.wait_for_timeout(2000)
        text = check_clean(page, "02 reloaded")
        assert "请运行本单元" in text and notebook(page).locator(".widget-vbox").count() == 0
        shot(page, "02-reloaded")
        run_all(page)  # restarts the kernel
        box = notebook(page).locator(".widget-vbox", has_text="这条标准属于哪一级").first
        box.scroll_into_view_if_needed()
        again = [r.locator(".widget-html").inner_text().strip() for r in box.locator(".widget-hbox").all()]
        assert again == prompts  # the same questions …
        values = [r.locator("select").input_value() for r in box.locator(".widget-hbox").all()]
        assert len(values) == len(prompts) and all(values)  # … with the learner's answers
        assert f"得分：{len(rows)} / {len(rows)}" in box.locator(".qf-score").inner_text()
        status = notebook(page).locator(".qf-status", has_text="项练习，学习用时")
        status.scroll_into_view_if_needed()
        assert "本单元已完成" in status.inner_text()
        shot(page, "02-restored")
        check_clean(page, "02 restored")
        # --- module 06, opened from the file browser ---------------------------------------------------
        page.locator(".jp-DirListing-item", has_text="06_案例研判").dblclick()
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell", has_text="第六单元").first.wait_for(timeout=60_000)
        run_all(page)
        graders = notebook(page).locator(".widget-vbox", has_text="你的研判")
        for i in range(2):
            g = graders.nth(i)
            g.scroll_into_view_if_needed()
            g.get_by_role("button", name="提交").click()
            g.locator(".qf-feedback", has_text="还没有作答").wait_for()
            g.locator(".widget-dropdown", has_text="主要类别").locator("select").select_option(index=1)
            g.get_by_role("button", name="一级（高）").click()
            g.get_by_role("button", name="红").click()
            g.locator(".widget-select-multiple select").last.select_option(index=0)
            g.get_by_role("button", name="提交").click()
            g.locator(".qf-score").wait_for()
            page.wait_for_timeout(500)
            if g.get_by_role("button", name="看答案和依据").is_visible():
                g.get_by_role("button", name="看答案和依据").click()
                g.locator(".qf-feedback", has_text="真实处置").wait_for()
        shot(page, "06-case")
        chosen = graders.nth(0).locator(".widget-dropdown", has_text="主要类别").locator("select").input_value()
        quiz = notebook(page).locator(".widget-vbox", has_text="自测：案例研判").first
        quiz.scroll_into_view_if_needed()
        answer_self_check(quiz)
        quiz.get_by_role("button", name="交卷看讲解").click()
        quiz.locator(".qf-score").wait_for()
        check_clean(page, "06")
        page.reload()
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell", has_text="第六单元").first.wait_for(timeout=60_000)
        page.wait_for_timeout(2000)
        check_clean(page, "06 reloaded")
        run_all(page)
        g = notebook(page).locator(".widget-vbox", has_text="你的研判").first
        g.scroll_into_view_if_needed()
        assert g.locator(".widget-dropdown", has_text="主要类别").locator("select").input_value() == chosen
        assert "得分：" in g.locator(".qf-score").inner_text()
        status = notebook(page).locator(".qf-status", has_text="项练习，学习用时")
        status.scroll_into_view_if_needed()
        assert "本单元已完成" in status.inner_text()
        shot(page, "06-restored")
        check_clean(page, "06 restored")
        # --- the course home shows both modules complete; the 错题本 has the wrong answers ----------------
        page.locator(".jp-DirListing-item", has_text="00_课程首页").dblclick()
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) [data-command='notebook:restart-run-all']").first.click()
        page.locator(".jp-Dialog .jp-mod-accept").click()
        home = notebook(page).locator(".qf-home")
        home.wait_for(timeout=180_000)
        home.scroll_into_view_if_needed()
        rows = {r.locator("td").first.inner_text(): r.inner_text() for r in home.locator("tr").all()[1:]}
        assert "已完成" in rows["第二单元　风险等级评定"] and "已完成" in rows["第六单元　案例研判"]
        assert "未开始" in rows["第一单元　五类廉政风险"]
        shot(page, "home")
        check_clean(page, "home")
        # --- the examiner's tools come back on any other tab: Formgrader stays one menu away -------------
        page.locator(".jp-FileBrowser [data-command='launcher:create']").first.click()
        page.locator(".jp-Launcher").first.wait_for()
        page.locator("#jp-menu-panel .lm-MenuBar-item", has_text="Nbgrader").click()
        page.locator(".lm-Menu-item", has_text="Formgrader").first.wait_for()
        assert page.locator("#jp-main-statusbar").is_visible()
        assert page.locator(".jp-SideBar .lm-TabBar-tab[data-id='nbgrader-create_assignemnt']").is_visible()
        shot(page, "launcher-examiner-tools")
        page.keyboard.press("Escape")
        page.locator("#jp-main-dock-panel .lm-TabBar-tab", has_text="00_课程首页").click()
        page.locator("#jp-menu-panel .lm-MenuBar-item", has_text="Nbgrader").wait_for(state="detached")
        check_chrome(page, "home again")
    assert {p.name: p.read_bytes() for p in (REPO / "courses").glob("*.ipynb")} == originals  # the originals untouched


def test_the_eight_steps_are_ordered_by_dragging_at_1280x720(tmp_path):
    SHOTS.mkdir(exist_ok=True)
    dest = tmp_path / "清风课程"
    sync_courses(REPO / "courses", dest, REPO)
    env = {"QINGFENG_PROGRESS": str(tmp_path / "progress.sqlite"), **lab_env(tmp_path)}
    steps = [s.name for s in ex.EIGHT_STEPS]
    with jupyterlab(dest, tmp_path, env, LAB_ARGS) as (base, token), browser() as b:
        page = b.new_page(viewport={"width": 1280, "height": 720})
        page.goto(f"{base}/lab/tree/{quote('05_风险点排查.ipynb')}?token={token}")
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell", has_text="第五单元").first.wait_for(timeout=60_000)
        run_all(page)
        box = notebook(page).locator(".widget-vbox", has_text="排出顺序").first
        box.scroll_into_view_if_needed()
        items = box.locator(".qf-sortable-item")
        items.first.wait_for(timeout=30_000)
        box.get_by_role("button", name="提交").click()
        box.locator(".qf-feedback", has_text="还没有作答").wait_for()  # the list as it came is not an answer

        def order() -> list[str]:
            return [t.strip() for t in box.locator(".qf-sortable-text").all_inner_texts()]

        first = order()
        items.nth(0).drag_to(items.nth(3))  # HTML5 drag and drop, as a mouse does it
        page.wait_for_function("() => true")
        box.locator(".qf-sortable-text").first.wait_for()
        page.wait_for_timeout(800)
        dragged = order()
        assert dragged != first and sorted(dragged) == sorted(first) and dragged[3] == first[0]
        for target, name in enumerate(steps):  # finish with the ↑ buttons
            while order().index(name) > target:
                i = order().index(name)
                box.locator(".qf-sortable-item").nth(i).get_by_role("button", name="↑").click()
                page.wait_for_function(f"() => document.querySelectorAll('.qf-sortable-text')[{i - 1}].textContent.trim() === {name!r}")
        assert order() == steps
        box.get_by_role("button", name="提交").click()
        box.locator(".qf-score", has_text="得分：8 / 8").wait_for()
        box.scroll_into_view_if_needed()
        shot(page, "05-order")
        check_clean(page, "05")
