# JupyterLab is started from the project root (make run); nbgrader's formgrader and
# assignment list read this file, which hands over to the exam course's own settings.
import os

c = get_config()  # noqa: F821
load_subconfig(os.path.join(os.path.dirname(os.path.abspath(__file__)), "exams", "nbgrader_config.py"))  # noqa: F821
