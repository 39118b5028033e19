"""Issue 18 (items 1, 7, 8): a shared bank cannot run script or read files in the printer;
the browser dies with its parent; "Wrote:" only for a file that really is the new one.

The attack strings are the ones of the issue report. Chromium is used for real where it is
installed (CI installs it, see .ci/run); a small fake browser (a shell script) stands in
where the test is about our side of the pipe: the sandbox retry, a browser that writes
nothing, Ctrl-C while it runs."""
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

import quizcli
from quizcli.core.models import Bank, Bilingual, Question, Topic
from quizcli.cli import app
from quizcli.render import htmlsafe
from quizcli.render import sheets as sh
from quizcli.render.htmlsafe import markup_in_text, mathml
from quizcli.study.items import Item

pytestmark = pytest.mark.slow  # drives a real Chromium

runner = CliRunner()
REPO = Path(quizcli.__file__).resolve().parents[1]
HAVE_CHROMIUM = sh.find_browser() is not None
HAVE_PDFTOTEXT = shutil.which("pdftotext") is not None
needs_chromium = pytest.mark.skipif(not HAVE_CHROMIUM, reason="no Chromium installed (CI installs it: see .ci/run)")
needs_pdftotext = pytest.mark.skipif(not HAVE_PDFTOTEXT, reason="pdftotext (poppler-utils) not installed")
posix_only = pytest.mark.skipif(os.name != "posix", reason="process groups and signals are POSIX")

SCRIPT = r"$\text{<script>document.write(1337*3)</script>}$"
IFRAME = r"$\text{<iframe src=file:///etc/hostname>}$"
IMG = r"$\text{<img src=x onerror=document.write(1337*3)>}$"
ATTACKS = (SCRIPT, IFRAME, IMG)


def _hostnames() -> set[str]:
    names = {socket.gethostname().strip()}
    try:
        names.add(Path("/etc/hostname").read_text().strip())
    except OSError:
        pass
    return {n for n in names if n}


# ----------------------------------------------------------------------------- helpers


class _Tree(HTMLParser):
    """Every element and attribute a browser would see, and the text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.text, self.events = Counter(), set(), [], []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        self.attrs.update((tag, k) for k, _ in attrs)
        self.events.append(("start", tag, tuple(sorted(attrs))))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.events.append(("end", tag))

    def handle_endtag(self, tag):
        self.events.append(("end", tag))

    def handle_data(self, data):
        self.text.append(data)
        if self.events and self.events[-1][0] == "data":
            self.events[-1] = ("data", self.events[-1][1] + data)
        else:
            self.events.append(("data", data))


def _tree(doc: str) -> _Tree:
    t = _Tree()
    t.feed(doc)
    t.close()
    return t


def _shown(t: _Tree) -> str:
    return "".join(t.text).replace("\xa0", " ")  # latex2mathml writes spaces in \text as no-break spaces


def _assert_inert(doc: str) -> None:
    """No element or attribute that can run script, frame or fetch anything."""
    low = doc.lower()
    for bad in ("<script", "<iframe", "<img", "<svg", "<object", "<embed"):
        assert bad not in low, bad
    t = _tree(doc)
    assert not {"script", "iframe", "img", "svg", "object", "embed", "a", "link", "base"} & set(t.tags)
    events = sorted(a for _, a in t.attrs if a.startswith("on") or a in ("href", "src", "srcdoc", "xlink:href", "action", "formaction"))
    assert events == [], events


TOPICS = """\
topics:
  - id: evil
    title: {en: Shared bank, zh: 共享题库}
"""


def _evil_bank(tmp_path: Path) -> Path:
    d = tmp_path / "bank"
    d.mkdir()
    (d / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    qs = []
    for j, attack in enumerate(ATTACKS, 1):
        qs.append(textwrap.dedent(f"""\
          - id: evil.q{j}
            type: short
            concepts: [evil_c]
            prompt: {{en: 'Explain {attack} now.', zh: '请解释 {attack}。'}}
            answer: {{en: 'Answer {attack}.', zh: '答案 {attack}。'}}
            key_points:
              - {{en: 'point {attack}', zh: '要点 {attack}'}}
            explanation: {{en: 'Because {attack}.', zh: '因为 {attack}。'}}
        """))
    (d / "evil.yaml").write_text(
        "topic: evil\nconcepts:\n  - id: evil_c\n    title: {en: Evil, zh: 恶意}\n"
        "    summary: {en: A concept., zh: 一个概念。}\n    body: {en: 'Body.', zh: '正文。'}\n"
        "    key_points:\n      - {en: point, zh: 要点}\nquestions:\n" + textwrap.indent("".join(qs), ""),
        encoding="utf-8")
    return d


def _evil_questions() -> list[Question]:
    """The same questions built directly (no loader), for the rendering side alone."""
    out = []
    for j, attack in enumerate(ATTACKS, 1):
        out.append(Question(
            id=f"evil.q{j}", topic="evil", type="short", concepts=("evil_c",),
            prompt=Bilingual(f"Explain {attack} now.", f"请解释 {attack}。"),
            explanation=Bilingual(f"Because {attack}.", f"因为 {attack}。"),
            answer=Bilingual(f"Answer {attack}.", f"答案 {attack}。"),
            key_points=(Bilingual(f"point {attack}", f"要点 {attack}"),)))
    return out


def _evil_sheet(lang: str = "en") -> sh.Sheet:
    items = tuple(Item(id=q.id, kind=q.type, topic=q.topic, concepts=q.concepts, question=q) for q in _evil_questions())
    return sh.Sheet(title="Shared bank", topics=("evil",), items=items, seed=1, command="quizcli sheet evil", lang=lang)


def _pdftext(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _out(r) -> str:
    return " ".join(r.output.split())  # rich wraps long messages


def _refused(r) -> bool:
    """The loader refused the bank because of its markup (issue 18: `bank check` refuses
    markup in text; once that lands, the bank never reaches the printer)."""
    return r.exit_code == 1 and "Traceback" not in _out(r) and re.search(r"markup|<script>|标记", _out(r)) is not None


# ----------------------------------------------------------------------------- the sanitizer


def test_sanitizer_turns_every_injection_into_visible_text():
    from latex2mathml.converter import convert

    cases = {
        SCRIPT: "<script>document.write(1337*3)</script>",
        IFRAME: "<iframe src=file:///etc/hostname>",
        IMG: "<img src=x onerror=document.write(1337*3)>",
        r"$\text{<svg/onload=alert(1)>}x$": "<svg/onload=alert(1)>",
        r"$\text{</mtext></math><script>alert(2)</script>}$": "</math><script>alert(2)</script>",
        r"$\text{<!-- c --><style>*{background:url(file:///etc/passwd)}</style>}$": "<style>",
        r"$\text{<SCRIPT>alert(3)</SCRIPT>}y$": "<SCRIPT>alert(3)</script>y",  # end tags come back in lower case
    }
    for latex, shown in cases.items():
        raw = convert(latex.strip("$"))
        safe = mathml(raw)
        _assert_inert(safe)
        t = _tree(safe)
        assert set(t.tags) <= htmlsafe.ELEMENTS, t.tags
        assert shown in _shown(t), (latex, safe)  # what the author wrote, as text
        assert t.tags["math"] == 1
    # the converter's own attribute channels: \href, \class, \style, a quote in \color
    for latex in (r"\href{javascript:alert(1)}{x}", r'\class{x" onclick="alert(1)}{a}',
                  r"\style{background:url(file:///etc/hostname)}{a}", r'\color{red" onmouseover="alert(1)}{a}'):
        raw = convert(latex)
        assert re.search(r"href=|class=|style=|onclick|onmouseover", raw), raw  # they are there before
        safe = mathml(raw)
        _assert_inert(safe)
        assert not re.search(r"href=|class=|style=|onclick|onmouseover|url\(", safe), safe
        assert {a for _, a in _tree(safe).attrs} <= htmlsafe.ATTRIBUTES | {"xmlns"}
    # harmless presentation attributes stay
    assert 'mathcolor="red"' in mathml(convert(r"\color{red}{a}"))


def test_every_formula_of_the_builtin_bank_survives_the_sanitizer():
    """All 1616-odd formulas of the bank: the sanitized MathML is the converter's, element
    for element, attribute for attribute, character for character. (Display maths differs
    only in the display attribute; the whole-sheet test below has both.)"""
    from latex2mathml.converter import convert

    from quizcli.bank.store import load_bank

    bank = load_bank()
    n = maths_before = maths_after = 0
    for latex in bank.math:
        try:
            raw = convert(latex)
        except Exception:
            continue
        before, after = _tree(raw), _tree(mathml(raw))
        maths_before += before.tags["math"]
        maths_after += after.tags["math"]
        assert after.events == before.events, latex
        n += 1
    assert n > 1500 and maths_before == maths_after == n


def test_a_whole_printed_sheet_keeps_all_its_maths(monkeypatch, tmp_path):
    """A big mixed sheet (bank questions and generated problems) with and without the
    sanitizer: the same <math> elements, the same MathML inside them."""
    out = tmp_path / "s.html"
    # 160 items: the compact key (issue 16) prints fewer formulas per item than the old one did
    r = runner.invoke(app, ["sheet", "-n", "160", "--seed", "5", "--format", "html", "-o", str(out)])
    assert r.exit_code == 0, _out(r)
    safe = _tree(out.read_text(encoding="utf-8"))
    monkeypatch.setattr(htmlsafe, "mathml", lambda s: s)
    raw_out = tmp_path / "raw.html"
    r = runner.invoke(app, ["sheet", "-n", "160", "--seed", "5", "--format", "html", "-o", str(raw_out)])
    assert r.exit_code == 0, _out(r)
    raw = _tree(raw_out.read_text(encoding="utf-8"))
    assert raw.tags["math"] > 100
    assert safe.tags == raw.tags and safe.events == raw.events


# ----------------------------------------------------------------------------- markup in bank texts


def test_markup_in_text_names_the_markup():
    assert markup_in_text(SCRIPT) == "<script>"
    assert markup_in_text(IFRAME) == "<iframe src=file:///etc/hostname>"
    assert markup_in_text(IMG).startswith("<img src=x onerror=")
    assert markup_in_text("plain <b>bold</b>") == "<b>"
    assert markup_in_text("x <svg/onload=alert(1)> y") == "<svg/onload=alert(1)>"
    assert markup_in_text("a <!-- hidden --> b") == "<!--"
    assert markup_in_text("a &lt; b") == "&lt;"
    assert markup_in_text(r"$\href{javascript:alert(1)}{x}$") == r"\href"
    assert markup_in_text("go to javascript:alert(1)") == "javascript:"
    assert markup_in_text("<eos x=1>") == "<eos x=1>"  # a token with attributes is a tag
    # maths and the NLP tokens a course writes are text
    for ok in ("$0.5 < \\eta < 1$", "$w_{<t}$", "$\\prod_{i<l} s_i$", "n < d and d > 1", "x<0, y>0",
               "until <eos>", "<bos> <unk> <pad> <mask> <sep> <cls> <s> </s> <image>", "until <eos is emitted",
               "AT&T", "training data: 100", "onset = 3"):
        assert markup_in_text(ok) is None, ok


def test_the_builtin_bank_holds_no_markup():
    """The rule `bank check` applies must pass the real bank (15 000-odd texts)."""
    import dataclasses

    from quizcli.bank.store import load_bank

    def texts(o):
        if isinstance(o, Bilingual):
            yield o.en
            yield o.zh
        elif isinstance(o, str):
            yield o
        elif dataclasses.is_dataclass(o):
            for f in dataclasses.fields(o):
                yield from texts(getattr(o, f.name))
        elif isinstance(o, (list, tuple)):
            for x in o:
                yield from texts(x)

    bank = load_bank()
    found, n = [], 0
    for obj in [*bank.topics.values(), *bank.concepts.values(), *bank.questions.values()]:
        for t in texts(obj):
            n += 1
            if markup_in_text(t):
                found.append((getattr(obj, "id", "?"), markup_in_text(t)))
    assert n > 5000 and found == []


# ----------------------------------------------------------------------------- HTML


def test_evil_sheet_html_is_inert_and_shows_the_text(tmp_path):
    for lang in ("en", "zh"):
        doc, _ = sh.html_sheet(_evil_sheet(lang))
        _assert_inert(doc)
        text = _shown(_tree(doc))
        assert "<script>document.write(1337*3)</script>" in text and "<iframe src=file:///etc/hostname>" in text
        assert sh.CSP in doc and '<meta http-equiv="Content-Security-Policy"' in doc


def test_evil_bank_through_the_cli_gives_an_inert_html(tmp_path):
    bank = _evil_bank(tmp_path)
    out = tmp_path / "evil.html"
    r = runner.invoke(app, ["--bank", str(bank), "sheet", "evil", "-n", "3", "--format", "html", "--answers", "separate", "-o", str(out)])
    if _refused(r):
        assert not out.exists()
        return
    assert r.exit_code == 0, _out(r)
    for f in (out, tmp_path / "evil-key.html"):
        doc = f.read_text(encoding="utf-8")
        _assert_inert(doc)
        assert "1337*3" in doc  # the text is there, as text
        assert f'content="{sh.CSP}"' in doc


def test_every_html_document_carries_the_content_security_policy(tmp_path):
    out = tmp_path / "v.html"
    r = runner.invoke(app, ["sheet", "cnn", "-n", "4", "--versions", "2", "--format", "html", "-o", str(out)])
    assert r.exit_code == 0, _out(r)
    files = sorted(tmp_path.glob("v-*.html"))
    assert len(files) == 5  # forms A and B, a key for each, the combined key
    for f in files:
        head = f.read_text(encoding="utf-8").split("</head>")[0]
        assert f'<meta http-equiv="Content-Security-Policy" content="{sh.CSP}">' in head
    assert "default-src 'none'" in sh.CSP and "script" not in sh.CSP


def test_anki_cards_are_inert(tmp_path):
    import sqlite3
    import zipfile

    from quizcli.export.anki import build_deck

    qs = _evil_questions()
    bank = Bank(topics={"evil": Topic(id="evil", title=Bilingual("Evil", "恶意"))}, concepts={},
                questions={q.id: q for q in qs})
    out = tmp_path / "evil.apkg"
    assert build_deck(bank, ["evil"], [], out) == 3
    with zipfile.ZipFile(out) as z:
        z.extract("collection.anki2", tmp_path)
    flds = [f for (f,) in sqlite3.connect(tmp_path / "collection.anki2").execute("SELECT flds FROM notes")]
    assert len(flds) == 3
    for f in flds:
        _assert_inert(f.replace("\x1f", " "))
        assert "Explain" in f and "&lt;" in f


# ----------------------------------------------------------------------------- PDF, for real


@needs_chromium
@needs_pdftotext
def test_evil_bank_prints_no_script_result_and_no_hostname(tmp_path):
    bank = _evil_bank(tmp_path)
    out = tmp_path / "evil.pdf"
    r = runner.invoke(app, ["--bank", str(bank), "sheet", "evil", "-n", "3", "--format", "pdf", "-o", str(out)])
    if _refused(r):
        assert not out.exists()
        doc, _ = sh.html_sheet(_evil_sheet())  # the rendering side still has to hold
        sh.print_pdf(doc, out)
    else:
        assert r.exit_code == 0, _out(r)
    text = _pdftext(out)
    assert "Explain" in text and "1337*3" in text  # printed, as text
    assert "4011" not in text
    for name in _hostnames():
        assert not re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])", text), name


@needs_chromium
@needs_pdftotext
def test_the_browser_runs_no_javascript_and_the_policy_blocks_files(tmp_path):
    """Each guard on its own: a page with a script and no policy (JavaScript is off in the
    browser), a page with a raw iframe and img on a local file under the sheet's policy."""
    plain = ("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><p>before</p>"
             "<script>document.write(1337*3)</script><p>after</p></body></html>")
    sh.print_pdf(plain, tmp_path / "js.pdf")
    text = _pdftext(tmp_path / "js.pdf")
    assert "before" in text and "after" in text and "4011" not in text
    framed = sh._html_doc("t", "<p>before</p><iframe src='file:///etc/hostname'></iframe>"
                               "<object data='file:///etc/hostname'></object><p>after</p>", "en")
    sh.print_pdf(framed, tmp_path / "frame.pdf")
    text = _pdftext(tmp_path / "frame.pdf")
    assert "before" in text and "after" in text
    for name in _hostnames():
        assert not re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])", text), name


# ----------------------------------------------------------------------------- a fake browser

FAKE = """#!/bin/sh
# quizcli test stand-in for Chromium: MODE=%(mode)s
log=%(log)s
echo "ARGS $*" >> "$log"
for a in "$@"; do
  case "$a" in
    --print-to-pdf=*) out="${a#--print-to-pdf=}";;
    --user-data-dir=*) prof="${a#--user-data-dir=}";;
  esac
done
[ -f "$prof/Default/Preferences" ] && echo "PREFS $(cat "$prof/Default/Preferences")" >> "$log"
case "$*" in *--no-sandbox*) nosb=1;; *) nosb=0;; esac
case "%(mode)s" in
  needs-no-sandbox)
    if [ $nosb = 0 ]; then
      echo "[1:1:ERROR:zygote_host_impl_linux.cc(100)] Running as root without --no-sandbox is not supported. See https://crbug.com/638180." >&2
      exit 1
    fi;;
  nothing) exit 0;;
  hang)
    sleep 300 & echo "CHILD $!" >> "$log"
    echo "SELF $$" >> "$log"
    wait; exit 0;;
esac
printf '%%%%PDF-1.4\\n%%%% fake sheet\\n%%%%%%%%EOF\\n' > "$out"
exit 0
"""


def _fake_browser(tmp_path: Path, mode: str) -> tuple[Path, Path]:
    bindir = tmp_path / "fakebin"
    bindir.mkdir(exist_ok=True)
    log = tmp_path / f"browser-{mode}.log"
    exe = bindir / "chromium"
    exe.write_text(FAKE % {"mode": mode, "log": log}, encoding="utf-8")
    exe.chmod(0o755)
    return exe, log


@posix_only
def test_sandbox_is_tried_first_and_its_loss_is_said(tmp_path, monkeypatch):
    exe, log = _fake_browser(tmp_path, "needs-no-sandbox")
    monkeypatch.setattr(sh, "find_browser", lambda: str(exe))
    out = tmp_path / "s.pdf"
    r = runner.invoke(app, ["sheet", "cnn", "-n", "3", "--format", "pdf", "-o", str(out)])
    assert r.exit_code == 0, _out(r)
    assert out.read_bytes().startswith(b"%PDF-")
    calls = [ln for ln in log.read_text().splitlines() if ln.startswith("ARGS")]
    assert len(calls) == 2 and "--no-sandbox" not in calls[0] and "--no-sandbox" in calls[1]
    for c in calls:
        for flag in ("--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-quic", "--user-data-dir=", "--no-pdf-header-footer"):
            assert flag in c, flag
    assert '"javascript": 2' in log.read_text()  # JavaScript blocked in the fresh profile
    assert "--no-sandbox" in _out(r) and "Running as root" in _out(r) and "Wrote:" in _out(r)
    # with a working sandbox: one start, no notice
    exe2, log2 = _fake_browser(tmp_path, "fine")
    monkeypatch.setattr(sh, "find_browser", lambda: str(exe2))
    r = runner.invoke(app, ["sheet", "cnn", "-n", "3", "--format", "pdf", "-o", str(out)])
    assert r.exit_code == 0, _out(r)
    calls = [ln for ln in log2.read_text().splitlines() if ln.startswith("ARGS")]
    assert len(calls) == 1 and "--no-sandbox" not in calls[0] and "--no-sandbox" not in _out(r)


@posix_only
def test_a_browser_that_writes_nothing_is_not_reported_as_written(tmp_path, monkeypatch):
    """(What --blink-settings=scriptEnabled=false does to Chromium 156: exit 0, no file.)"""
    exe, _ = _fake_browser(tmp_path, "nothing")
    monkeypatch.setattr(sh, "find_browser", lambda: str(exe))
    out = tmp_path / "old.pdf"
    out.write_bytes(b"%PDF-1.4 the old sheet")
    for lang, words in (("en", "without writing the PDF"), ("zh", "PDF 打印失败")):
        r = runner.invoke(app, ["--lang", lang, "sheet", "cnn", "-n", "3", "--format", "pdf", "-o", str(out)])
        assert r.exit_code == 1 and words in _out(r), _out(r)
        assert "Wrote" not in _out(r) and "已写入" not in _out(r)
        assert out.read_bytes() == b"%PDF-1.4 the old sheet"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".old.pdf")) == []  # no temp file left


# ----------------------------------------------------------------------------- targets


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_a_folder_as_target_is_refused_clearly(tmp_path, monkeypatch, fmt):
    exe, _ = _fake_browser(tmp_path, "fine")
    monkeypatch.setattr(sh, "find_browser", lambda: str(exe))
    target = tmp_path / "out"
    target.mkdir()
    for lang, words in (("en", "it is a folder"), ("zh", "这是一个文件夹")):
        r = runner.invoke(app, ["--lang", lang, "sheet", "cnn", "-n", "3", "--format", fmt, "-o", str(target)])
        assert r.exit_code == 2 and words in _out(r) and "Traceback" not in _out(r), _out(r)
        assert "Wrote" not in _out(r) and "已写入" not in _out(r)
    assert list(target.iterdir()) == []
    r = runner.invoke(app, ["sheet", "cnn", "-n", "3", "--format", fmt, "-o", str(tmp_path / "nowhere" / f"s.{fmt}")])
    assert r.exit_code == 2 and "does not exist" in _out(r) and "Wrote" not in _out(r), _out(r)


def _lock(path: Path) -> bool:
    """Make `path` (file or folder) unwritable for this process; False if that cannot be
    done here (root without chattr, or a file system without the immutable flag)."""
    if os.geteuid() != 0:
        path.chmod(stat.S_IRUSR | stat.S_IXUSR if path.is_dir() else stat.S_IRUSR)
        return True
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0


def _unlock(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    path.chmod(0o755 if path.is_dir() else 0o644)


@posix_only
@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_an_unwritable_old_file_stays_and_is_not_reported(tmp_path, monkeypatch, fmt):
    exe, _ = _fake_browser(tmp_path, "fine")
    monkeypatch.setattr(sh, "find_browser", lambda: str(exe))
    folder = tmp_path / "out"
    folder.mkdir()
    old = folder / f"s.{fmt}"
    old.write_bytes(b"the old sheet")
    # 1. the old file itself is immutable (root) or read-only in a read-only folder (user)
    locked = [old] if os.geteuid() == 0 else [folder]
    if not all(_lock(p) for p in locked):
        pytest.skip("cannot make a file unwritable here (no chattr / immutable flag)")
    try:
        for lang, words in (("en", "Cannot write"), ("zh", "无法写入")):
            r = runner.invoke(app, ["--lang", lang, "sheet", "cnn", "-n", "3", "--format", fmt, "-o", str(old)])
            assert r.exit_code == 1 and words in _out(r) and "Traceback" not in _out(r), _out(r)
            assert "Wrote" not in _out(r) and "已写入" not in _out(r)
            assert old.read_bytes() == b"the old sheet"
    finally:
        for p in locked:
            _unlock(p)
    # 2. a folder where no new file can be made
    if not _lock(folder):
        pytest.skip("cannot make a folder unwritable here")
    try:
        r = runner.invoke(app, ["sheet", "cnn", "-n", "3", "--format", fmt, "-o", str(folder / f"new.{fmt}")])
        assert r.exit_code == 1 and "no new file can be made" in _out(r) and "Wrote" not in _out(r), _out(r)
        assert sorted(p.name for p in folder.iterdir()) == [f"s.{fmt}"]
    finally:
        _unlock(folder)


def test_written_files_replace_the_old_one_whole(tmp_path):
    old = tmp_path / "s.html"
    old.write_text("old")
    old.chmod(0o640)
    r = runner.invoke(app, ["sheet", "cnn", "-n", "3", "--format", "html", "-o", str(old)])
    assert r.exit_code == 0 and "Wrote: " in _out(r), _out(r)
    assert old.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(old.stat().st_mode) == 0o640  # permissions kept
    assert [p.name for p in tmp_path.iterdir()] == ["s.html"]  # no temp file left


# ----------------------------------------------------------------------------- Ctrl-C


def _procs_with(marker: str) -> list[int]:
    """Live (non-zombie) processes whose command line mentions `marker`."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{d}/cmdline").read_bytes().decode(errors="replace")
            state = Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if marker in cmd and state not in ("Z", "X"):
            out.append(int(d))
    return out


def _wait_for(cond, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.02)
    return cond()


def _interrupt_while_printing(tmp_path: Path, env_extra: dict, args: list[str], sig: int, marker: str):
    tmpd = tmp_path / "tmp"
    tmpd.mkdir()
    out = tmp_path / "target" / "s.pdf"
    out.parent.mkdir()
    env = dict(os.environ, TMPDIR=str(tmpd), PYTHONPATH=str(REPO), **env_extra)
    proc = subprocess.Popen([sys.executable, "-m", "quizcli", "sheet", *args, "--format", "pdf", "-o", str(out)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert _wait_for(lambda: _procs_with(marker), 90), "the browser never started"
        time.sleep(0.1)
        assert _procs_with(marker), "the browser finished before it could be interrupted"
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    gone = _wait_for(lambda: not _procs_with(marker), 10)
    left = _procs_with(marker)
    for pid in left:  # do not leave them to the next test
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    assert gone, f"browser processes left behind: {left}"
    assert proc.returncode != 0 and "Wrote" not in err
    assert list(out.parent.iterdir()) == []  # no PDF, no half-written temp file
    return tmpd


@posix_only
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupting_the_print_leaves_no_browser_behind_fake(tmp_path, sig):
    """A stand-in browser that hangs with a child of its own: both go with us."""
    exe, log = _fake_browser(tmp_path, "hang")
    marker = str(tmp_path / "tmp")

    def logged() -> list[int]:
        lines = log.read_text().splitlines() if log.exists() else []
        return [int(ln.split()[1]) for ln in lines if ln.startswith(("CHILD", "SELF"))]

    try:
        _interrupt_while_printing(tmp_path, {"PATH": f"{exe.parent}{os.pathsep}{os.environ.get('PATH', '')}"},
                                  ["cnn", "-n", "3"], sig, marker)
        pids = logged()
        assert len(pids) == 2
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue  # gone
            assert state in ("Z", "X"), (pid, state)
    finally:
        for pid in logged():  # whatever the outcome, leave nothing of ours running
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
                if "sleep\x00300" in cmd or str(exe) in cmd:
                    os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


@needs_chromium
@posix_only
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_leaves_no_chromium_behind(tmp_path):
    """SIGINT to `python -m quizcli sheet … -f pdf` while Chromium prints a long sheet."""
    tmpd = _interrupt_while_printing(tmp_path, {}, ["-n", "300", "--seed", "2"], signal.SIGINT, str(tmp_path / "tmp"))
    assert list(tmpd.iterdir()) == []  # the profile and Chromium's scratch files went too


@posix_only
def test_special_files_and_symlinks_are_written_into_not_replaced(tmp_path, monkeypatch):
    """-o /dev/null must not turn /dev/null into a file (as root it could); a symlinked
    target is written through the link, which stays a link."""
    exe, _ = _fake_browser(tmp_path, "fine")
    monkeypatch.setattr(sh, "find_browser", lambda: str(exe))
    for fmt in ("html", "pdf"):
        r = runner.invoke(app, ["sheet", "cnn", "-n", "3", "--format", fmt, "-o", os.devnull])
        assert r.exit_code == 0, _out(r)
        assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
        real, link = tmp_path / f"real.{fmt}", tmp_path / f"link.{fmt}"
        link.symlink_to(real.name)
        r = runner.invoke(app, ["sheet", "cnn", "-n", "3", "--format", fmt, "-o", str(link)])
        assert r.exit_code == 0, _out(r)
        assert link.is_symlink() and real.read_bytes()[:5] in (b"<!DOC", b"%PDF-")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_the_browser_dies_even_when_we_are_killed_outright(tmp_path):
    """SIGKILL leaves no time for any clean-up: the kernel ends the child (PR_SET_PDEATHSIG)."""
    code = textwrap.dedent("""\
        import subprocess, sys, time
        from quizcli.render import sheets as sh
        p = subprocess.Popen(["sleep", "300"], preexec_fn=sh._die_with_parent(), start_new_session=True)
        print(p.pid, flush=True)
        time.sleep(300)
    """)
    mid = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                           env=dict(os.environ, PYTHONPATH=str(REPO)))
    pid = int(mid.stdout.readline())

    def alive() -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
        except OSError:
            return False

    try:
        assert alive()
        mid.kill()
        mid.wait()
        assert _wait_for(lambda: not alive(), 10)
    finally:
        if alive():
            os.kill(pid, signal.SIGKILL)
