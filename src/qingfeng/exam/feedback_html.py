"""The HTML exporter behind ``nbgrader generate_feedback``: qingfeng's Chinese feedback template.

The template is configured on this subclass, not on nbconvert's ``HTMLExporter``:
formgrader renders submissions with an ``HTMLExporter`` too (template
``formgrade``, which carries the score and comment boxes), and a setting on
the base class would replace that template with the candidates' feedback page,
leaving markers with nothing to type into.  traitlets lets a subclass's section
win over its base class's, so nbgrader's own ``HTMLExporter.template_name =
'feedback'`` default does not override it either.
"""
from __future__ import annotations

import os

from nbconvert.exporters import HTMLExporter

__all__ = ["FeedbackHTMLExporter", "TEMPLATE_NAME", "TEMPLATES_DIR"]

TEMPLATE_NAME = "qingfeng_feedback"
TEMPLATES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


class FeedbackHTMLExporter(HTMLExporter):
    """``HTMLExporter`` for feedback only (see exams/nbgrader_config.py)."""
