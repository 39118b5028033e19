"""Practice sheets: deterministic, complete, well-formed, with real math; the PDF path for
real where a browser exists; the Anki export opened and checked."""
import re
import shutil
import sqlite3
import subprocess
import zipfile
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.render.sheets import find_browser

runner = CliRunner()


def _run(args):
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    return r


def test_same_arguments_same_sheet_byte_for_byte(tmp_path):
    for fmt in ("md", "html"):
        a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        _run(["sheet", "cnn", "rnn", "-n", "12", "--seed", "3", "--format", fmt, "-o", str(a)])
        _run(["sheet", "cnn", "rnn", "-n", "12", "--seed", "3", "--format", fmt, "-o", str(b)])
        assert a.read_bytes() == b.read_bytes()
        c = tmp_path / f"c.{fmt}"
        _run(["sheet", "cnn", "rnn", "-n", "12", "--seed", "4", "--format", fmt, "-o", str(c)])
        assert c.read_bytes() != a.read_bytes()


def test_markdown_has_every_question_and_answer_and_balanced_math(tmp_path):
    out = tmp_path / "s.md"
    _run(["sheet", "neuron", "cnn", "-n", "15", "--seed", "2", "-o", str(out)])
    text = out.read_text()
    body, key = text.split("## Answer key")
    numbers = re.findall(r"^\*\*(\d+)\.\*\*", body, re.M)
    assert numbers == [str(i) for i in range(1, 16)]
    # the compact key: an answer grid for the objective items, then worked solutions
    in_grid = re.findall(r"\*\*(\d+)\.\*\*", "\n".join(ln for ln in key.splitlines() if ln.startswith("| ")))
    solved = re.findall(r"^\*\*(\d+)\.\*\*", key, re.M)
    assert sorted(in_grid + solved, key=int) == numbers and in_grid and solved
    assert "quizcli sheet neuron cnn -n 15 --seed 2" in body and "Name:" in body
    for line in text.splitlines():
        assert line.count("$") % 2 == 0, line  # every $ opens and closes on its line


class _Checker(HTMLParser):
    VOID = {"br", "meta", "hr", "img", "link", "input", "mspace", "none", "mprescripts"}

    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.math = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "math":
            self.math += 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag == "math":
            self.math += 1

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append((tag, list(self.stack[-3:])))
        else:
            self.stack.pop()


def test_html_is_well_formed_self_contained_and_has_mathml(tmp_path):
    out = tmp_path / "s.html"
    _run(["sheet", "neuron", "cnn", "training", "-n", "20", "--seed", "1", "--format", "html", "-o", str(out)])
    doc = out.read_text()
    p = _Checker()
    p.feed(doc)
    assert p.errors == [] and p.stack == []
    assert p.math > 0
    assert "http://" not in doc.replace("http://www.w3.org/1998/Math/MathML", "") and "https://" not in doc
    assert "@page" in doc and "page-break-before: always" in doc and "break-inside: avoid" in doc
    assert len(re.findall(r'id="q\d+"', doc)) == 20 and len(re.findall(r'id="a\d+"', doc)) == 20


def test_answers_separate_and_versions(tmp_path):
    out = tmp_path / "w.md"
    _run(["sheet", "cnn", "-n", "5", "--seed", "7", "--answers", "separate", "-o", str(out)])
    assert "Answer key" not in out.read_text() and "Answer key" in (tmp_path / "w-key.md").read_text()
    out = tmp_path / "class.html"
    _run(["sheet", "cnn", "-n", "5", "--seed", "10", "--versions", "3", "--format", "html", "-o", str(out)])
    files = sorted(p.name for p in tmp_path.glob("class*.html"))
    # --versions is --forms: forms A, B, C of one structure, a key each, one combined key
    assert files == ["class-A-key.html", "class-A.html", "class-B-key.html", "class-B.html",
                     "class-C-key.html", "class-C.html", "class-key.html"]
    key = (tmp_path / "class-key.html").read_text()
    assert all(f"Form {v}" in key for v in "ABC")
    assert "--seed 10 --forms 3" in (tmp_path / "class-C.html").read_text()


def test_chinese_sheet(tmp_path):
    out = tmp_path / "zh.md"
    _run(["--lang", "zh", "sheet", "cnn", "-n", "4", "--seed", "1", "-o", str(out)])
    text = out.read_text()
    assert "姓名" in text and "参考答案" in text


def test_pdf_without_a_browser_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr("quizcli.render.sheets.find_browser", lambda: None)
    r = runner.invoke(app, ["sheet", "cnn", "--format", "pdf", "-o", str(tmp_path / "x.pdf")])
    assert r.exit_code == 1 and "chromium" in r.output and "--format html" in r.output


@pytest.mark.skipif(find_browser() is None, reason="no Chromium installed (CI installs it: see .ci/run)")
@pytest.mark.slow  # a real browser or an exhaustive sweep: the fast run keeps under two minutes
def test_pdf_is_printed_for_real(tmp_path):
    out = tmp_path / "s.pdf"
    _run(["sheet", "cnn", "-n", "6", "--seed", "3", "--format", "pdf", "-o", str(out)])
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
        assert "Answer key" in text and "Practice sheet" in text


def test_anki_export_opens_with_the_notes(tmp_path):
    out = tmp_path / "deck.apkg"
    r = _run(["export", "anki", "cnn", "-o", str(out)])
    n = int(re.search(r"(\d+) notes", r.output).group(1))
    assert n > 0
    with zipfile.ZipFile(out) as z:
        z.extract("collection.anki2", tmp_path)
    db = sqlite3.connect(tmp_path / "collection.anki2")
    notes = db.execute("SELECT flds, tags FROM notes").fetchall()
    assert len(notes) == n
    assert all("quizcli::cnn" in tags for _, tags in notes)
    assert all("quizcli explain" in flds for flds, _ in notes)
    assert any(re.search(r"[\u4e00-\u9fff]", flds) for flds, _ in notes)  # both languages
