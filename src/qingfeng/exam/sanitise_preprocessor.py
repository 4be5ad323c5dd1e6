"""The nbgrader preprocessor (autograde, feedback) that sanitises candidate cells (:mod:`.sanitise`).

Named in ``exams/nbgrader_config.py``; kept apart from :mod:`.sanitise` so that
only nbgrader's own runs import nbgrader for it.
"""
from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor

from .sanitise import sanitise_cell, trusted_ids

__all__ = ["SanitiseCandidateCells"]


class SanitiseCandidateCells(NbGraderPreprocessor):
    """nbgrader preprocessor (autograde, feedback): sanitise every cell the examiner did not write."""

    def preprocess(self, nb, resources):
        from nbformat import from_dict

        trusted = trusted_ids(resources)
        cells = []
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            cells.append(cell if gid in trusted else from_dict(sanitise_cell(cell)))
        nb.cells = cells
        return nb, resources
