"""The IRI grammar nbformat's jsonschema would compile at import is built on first use instead (qingfeng.iri_grammar)."""
from __future__ import annotations

import json
import subprocess
import sys

PROBE = r"""
import json, sys
import qingfeng, nbformat
from nbgrader.utils import compute_checksum  # what qingfeng's marking imports
compiled_at_import = "rfc3987_syntax.syntax_helpers" in sys.modules
nbformat.validate(nbformat.v4.new_notebook())  # notebooks still validate
from jsonschema import FormatChecker
fc = FormatChecker()
checks = [fc.conforms(v, f) for v, f in (("http://例子.中国/路径?q=1", "iri"), ("not an iri ::", "iri"),
                                         ("/相对/路径", "iri-reference"), ("http://a b", "iri-reference"))]
import rfc3987_syntax
real = not getattr(sys.modules["rfc3987_syntax"], "__qingfeng_stand_in__", False)
print(json.dumps({"compiled_at_import": compiled_at_import, "checks": checks, "real_after_use": real,
                  "direct": rfc3987_syntax.is_valid_syntax_iri("http://a.b/c")}))
"""


def test_importing_nbformat_does_not_compile_the_iri_grammar_and_iri_checks_still_work():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
    got = json.loads(out.strip().splitlines()[-1])
    assert got["compiled_at_import"] is False
    assert got["checks"] == [True, False, True, False]  # what the real rfc3987_syntax answers
    assert got["real_after_use"] is True and got["direct"] is True
