"""A direct writer for case files: PyYAML's exact output for the shapes a case has, without PyYAML.

:func:`qingfeng.cases.library.dump_case` must write byte for byte what pure PyYAML writes with
``yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)``, where
``_Dumper`` is a SafeDumper whose str representer asks for the literal style ``|`` when the
string contains ``"\\n"``.  Even with libyaml's C emitter, PyYAML's representer and resolver
(Python) cost about 250 µs per case, and the pure-Python emitter several times more.

:func:`emit_case` builds the same text with plain string operations.  It ports only the
emitter rules that matter for a block mapping of scalars, scalar lists and nested mappings:

* ``analyze_scalar``: the characters PyYAML would escape, the line breaks, and the indicators
  that forbid a plain scalar are found by precompiled regular expressions, ``str.isprintable``
  and substring tests, all running in C (no Python loop over characters);
* the implicit resolvers: a string that would read back as int, float, bool, null, timestamp,
  merge (``<<``) or value (``=``) is quoted.  The resolver table is PyYAML's own
  (``yaml.SafeDumper.yaml_implicit_resolvers``), so this rule cannot drift from the library;
* ``choose_scalar_style``: empty and "resolving" strings are single-quoted, other one-line
  strings are plain, strings with ``"\\n"`` are literal blocks;
* ``write_plain`` / ``write_single_quoted`` folding: a *single* space becomes a line break plus
  the scalar's indentation when the column (in code points) is already past ``width``;
* the literal block with its indentation indicator and ``-`` chomping;
* indentless block sequences in mappings, ``[]`` / ``{}`` for empty collections, ``null``,
  ``true`` / ``false``, ints and floats as their representers spell them.

Whenever a value falls outside what these rules provably cover (double-quoted style, special or
non-printable characters, NEL/LS/PS breaks, ``|+`` chomping, a list of collections, a shared
list or dict that PyYAML would write as an anchor, a subclass of a builtin type, an unusual
key, ...) it returns None and the caller uses PyYAML.  ``tests/test_case_yaml.py`` compares
it with pure PyYAML on the real cases and on thousands of random ones.
"""
from __future__ import annotations

import re

import yaml

__all__ = ["emit_case"]

_WIDTH = 100  # best_width: yaml.dump(..., width=100)
_INDENT = 2  # best_indent: PyYAML's default
_MAX_DEPTH = 16  # nested mappings deeper than this are left to PyYAML
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"

# PyYAML's resolver picks candidate patterns by the value's first character (None: for any).
_WILDCARD = tuple(yaml.SafeDumper.yaml_implicit_resolvers.get(None, ()))
_RESOLVERS = {first: tuple(pairs) + _WILDCARD for first, pairs in yaml.SafeDumper.yaml_implicit_resolvers.items()}
_INF = float("inf")

# analyze_scalar with allow_unicode: every character outside these ranges is either a line
# break (\n, \x85, \u2028, \u2029) or a "special character" that forces double quotes
# (controls incl. \t \r \0, DEL, C1 controls, surrogates, \ufeff, \ufffe, \uffff, \U0010ffff).
_PRINTABLE = r"\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe"
_UNUSUAL = re.compile(f"[^{_PRINTABLE}]")  # anything that is not printable on one line
_UNUSUAL_BUT_LF = re.compile(f"[^\\n{_PRINTABLE}]")  # the same, allowing "\n"
# Block indicators and surrounding spaces that forbid the plain style of a one-line printable
# string (in such a string the only whitespace analyze_scalar can see is the space): ": ", a
# final ":" or " #" anywhere, a trailing space (tested with ``in``), and at the start: "-", "?"
# or ":" followed by a space or the end, an indicator character, "---", "..." or a space.
_BAD_START = re.compile(r"""[-?:](?: |\Z)|[#,\[\]{}&*!|>'"%@`]|---|\.\.\.| """)
_BAD_FIRST = "-?:#,[]{}&*!|>'\"%@`. "  # the first characters _BAD_START can match
_SPACES = re.compile(r"( +)")
# Keys this module writes: plain, and far below check_simple_key's limit (128 with the "!!str" tag).
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}\Z")
_PLAIN_KEYS: set[str] = set()


def _implicit_tag(value: str) -> str | None:
    """The tag PyYAML's resolver gives ``value`` written plain (None: it stays a str)."""
    for tag, regexp in _RESOLVERS.get(value[:1], _WILDCARD):
        if regexp.match(value):
            return tag
    return None


def _fold(text: str, column: int, indent: int) -> str:
    """``text`` (already quoted/escaped) as written from ``column``: write_plain / write_single_quoted folding.

    A run of exactly one space is replaced by a line break and ``indent`` spaces when the column
    after the preceding word is past the width; longer runs are written as they are, and so is a
    single space at the very start or end of the text (only possible inside quotes).
    """
    parts = _SPACES.split(text)  # word, spaces, word, ..., word (first/last word empty at an edge space)
    out = [parts[0]]
    column += len(parts[0])
    last = len(parts) - 2
    for i in range(1, len(parts), 2):
        spaces, word = parts[i], parts[i + 1]
        if column > _WIDTH and len(spaces) == 1 and (i != 1 or parts[0]) and (i != last or word):
            out.append("\n" + " " * indent)
            column = indent
        else:
            out.append(spaces)
            column += len(spaces)
        out.append(word)
        column += len(word)
    return "".join(out)


def _literal(value: str, indent: int) -> str | None:
    """A string with "\\n" in the literal block style, or None where PyYAML would not (or oddly) write one."""
    if _UNUSUAL_BUT_LF.search(value) or value[-1] == " " or " \n" in value:
        return None  # special characters, NEL/LS/PS, trailing space or space before a break: not "|"
    hints = str(_INDENT) if value[0] in " \n" else ""
    if value[-1] != "\n":
        hints += "-"
    elif len(value) == 1 or value[-2] == "\n":
        return None  # "|+" keeps trailing breaks and can end the stream with "..."
    pad = " " * indent
    body = "\n".join(pad + line if line else "" for line in value.split("\n"))
    return f" |{hints}\n{body}" + ("" if value[-1] == "\n" else "\n")


def _string(value: str, column: int, indent: int) -> str | None:
    """What follows a ``key:`` or ``-`` indicator that ends at ``column``, through the line break.

    ``indent`` is the scalar's own indentation (continuation lines of a folded or block scalar).
    """
    if not value:
        return " ''\n"
    # str.isprintable() is False for every character _UNUSUAL finds (categories Cc, Cf, Cs, Cn,
    # Zl, Zp) and faster; where it is False (say "\u3000" or "\n"), _UNUSUAL decides.
    if not (value.isprintable() or _UNUSUAL.search(value) is None):
        return _literal(value, indent) if "\n" in value else None
    if (": " in value or " #" in value or value[-1] in ": "
            or (value[0] in _BAD_FIRST and _BAD_START.match(value))
            or ((value[0] in _RESOLVERS or _WILDCARD) and _implicit_tag(value))):
        if "'" in value:
            value = value.replace("'", "''")
        if column + len(value) >= _WIDTH and " " in value:  # else no space can lie past the width
            value = _fold(value, column + 2, indent)
        return " '" + value + "'\n"
    if column + len(value) >= _WIDTH and " " in value:
        value = _fold(value, column + 1, indent)
    return " " + value + "\n"


def _scalar(value, column: int, indent: int) -> str | None:
    """Like :func:`_string`, for any scalar value; None for what is not one of the builtin scalars."""
    kind = type(value)
    if kind is str:
        return _string(value, column, indent)
    if kind is bool:
        return " true\n" if value else " false\n"
    if value is None:
        return " null\n"
    if kind is int:
        text = str(value)
        return f" {text}\n" if _implicit_tag(text) == _INT_TAG else None
    if kind is float:  # SafeRepresenter.represent_float
        if value != value:
            text = ".nan"
        elif value == _INF:
            text = ".inf"
        elif value == -_INF:
            text = "-.inf"
        else:
            text = repr(value).lower()
            if "." not in text and "e" in text:
                text = text.replace("e", ".0e", 1)
        return f" {text}\n" if _implicit_tag(text) == _FLOAT_TAG else None
    return None


def _plain_key(key: str) -> bool:
    """A key PyYAML writes plain and as a simple key (remembered, up to a bound)."""
    if not _KEY.match(key) or _implicit_tag(key) is not None:
        return False
    if len(_PLAIN_KEYS) < 1024:
        _PLAIN_KEYS.add(key)
    return True


def _mapping(data: dict, indent: int, out: list[str], seen: set[int]) -> bool:
    """Append the block mapping ``data`` at ``indent``; False where it leaves what this module proves."""
    if indent > _MAX_DEPTH * _INDENT:
        return False
    pad = " " * indent
    inner = indent + _INDENT
    for key, value in data.items():
        if type(key) is not str or (key not in _PLAIN_KEYS and not _plain_key(key)):
            return False
        kind = type(value)
        if kind is str:
            piece = _string(value, indent + len(key) + 1, inner)
        elif kind is dict or kind is list:
            if id(value) in seen:
                return False  # the same object twice: PyYAML writes an anchor and an alias
            seen.add(id(value))
            if not value:
                out.append(f"{pad}{key}: {{}}\n" if kind is dict else f"{pad}{key}: []\n")
                continue
            out.append(f"{pad}{key}:\n")
            if kind is dict:
                if not _mapping(value, inner, out, seen):
                    return False
                continue
            item_pad = pad + "-"  # an indentless sequence: "- " at the mapping's own indent
            column = indent + 1
            for item in value:
                piece = _string(item, column, inner) if type(item) is str else _scalar(item, column, inner)
                if piece is None:
                    return False
                out.append(item_pad + piece)
            continue
        else:
            piece = _scalar(value, indent + len(key) + 1, inner)
        if piece is None:
            return False
        out.append(pad + key + ":" + piece)
    return True


def emit_case(data: dict) -> str | None:
    """The YAML text PyYAML writes for the case mapping ``data``, or None to let PyYAML write it."""
    if type(data) is not dict or not data:
        return None
    out: list[str] = []
    if not _mapping(data, 0, out, {id(data)}):
        return None
    return "".join(out)
