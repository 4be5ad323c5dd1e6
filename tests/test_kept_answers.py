"""Paper candidates' kept answers: lines joined from cached fragments are exactly what json.dumps would write."""
from __future__ import annotations

import json

from qingfeng.exam.kept_answers import answer_line, fragment, line_of

VALUES = [
    {"YM-TK-01": ("人员伤亡", "", "经济\"损失\""), "YM-XZ-01": "A", "YM-PD-01": "√", "YM-JD-01": 4.0},
    {"YM-TK-01": ("人员伤亡", "", "经济\"损失\""), "YM-XZ-01": "a\\b\n\t", "YM-JD-01": -0.0, "YM-LS-01": 0.0},
    {"YM-XZ-01": "A", "YM-JD-01": 3.5, "YM-TK-02": ("\u0000控制", "😀")},
    {"YM-JD-01": 1e-07, "YM-JD-02": 12345678901234567.0, "YM-JD-03": float("nan"), "YM-JD-04": float("-inf"), "YM-JD-05": 1},
    {},
]


def test_lines_are_json_dumps_byte_for_byte():
    for n, values in enumerate(VALUES):
        student = f"p{n:02d}" if n else "张三\"1\""
        line = line_of(student, [fragment(k, v) for k, v in values.items()])
        assert line == answer_line(student, values)
        row = json.loads(line)
        assert row["student"] == student and list(row["values"]) == list(values)
    assert json.loads(line_of("p", [fragment("YM-JD-01", -0.0)]))["values"]["YM-JD-01"] == 0.0
    assert b"-0.0" in fragment("YM-JD-01", -0.0) and b"-0.0" not in fragment("YM-JD-01", 0.0)
