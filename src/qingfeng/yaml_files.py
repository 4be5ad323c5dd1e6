"""Reading the project's YAML (case library, bank, blueprints) fast.

PyYAML's pure-Python loader spends seconds on the 84 cases and the bank;
libyaml's C loader (shipped in PyYAML's wheels) reads the same safe YAML
into the same objects about ten times faster.  Errors are the same
``yaml.YAMLError`` types, so callers' Chinese messages do not change.
"""
from __future__ import annotations

import yaml

__all__ = ["safe_load"]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str):
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 — a safe loader, C or Python
