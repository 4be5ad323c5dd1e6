"""The committed case library validates, is cited and covers what the README claims."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from qingfeng.cases import load_library, summarise
from qingfeng.cases.library import dump_case
from qingfeng.risk import CATEGORY_NAMES, SITUATIONS, Level

REPO = Path(__file__).resolve().parents[1]
RECORDS = REPO.parent / "shared" / "cases" / "records.jsonl"


@pytest.fixture(scope="module")
def library():
    return load_library(REPO / "risk_case_library" / "cases")


def test_library_validates(library):
    assert library.problems == []


def test_at_least_sixty_cases_covering_every_category_and_level(library):
    s = summarise(library.cases)
    assert s.total >= 60
    assert s.missing() == []
    assert all(s.primary.get(c, 0) >= 3 for c in CATEGORY_NAMES), s.primary
    assert all(s.levels.get(lv, 0) >= 5 for lv in Level), s.levels


def test_readme_counts_match_the_library(library):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    s = summarise(library.cases)
    assert f"共 {s.total} 个案例" in readme
    for c in CATEGORY_NAMES:
        assert f"| {c} | {s.primary.get(c, 0)} | {s.any_category.get(c, 0)} |" in readme
    for lv in Level:
        assert f"| {lv.label} | {s.levels.get(lv, 0)} |" in readme
    for sit in SITUATIONS:
        assert re.search(rf"\| {sit.name}（[^|]*） \| {s.situations.get(sit.name, 0)} \|", readme), sit.name


def test_readme_lists_every_case_whose_level_changed_in_the_regrade(library):
    """The regrade against 000 §九 / 002 评定标准 is listed in the README (case id → its new level)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("等级有变的"):readme.index("培训师的 Excel 流程")]
    listed = set(re.findall(r"(?:CCDI-\d{8}-\d{2}|PG-\d{3}|S00\d-\d{2})", section))
    assert len(listed - {"PG-011", "PG-012"}) == int(re.search(r"等级有变的 (\d+) 个", section).group(1))
    for cid in listed - {"PG-011", "PG-012"}:
        assert cid in {c.id for c in library.cases}, cid


@pytest.mark.skipif(not RECORDS.is_file(), reason="shared/cases not beside the repository")
def test_cases_built_from_records_cite_the_record_source(library):
    records = {r["id"]: r for r in map(json.loads, RECORDS.read_text(encoding="utf-8").splitlines())}
    for case in library.cases:
        if case.source.kind == "网页":
            assert case.source.record in records, case.id
            assert case.source.ref == records[case.source.record]["source"], case.id


@pytest.mark.skipif(not RECORDS.is_file(), reason="shared/cases not beside the repository")
def test_facts_are_in_our_own_words_not_the_excerpt(library):
    records = {r["id"]: r for r in map(json.loads, RECORDS.read_text(encoding="utf-8").splitlines())}
    for case in library.cases:
        rec = records.get(case.source.record)
        if rec:
            excerpt = re.sub(r"\s", "", rec["source_excerpt"])
            facts = re.sub(r"\s", "", case.facts)
            # no run of 40 characters copied verbatim from the excerpt
            assert not any(facts[i:i + 40] in excerpt for i in range(0, max(1, len(facts) - 40))), case.id


def test_every_case_file_is_plain_yaml_with_schema_version(library):
    for path in (REPO / "risk_case_library" / "cases").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["schema_version"] == 1


@pytest.mark.skipif(not RECORDS.is_file(), reason="shared/cases not beside the repository")
def test_quoted_text_in_reasoning_is_verbatim_from_a_seed_or_the_record(library):
    """Quote only verbatim text (e.g. 000 七 “因亲情请托等情节”, not “碍于亲情”); short terms such as “围猎” excepted."""
    from qingfeng.chinese_text import to_simplified
    from qingfeng.sources import SEEDS

    def norm(t: str) -> str:
        return re.sub(r"[\s,，、。；;:：()（）]", "", to_simplified(t))

    seeds_dir = REPO.parent / "shared" / "seeds"
    seeds = norm("".join((seeds_dir / s.filename).read_text(encoding="utf-8") for s in SEEDS.values()))
    records = {r["id"]: r for r in map(json.loads, RECORDS.read_text(encoding="utf-8").splitlines())}
    named = {"以文件落实文件", "无公函不接待"}  # a named phenomenon or rule, not a quotation of a source
    for case in library.cases:
        excerpt = norm(records.get(case.source.record, {}).get("source_excerpt", ""))
        for q in re.findall(r"“([^”]+)”", case.annotation.reasoning):
            k = norm(q)
            assert k in seeds or k in excerpt or len(k) <= 4 or q in named, (case.id, q)


def _pyyaml_text(case) -> str:
    """What the pure-Python PyYAML emitter writes: the files' format before the C emitter was used."""
    import yaml

    from qingfeng.cases.library import _Dumper

    return yaml.dump(case.to_dict(), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def test_case_files_are_written_byte_for_byte_as_before(library):
    """dump_case uses libyaml where it agrees with PyYAML: every stored case reads back as its own file."""
    for case in library.cases:
        text = library.files[case.id].read_text(encoding="utf-8")
        assert dump_case(case) == _pyyaml_text(case) == text, case.id


@pytest.mark.parametrize("text", [
    "含\\反斜杠", "“引号”与 \"ASCII 引号\"：冒号 # 井号", "  前导空格", "行尾空格 ", "制表\t符", "\x85下一行\u2028分隔",
    "😀" * 40 + " 长" * 80, "多行\n第二行\n", "\n", "yes", "123", "", "- 破折号开头", "'单引号'", "…" * 120,
])
def test_unusual_text_is_written_as_pyyaml_writes_it(library, text):
    import copy

    case = copy.deepcopy(library.cases[0])
    case.title = case.facts = case.annotation.reasoning = text
    case.annotation.categories = [text, *case.annotation.categories]
    assert dump_case(case) == _pyyaml_text(case)
