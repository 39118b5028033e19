"""`quizcli class report`: facility, discrimination (point-biserial with the student's total,
and the upper–lower 27 % index), concepts, family misconceptions and parameter buckets,
checked against figures worked out by hand for five synthetic students.

The definitions follow Moodle's quiz statistics report (facility index, discrimination) and
the classical 27 % upper–lower index (Kelley 1939); the numbers below are our own worked
example."""
import json
import math

from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.study import classreport

runner = CliRunner()


def _line(item, card, correct, concepts, misconception=None, ts="2026-11-01T10:00:00+00:00", kind="choice", topic="cnn"):
    return json.dumps({"ts": ts, "item": item, "card": card, "kind": kind, "topic": topic, "concepts": concepts,
                       "answer": "x", "correct": correct, "rating": "good" if correct else "again", "seconds": 5.0,
                       "misconception": misconception, "expected": "y", "mode": "drill"})


A, B = ("q.a", ["concept_a"]), ("q.b", ["concept_a", "concept_b"])
FAM = ["conv_output_size", "stride", "padding", "dilated_conv"]
# conv_output seeds: 4 has stride 1, padding 0; 7 stride 1, padding 1; 9 stride 3, padding 1; 1 stride 2, padding 0
STUDENTS = {
    "s1": [(A, True), (B, True), (("conv_output:4", FAM), True)],
    "s2": [(A, True), (B, False), (("conv_output:7", FAM), True)],
    "s3": [(A, True), (B, True), (("conv_output:9", FAM), False, "forgot_plus_one")],
    "s4": [(A, False), (B, True), (("conv_output:1", FAM), False, "forgot_plus_one"),
           (("conv_output:1", FAM), False, "no_padding", "2026-11-02T10:00:00+00:00")],  # a retry: not the first answer
    "s5": [(A, False), (B, False)],
}


def _write(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    for name, rows in STUDENTS.items():
        lines = []
        for row in rows:
            (item, concepts), correct = row[0], row[1]
            mis = row[2] if len(row) > 2 else None
            ts = row[3] if len(row) > 3 else "2026-11-01T10:00:00+00:00"
            fam = ":" in item
            card = "family:" + item.split(":")[0] if fam else item
            lines.append(_line(item, card, correct, concepts, mis, ts, kind="generated" if fam else "choice"))
        (folder / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_figures_match_the_hand_computation(tmp_path):
    folder = _write(tmp_path)
    r = runner.invoke(app, ["class", "report", str(folder), "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["students"] == 5
    items = {i["item"]: i for i in data["items"]}
    # totals (mean first-answer score): s1 3/3, s2 2/3, s3 2/3, s4 1/3, s5 0/2
    # item a: scores 1 1 1 0 0 → facility 3/5; against totals ×3 = 3 2 2 1 0:
    # Σdx·dy = 0.4·2.2 + 0.6·2.2 = 2.2, Σdx² = 1.2, Σdy² = 5.2 → r = 2.2/√6.24
    a = items["q.a"]
    assert a["answered"] == 5 and a["facility"] == 0.6
    assert math.isclose(a["discrimination"], 2.2 / math.sqrt(6.24), rel_tol=1e-9)  # 0.8807
    assert a["upper_lower"] == 1.0  # 27 % of 5 → 1 student each: s1 (right) minus s5 (wrong)
    assert a["flags"] == []
    # item b: scores 1 0 1 1 0: Σdx·dy = 1.2 → r = 1.2/√6.24 = 0.4804
    b = items["q.b"]
    assert math.isclose(b["discrimination"], 1.2 / math.sqrt(6.24), rel_tol=1e-9)
    # the family: first answers s1 1, s2 1, s3 0, s4 0 (s4's retry does not count); totals ×3 = 3 2 2 1
    c = items["family:conv_output"]
    assert c["answered"] == 4 and c["facility"] == 0.5
    assert math.isclose(c["discrimination"], 1 / math.sqrt(2), rel_tol=1e-9)
    concepts = {x["concept"]: x for x in data["concepts"]}
    assert concepts["concept_a"]["facility"] == 0.6 and concepts["concept_a"]["answered"] == 5  # 6 of 10 answers
    assert concepts["concept_b"]["facility"] == 0.6
    fam = {f["family"]: f for f in data["families"]}["conv_output"]
    assert fam["misconceptions"] == [{"id": "forgot_plus_one", "count": 2}, {"id": "no_padding", "count": 1}]
    buckets = {x["bucket"]: (x["answered"], x["facility"]) for x in fam["buckets"]}
    assert buckets["stride = 1"] == (2, 1.0) and buckets["stride > 1"] == (2, 0.0)
    assert buckets["padding = 0"] == (2, 0.5) and buckets["padding > 0"] == (2, 0.5)


def test_flags_easy_and_low_discrimination(tmp_path):
    folder = tmp_path / "e"
    folder.mkdir()
    rows = {"u1": [("d", True), ("e", True), ("f", False), ("g", False)],
            "u2": [("d", True), ("e", False), ("f", True), ("g", True)],
            "u3": [("d", True), ("e", False), ("f", True), ("g", True)]}
    for name, answers in rows.items():
        (folder / f"{name}.jsonl").write_text("\n".join(_line(i, i, c, ["k"]) for i, c in answers) + "\n")
    data = classreport.build([folder])
    items = {i["item"]: i for i in data["items"]}
    assert items["d"]["facility"] == 1.0 and items["d"]["discrimination"] is None and items["d"]["flags"] == ["easy"]
    # e is right only for the weakest student: totals 2/4, 3/4, 3/4 → r = −1
    assert math.isclose(items["e"]["discrimination"], -1.0) and "low discrimination" in items["e"]["flags"]


def test_terminal_and_html_faces(tmp_path):
    folder = _write(tmp_path)
    r = runner.invoke(app, ["class", "report", str(folder)])
    assert r.exit_code == 0 and "family:conv_output" in r.output and "60 %" in r.output
    out = tmp_path / "r.html"
    r = runner.invoke(app, ["--lang", "zh", "class", "report", str(folder), "--format", "html", "-o", str(out)])
    assert r.exit_code == 0, r.output
    doc = out.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in doc and 'class="bar"' in doc and "正确率" in doc


def test_bad_input_says_which_file(tmp_path):
    bad = tmp_path / "x.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    r = runner.invoke(app, ["class", "report", str(bad)])
    assert r.exit_code == 1 and "x.jsonl" in r.output and "line 1" in r.output
    r = runner.invoke(app, ["class", "report", str(tmp_path / "missing")])
    assert r.exit_code == 1 and "no such file" in r.output
