"""Jupyter Server extension for the course: saved clean, code out of sight.

Course notebooks are saved without outputs or widget state (a pre-save hook),
and JupyterLab's custom CSS (``--LabApp.custom_css=True``) hides the inputs of
code cells whose source is hidden (``lab/custom.css``), so learners see no code.

A course notebook saved with its widget outputs but without live widget
models shows "Error displaying widget" when reopened; saved without them it
shows the lesson text and the "请运行本单元" prompts, and the exercises rebuild
themselves (with the learner's earlier answers) when the cells run.
``make run`` enables it with ``--ServerApp.jpserver_extensions
qingfeng.learning.lab_extension=True --LabApp.custom_css=True``; a Hub's
single-user config with::

    c.ServerApp.jpserver_extensions = {"qingfeng.learning.lab_extension": True}
    c.LabApp.custom_css = True

Only notebooks marked ``metadata.qingfeng.course`` are touched; exam papers
and every other notebook are saved as they are.
"""
from __future__ import annotations

from pathlib import Path

from .sync import clean_notebook

__all__ = ["pre_save", "is_course", "CSS_DIR"]
CSS_DIR = Path(__file__).parent / "lab"


def _jupyter_server_extension_points():
    return [{"module": "qingfeng.learning.lab_extension"}]


def _load_jupyter_server_extension(serverapp) -> None:
    serverapp.contents_manager.register_pre_save_hook(pre_save)
    # the same list object the /custom/ handler searches, whichever extension loads first
    serverapp.web_app.settings["static_custom_path"].insert(0, str(CSS_DIR))
    serverapp.log.info("qingfeng: course notebooks are saved without outputs or widget state; hidden code stays hidden")


def is_course(nb: dict) -> bool:
    return bool((nb.get("metadata") or {}).get("qingfeng", {}).get("course"))


def pre_save(model: dict, **kwargs) -> None:
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    nb = model["content"]
    if is_course(nb):
        clean_notebook(nb)
