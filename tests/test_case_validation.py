"""Validation names the file, the field and what is wrong, in Chinese."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from qingfeng.cases import load_library

REPO = Path(__file__).resolve().parents[1]
BASE = yaml.safe_load((REPO / "risk_case_library" / "cases" / "S004-01.yaml").read_text(encoding="utf-8"))


def write(folder: Path, data, name="S004-01.yaml"):
    folder.mkdir(parents=True, exist_ok=True)
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    (folder / name).write_text(text, encoding="utf-8")


def mutate(**changes):
    d = copy.deepcopy(BASE)
    for dotted, value in changes.items():
        target = d
        *path, last = dotted.split("__")
        for p in path:
            target = target[p]
        if value is KeyError:
            del target[last]
        else:
            target[last] = value
    return d


def problems(tmp_path, data, name="S004-01.yaml"):
    write(tmp_path, data, name)
    return [str(p) for p in load_library(tmp_path).problems]


def test_the_example_is_valid(tmp_path):
    assert problems(tmp_path, BASE) == []


@pytest.mark.parametrize("changes,field,fragment", [
    (dict(schema_version=2), "schema_version", "不受支持"),
    (dict(id="s004 01"), "id", "格式不对"),
    (dict(title=""), "title", "标题不能为空"),
    (dict(facts="太短了"), "facts", "事实经过太短"),
    (dict(disposal_kind="罚款"), "disposal_kind", "不是可用的处置类别"),
    (dict(date="2023年"), "date", "格式不对"),
    (dict(amount_yuan=-5), "amount_yuan", "不小于 0"),
    (dict(source__kind="报纸"), "source.kind", "不是可用的来源类型"),
    (dict(source__ref=""), "source.ref", "没有注明来源"),
    (dict(source__ref="not-a-seed.txt"), "source.ref", "不是种子文档的文件名"),
    (dict(source__passage=""), "source.passage", "写明出处段落"),
    (dict(source__kind="网页", source__ref="ftp://x"), "source.ref", "不是有效网址"),
    (dict(source__kind="网页", source__ref="http://2021my.com/a.htm"), "source.reprint", "转载"),
    (dict(annotation__categories=[]), "annotation.categories", "至少标注一类风险"),
    (dict(annotation__categories=["经济风险"]), "annotation.categories", "不是五类廉政风险之一"),
    (dict(annotation__categories=["业务流程风险", "业务流程"]), "annotation.categories", "重复"),
    (dict(annotation__level="五级"), "annotation.level", "无法识别"),
    (dict(annotation__level="二级", annotation__warning="橙"), "annotation.level", "按所填因素评定应为一级（高）"),
    (dict(annotation__factors__harm="极高"), "annotation.factors", "危害程度的取值“极高”无法识别"),
    (dict(annotation__factors__power=KeyError), "annotation.factors", "缺少因素“权力重要程度”"),
    # 001 第二十八条(一)至(三): a 苗头 gets the colour of its level; S004-01 is 一级
    (dict(disposal_kind="批评教育", annotation__situation="苗头预警", annotation__warning="橙"), "annotation.warning", "对应红色预警"),
    (dict(disposal_kind="批评教育", annotation__situation="苗头预警", annotation__warning="紫"), "annotation.warning", "预警颜色“紫”无法识别"),
    # 001 第二十六条: warnings are for 苗头性、倾向性问题, not for a graded risk point (第十四条)
    (dict(annotation__warning="红"), "annotation.warning", "预警颜色应留空"),
    # 001 第二十八条(四): a sanction means a violation already established
    (dict(disposal_kind="党纪轻处分"), "annotation.situation", "属于“违纪违法移送”"),
    (dict(annotation__situation="随便"), "annotation.situation", "无法识别"),
    # 000 §九: the 思想道德 prong must be stated in every case file
    (dict(annotation__factors__moral=KeyError), "annotation.factors", "缺少因素“思想道德方面问题的突出程度”"),
    (dict(annotation__prevention_measures=[]), "annotation.prevention_measures", "至少列出一条"),
    (dict(annotation__prevention_measures=["M99-1"]), "annotation.prevention_measures", "未知的防控措施编号"),
    (dict(annotation__prevention_measures=["M19-1"]), "annotation.prevention_measures", "没有一条属于所标注的风险类别"),
    (dict(annotation__risk_point=""), "annotation.risk_point", "没有写风险点"),
    (dict(annotation__reasoning="高"), "annotation.reasoning", "太短"),
])
def test_each_rule_names_file_and_field(tmp_path, changes, field, fragment):
    found = problems(tmp_path, mutate(**changes))
    assert any(p.startswith("S004-01.yaml：") and f"字段“{field}”" in p and fragment in p for p in found), found


def test_broken_yaml_reports_the_line(tmp_path):
    found = problems(tmp_path, "id: [unclosed\ntitle: x\n")
    assert found and "YAML 格式错误第" in found[0]


def test_non_mapping_and_wrong_shapes(tmp_path):
    assert "不是一个键值映射" in problems(tmp_path, "- a\n- b\n")[0]
    found = problems(tmp_path, mutate(annotation__categories="业务流程风险"))
    assert any("应为列表" in p for p in found)


def test_file_name_must_match_id(tmp_path):
    found = problems(tmp_path, BASE, name="S004-99.yaml")
    assert any("文件名应与编号一致" in p for p in found)


def test_duplicate_source_and_post_is_detected(tmp_path):
    other = mutate(id="S004-99")
    write(tmp_path, BASE)
    write(tmp_path, other, "S004-99.yaml")
    found = [str(p) for p in load_library(tmp_path).problems]
    assert any("疑似重复案例" in p for p in found)


def test_unknown_keys_are_kept(tmp_path):
    data = mutate()
    data["trainer_note"] = "保留"
    write(tmp_path, data)
    lib = load_library(tmp_path)
    assert lib.cases[0].to_dict()["trainer_note"] == "保留"


def test_traditional_characters_are_flagged(tmp_path):
    found = problems(tmp_path, mutate(title="社保經辦人一人即可完成補填"))
    assert any("字段“title”" in p and "含繁体字" in p for p in found)
