"""Jupyter Server pre-save hook: course notebooks are saved without outputs or widget state.

A course notebook saved with its widget outputs but without live widget
models shows "Error displaying widget" when reopened; saved without them it
shows the lesson text and the "请运行本单元" prompts, and the exercises rebuild
themselves (with the learner's earlier answers) when the cells run.
It is a Jupyter Server extension; ``make run`` enables it with
``--ServerApp.jpserver_extensions qingfeng.learning.save_hook=True`` and a
Hub's single-user config with::

    c.ServerApp.jpserver_extensions = {"qingfeng.learning.save_hook": True}

Only notebooks marked ``metadata.qingfeng.course`` are touched; exam papers
and every other notebook are saved as they are.
"""
from __future__ import annotations

from .sync import clean_notebook

__all__ = ["pre_save", "is_course"]


def _jupyter_server_extension_points():
    return [{"module": "qingfeng.learning.save_hook"}]


def _load_jupyter_server_extension(serverapp) -> None:
    serverapp.contents_manager.register_pre_save_hook(pre_save)
    serverapp.log.info("qingfeng: course notebooks are saved without outputs or widget state")


def is_course(nb: dict) -> bool:
    return bool((nb.get("metadata") or {}).get("qingfeng", {}).get("course"))


def pre_save(model: dict, **kwargs) -> None:
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    nb = model["content"]
    if is_course(nb):
        clean_notebook(nb)
