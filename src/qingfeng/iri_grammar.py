"""Build the IRI grammar of ``rfc3987_syntax`` when it is first used, not whenever nbformat is imported.

nbformat validates notebooks with jsonschema; jsonschema's ``format-nongpl``
extra (which jupyter-events asks for) imports ``rfc3987_syntax`` at import
time, and that module compiles three Earley parsers for the RFC 3987 grammar:
1.7 s on this project's machine, paid by every ``qingfeng`` command that opens
a notebook or touches nbgrader, before it does anything
(python-jsonschema/jsonschema#1428).  Nothing in nbformat's schema uses the
``iri`` formats.

:func:`defer` puts a stand-in module under that name before jsonschema is
imported.  It has the one function jsonschema takes from it,
``is_valid_syntax``; the first call, or any other name asked of the module,
imports the real package in its place, so IRI checking works as before.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import types

__all__ = ["defer"]

NAME = "rfc3987_syntax"


def defer() -> None:
    """Install the stand-in (a no-op when the package is absent or already imported)."""
    if NAME in sys.modules or importlib.util.find_spec(NAME) is None:
        return
    stand_in = types.ModuleType(NAME, "stand-in: the real rfc3987_syntax is imported on first use (qingfeng.iri_grammar)")

    def is_valid_syntax(term: str, value: str) -> bool:
        return _real().is_valid_syntax(term, value)

    def __getattr__(name: str):  # PEP 562: any other public name loads the real module
        if name.startswith("__"):  # the import system asks for __path__, __spec__ …: not a reason to load
            raise AttributeError(name)
        return getattr(_real(), name)

    stand_in.is_valid_syntax = is_valid_syntax
    stand_in.__getattr__ = __getattr__
    stand_in.__qingfeng_stand_in__ = True
    sys.modules[NAME] = stand_in


def _real() -> types.ModuleType:
    module = sys.modules.get(NAME)
    if module is not None and not getattr(module, "__qingfeng_stand_in__", False):
        return module
    sys.modules.pop(NAME, None)
    try:
        return importlib.import_module(NAME)
    except BaseException:
        if module is not None:
            sys.modules[NAME] = module
        raise
