"""The direct case writer (qingfeng.cases.case_yaml) writes exactly what pure PyYAML writes, or declines."""
from __future__ import annotations

import copy
import random
import re
from pathlib import Path

import pytest
import yaml

from qingfeng.cases import case_yaml
from qingfeng.cases.case_yaml import emit_case
from qingfeng.cases.library import _Dumper, dump_case, load_library
from qingfeng.cases.model import case_from_dict

REPO = Path(__file__).resolve().parents[1]


def pyyaml(data: dict) -> str:
    """The reference: the pure-Python PyYAML emitter with the case files' settings."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


@pytest.fixture(scope="module")
def library():
    lib = load_library(REPO / "risk_case_library" / "cases")
    assert lib.cases
    return lib


def test_every_real_case_takes_the_fast_path_byte_for_byte(library):
    fast = 0
    for case in library.cases:
        data = case.to_dict()
        text = emit_case(data)
        if text is not None:
            assert text == pyyaml(data), case.id
            assert text == library.files[case.id].read_text(encoding="utf-8"), case.id
            fast += 1
    assert fast == len(library.cases) == 84


# --- targeted cases ------------------------------------------------------------------------------

def _with(library, **changes) -> dict:
    data = copy.deepcopy(library.cases[0].to_dict())
    for path, value in changes.items():
        *outer, last = path.split("__")
        target = data
        for key in outer:
            target = target[key]
        target[last] = value
    return data


def _same(data: dict) -> str:
    text = emit_case(data)
    assert text is not None
    assert text == pyyaml(data)
    return text


@pytest.mark.parametrize("first_word, folds", [(93, False), (94, True), (95, True)])
def test_plain_folds_only_after_column_100(library, first_word, folds):
    # "title: " ends at column 7: a 93-character word ends at column 100 (no fold), 94 at 101 (fold).
    value = "风" * first_word + " 尾巴"
    text = _same(_with(library, title=value))
    expected = "title: " + "风" * first_word + ("\n  尾巴\n" if folds else " 尾巴\n")
    assert expected in text


def test_nested_plain_folds_at_the_nested_indent(library):
    # "  reasoning: " ends at column 13; continuation lines are indented by 4.
    value = "理" * 88 + " 由" + " 再" * 3
    text = _same(_with(library, annotation__reasoning=value))
    assert "  reasoning: " + "理" * 88 + "\n    由 再 再 再\n" in text
    assert "  reasoning: " + "理" * 87 + " 由" in _same(_with(library, annotation__reasoning="理" * 87 + " 由"))


def test_list_items_fold_at_the_item_indent(library):
    # "  - " ends at column 4: a 97-character word ends at column 101 and folds, indented by 4.
    text = _same(_with(library, annotation__categories=["类" * 97 + " 别", "类" * 96 + " 别"]))
    assert "  - " + "类" * 97 + "\n    别\n" in text
    assert "  - " + "类" * 96 + " 别\n" in text


def test_a_long_word_and_several_spaces_never_fold(library):
    long_word, two_spaces, two_words = "长" * 300, "长" * 120 + "  两个空格", "长" * 120 + " 一 " + "长" * 3
    text = _same(_with(library, facts=long_word, disposal=two_spaces, post=two_words))
    assert "facts: " + "长" * 300 + "\n" in text
    assert "disposal: " + "长" * 120 + "  两个空格\n" in text
    assert "post: " + "长" * 120 + "\n  一 " + "长" * 3 + "\n" in text  # the second space is back at column 3


def test_single_quoted_text_folds_except_at_its_edges(library):
    text = _same(_with(library, title="'" + "引" * 100 + " 号'", region=" " + "前" * 120 + " ", date="2022-09-05"))
    assert "title: '''" + "引" * 100 + "\n  号'''\n" in text
    assert "region: ' " + "前" * 120 + " '\n" in text
    assert "date: '2022-09-05'\n" in text


def test_multiline_text_is_a_literal_block(library):
    text = _same(_with(library, facts="第一行\n\n 第三行", annotation__reasoning=" 前导\n第二行\n"))
    assert "facts: |-\n  第一行\n\n   第三行\n" in text
    assert "  reasoning: |2\n     前导\n    第二行\n" in text


@pytest.mark.parametrize("amount", [None, 0, 6480, -3, 10**30, 7315.2, -0.0, 0.1 + 0.2, 1e17, 1e-5, 2.5e-300,
                                    float("inf"), -float("inf"), float("nan")])
def test_numbers_are_spelled_as_the_representer_spells_them(library, amount):
    text = _same(_with(library, amount_yuan=amount, source__reprint=True))
    assert "  reprint: true\n" in text


@pytest.mark.parametrize("value", ["a\n\n", "\n", "a \nb", "a\nb ", "a\tb", "a\x85b", "a\u2028b", "\ufeffa", "x\x00",
                                   "a\ud800b"])  # the lone surrogate also stops libyaml: PyYAML writes it
def test_what_is_left_to_pyyaml(library, value):
    assert emit_case(_with(library, title=value)) is None
    case = case_from_dict(_with(library, title=value))
    assert dump_case(case) == pyyaml(case.to_dict())


def test_shared_lists_and_unusual_keys_are_left_to_pyyaml(library):
    shared = ["共", "享"]
    for extra in ({"x_a": shared, "x_b": shared}, {"yes": 1}, {"a key": 1}, {3: "int key"}, {"x": [[1]]}, {"x": [{}]}):
        data = {**_with(library), **extra}
        assert emit_case(data) is None, extra
        if all(type(k) is str for k in extra):
            case = case_from_dict(data)
            assert dump_case(case) == pyyaml(case.to_dict()), extra


# --- differential fuzz -------------------------------------------------------------------------

CJK = "".join(map(chr, range(0x4E00, 0x4F00))) + "风险防控廉政党纪处分监督审批采购资金"
ASCII = "abcdexyzYyNnTtFfOoE0123456789"
PUNCT = "-+.:#'\"!&*|>%@`?,[]{}~=<\\/_"
WIDE = "，。：；（）“”、　＃！？"
EMOJI = "😀🚀🀄"
LINE_BREAKS = "\n"
SPECIAL = "\t\r\x85\u2028\u2029\ufeff\x00\x7f\x1b\ud800\U0010ffff"
LOOKALIKES = [
    "1", "-3", "+7", "0", "00", "0x1f", "0o17", "0b101", "1_000", "1,000", "1.5", "-1.5", "1e3", "1.0e+3", ".5", ".inf",
    "-.inf", ".NaN", ".nan", "yes", "No", "ON", "off", "y", "n", "Y", "N", "true", "False", "TRUE", "~", "null", "Null",
    "NULL", "", "2022-09-05", "2022-09-05 10:00:00", "2022-9-5", "2022-09-05T10:00:00Z", "190:20:30", "<<", "=", "---",
    "...", "--- a", "... a", "- a", "-a", "-", "? x", "?x", "?", ":", ":x", "x:", "a: b", "a:b", "a #b", "a#b", "#a",
    "'a'", "\"a\"", "12:30", "M20-1", "CCDI-20220905-02", "https://www.ccdi.gov.cn/a/b_1.html?x=1#y", "@a", "`a", "%a",
    "!a", "&a", "*a", "|a", ">a", "[a", "]a", "{a", "}a", ",a", "a,", "a[b]", "a{b}", "a?", "a ?b",
    " ", "  ", "x ", " x",
]


def random_text(rng: random.Random, clean: bool) -> str:
    if rng.random() < 0.2:
        word = rng.choice(LOOKALIKES)
        if rng.random() < 0.7:
            return word
        return word + rng.choice(["", " ", "风", " 风", ":", "\n"]) + rng.choice(LOOKALIKES)
    length = rng.choice([rng.randrange(0, 401), rng.randrange(85, 125), rng.randrange(0, 12)])
    pools = [(CJK, 50), (" ", 10), (ASCII, 12), (PUNCT, 10), (WIDE, 5), (EMOJI, 2), ("  ", 2), ("'", 2)]
    if clean:  # printable text, now and then on several lines
        if rng.random() < 0.04:
            pools.append((LINE_BREAKS, 2))
    else:
        pools += [(LINE_BREAKS, 3), (SPECIAL, 3)]
    weights = [w for _, w in pools]
    return "".join(rng.choice(rng.choices(pools, weights)[0][0]) for _ in range(length))[:length]


def random_key(rng: random.Random) -> str:
    if rng.random() < 0.03:
        return rng.choice(["yes", "null", "a key", "-x", "on", "x" * 70])
    return "x_" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz_0123456789") for _ in range(rng.randrange(0, 30)))


def random_value(rng: random.Random, clean: bool, depth: int):
    roll = rng.random()
    if roll < 0.55:
        return random_text(rng, clean)
    if roll < 0.7:
        return [random_text(rng, clean) for _ in range(rng.randrange(0, 4))]
    if roll < 0.8 and depth < 3:
        return {random_key(rng): random_value(rng, clean, depth + 1) for _ in range(rng.randrange(0, 4))}
    return rng.choice([None, True, False, 0, -3, 12, 10**30, 1.5, 7315.2, -0.0, 1e17, 1e-5, float("inf"),
                       -float("inf"), float("nan"), 2.5e-300, [], {}])


def random_case(rng: random.Random, real: list[dict]) -> dict:
    data = copy.deepcopy(rng.choice(real))
    clean = rng.random() < 0.7
    change = rng.choice([0.1, 0.4, 1.0])

    def text(old):
        return random_text(rng, clean) if rng.random() < change else old

    for key in ("id", "title", "date", "region", "unit_type", "post", "facts", "disposal", "disposal_kind"):
        data[key] = text(data[key])
    if rng.random() < 0.3:
        data["amount_yuan"] = rng.choice([None, 0, 6480, -3, 7315.2, 1e17, 1e-5, float("inf"), 0.1 + 0.2])
    for key in ("kind", "ref", "record", "passage"):
        data["source"][key] = text(data["source"][key])
    data["source"]["reprint"] = rng.random() < 0.5
    ann = data["annotation"]
    for key in ("level", "reasoning", "risk_point", "warning", "situation"):
        ann[key] = text(ann[key])
    for key in ("categories", "prevention_measures"):
        ann[key] = [text(v) for v in ann[key]] + [random_text(rng, clean) for _ in range(rng.randrange(0, 3))]
        if rng.random() < 0.05:
            ann[key] = []
    ann["factors"] = {k: text(v) for k, v in ann["factors"].items()}
    for _ in range(rng.choice([0, 0, 0, 1, 3])):
        data[random_key(rng)] = random_value(rng, clean, 0)
    if rng.random() < 0.01:
        shared = [random_text(rng, clean)]
        data["x_first"], data["x_second"] = shared, shared
    return data


def test_differential_fuzz_against_pure_pyyaml(library, monkeypatch):
    folds = []
    fold = case_yaml._fold

    def counting_fold(text, column, indent):
        out = fold(text, column, indent)
        folds.append(out != text)
        return out

    monkeypatch.setattr(case_yaml, "_fold", counting_fold)
    rng = random.Random(20220905)
    real = [case.to_dict() for case in library.cases]
    total = 2000
    fast = folded = literal = quoted = 0
    for n in range(total):
        data = random_case(rng, real)
        expected = pyyaml(data)
        folds.clear()
        text = emit_case(data)
        if text is not None:
            assert text == expected, (n, data)
            fast += 1
            folded += any(folds)
            literal += bool(re.search(r"(?m)[:-] \|", text))
            quoted += bool(re.search(r"(?m)[:-] '.*'' ", text))
        case = case_from_dict(data)
        again = case.to_dict()
        assert dump_case(case) == (expected if again == data else pyyaml(again)), n
    # The fast path must carry real weight, including its folding, literal-block and quoting rules.
    print(f"fuzz: {fast}/{total} fast, {folded} folded, {literal} literal blocks, {quoted} quoted with ''")
    assert fast >= total * 0.3, fast
    assert folded >= 200 and literal >= 100 and quoted >= 100, (folded, literal, quoted)
