# nbgrader settings of the 清风 exam course. This folder (exams/) is the nbgrader course root.
# nbgrader 课程设置：本文件夹就是 nbgrader 的课程根目录。
import os

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)
here = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "qingfeng"
c.CourseDirectory.root = here
# The gradebook: ONE setting for nbgrader, formgrader and qingfeng — QINGFENG_DB_URL, else
# [gradebook] db_url in qingfeng.toml, else SQLite exams/gradebook.db (`qingfeng gradebook info` shows it).
from qingfeng.exam.gradebook_db import gradebook_url  # noqa: E402

c.CourseDirectory.db_url = gradebook_url(here)
# Keys and the bank never travel with a release: they live outside source/.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.json", "*.yaml"]

# A local exchange inside the course folder, for one machine; on JupyterHub the course service
# sets QINGFENG_EXCHANGE to the deployment's shared exchange (deploy/jupyterhub_config.py).
c.Exchange.root = os.environ.get("QINGFENG_EXCHANGE") or os.path.join(here, "exchange")
c.Exchange.timezone = "Asia/Shanghai"

# Answer cells keep their one-line template; the empty solution region leaves nothing behind.
c.ClearSolutions.code_stub = {"python": ""}
c.ClearSolutions.text_stub = "（请在此处作答：双击本格进入编辑，写完后按 Shift+Enter）"

c.Execute.timeout = 60
c.Execute.allow_errors = True

# Candidates' feedback: scores and explanations, never test code or mark schemes (cf. nbgrader issue #917).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "qingfeng.exam.feedback.CandidateFeedback",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# Candidate code never runs as the examiner: nbgrader's Execute step is replaced by static marking
# (qingfeng.exam.guarded_execute), so Formgrader's autograde button and `nbgrader autograde` typed here
# score answers the way `qingfeng mark` does.  Only trusted copies and the --nbgrader-check sandbox set
# MarkWithoutRunning.run_candidate_code = True.
# Whatever a candidate wrote is sanitised before formgrader renders it: an essay's <script> or
# <img onerror=…> must not run in the examiner's browser (qingfeng.exam.sanitise).  Appended to
# nbgrader's own autograde steps, after execution, so outputs are covered too.
from nbgrader.converters import Autograde  # noqa: E402
from nbgrader.preprocessors import Execute  # noqa: E402

c.Autograde.autograde_preprocessors = [
    "qingfeng.exam.guarded_execute.MarkWithoutRunning" if step is Execute else step
    for step in Autograde.class_traits()["autograde_preprocessors"].default()
] + ["qingfeng.exam.sanitise_preprocessor.SanitiseCandidateCells"]

# Feedback in Chinese (题号, 得分/满分, 评语), items named as on the paper, never by internal ids.
# Set on generate_feedback's own exporter class only: formgrader's HTMLExporter keeps its 'formgrade'
# template with the score boxes (see qingfeng.exam.feedback_html).
from qingfeng.exam.feedback_html import TEMPLATE_NAME, TEMPLATES_DIR  # noqa: E402

c.GenerateFeedback.exporter_class = "qingfeng.exam.feedback_html.FeedbackHTMLExporter"
c.FeedbackHTMLExporter.template_name = TEMPLATE_NAME
c.FeedbackHTMLExporter.extra_template_basedirs = [TEMPLATES_DIR]

# A timed sitting's late policy (qingfeng exam schedule … --late): nbgrader's late-penalty plugin mechanism.
c.AssignLatePenalties.plugin_class = "qingfeng.exam.late_marks.TimedSittingPenalty"
