"""A hostile or broken bank folder gets a clear file:line message, fast, never a hang, a
crash or raw terminal escapes (issue 18, items 1 (markup), 5, 6, 10 and 11).

The alias bomb is the classic "billion laughs" YAML document (nine aliases per level,
nine levels), written here from scratch; it is run in a subprocess with a generous timeout
so that a regression shows as a failure, not as a hung test run.
"""
import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli.bank import loader
from quizcli.bank.loader import MAX_FILE_BYTES, validate_dirs
from quizcli.bank.store import builtin_bank_dir
from quizcli.bank.store import BankError, load_bank
from quizcli.cli import app

pytestmark = pytest.mark.slow  # each case loads a hostile bank in a subprocess with a time bound

REPO = Path(__file__).resolve().parents[2]


from demo_bank import GOOD, write_bank  # noqa: E402 (the shared minimal bank)

SYMBOLIC = """\
  - id: demo.sym
    type: symbolic
    concepts: [alpha]
    prompt: {en: Write it., zh: 写出来。}
    variables: [x]
    answer: 'x*(1 - x)'
    explanation: {en: Because., zh: 因为。}
"""


def _bank(folder: Path, body: str = GOOD, name: str = "demo.yaml") -> Path:
    return write_bank(folder, body, name)


def _problems(folder: Path, deep: bool = True):
    _, problems = validate_dirs([folder], deep=deep)
    return problems


def _cli(*args, timeout=60, cache=None):
    env = dict(os.environ, PYTHONPATH=str(REPO), QUIZCLI_LANG="en")
    if cache is not None:
        env["QUIZCLI_CACHE"] = str(cache)
    return subprocess.run([sys.executable, "-m", "quizcli", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=str(REPO))


def _run(*args):
    """A command in this process (the hang-prone cases use _cli, a subprocess with a timeout)."""
    r = CliRunner().invoke(app, list(args))
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    return r


def _alias_bomb(where: str) -> str:
    """Nine levels of nine aliases each: 9**9 (387 million) strings once expanded."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    levels = "\n".join("  " + x for x in lines)
    return ("topic: demo\nlevels:\n" + levels + "\nquestions:\n  - id: demo.bomb\n    type: truefalse\n"
            "    concepts: [alpha]\n    prompt: {en: x, zh: x}\n"
            + ("    answer: *a8\n" if where == "answer" else "    answer: true\n")
            + "    explanation: {en: x, zh: x}\n").replace("id: demo.bomb", "id: *a8" if where == "id" else "id: demo.bomb")


# --------------------------------------------------------------------------- item 5


@pytest.mark.parametrize("where, command", [("answer", "bank check"), ("id", "topics")])
def test_alias_bomb_is_refused_within_seconds(tmp_path, where, command):
    text = _alias_bomb(where)
    assert len(text.encode()) < 1200  # a small file ...
    bank = _bank(tmp_path / "bomb", text)
    # ... that used to hang `bank check` and every command given the --bank
    args = ["bank", "check", str(bank)] if command == "bank check" else ["--bank", str(bank), command]
    r = _cli(*args, timeout=30, cache=tmp_path / "cache")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "demo.yaml:4: YAML alias '*a0': anchors and aliases" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr.lower()


def test_alias_message_names_the_line_of_the_alias(tmp_path):
    body = GOOD + "  - id: demo.q2\n    type: truefalse\n    concepts: &c [alpha]\n    prompt: {en: x, zh: x}\n" \
                  "    answer: true\n    explanation: {en: x, zh: x}\n  - id: demo.q3\n    type: truefalse\n" \
                  "    concepts: *c\n    prompt: {en: x, zh: x}\n    answer: true\n    explanation: {en: x, zh: x}\n"
    problems = _problems(_bank(tmp_path, body))
    assert [(Path(p.file).name, p.line) for p in problems] == [("demo.yaml", 24)], problems
    assert "YAML alias '*c'" in problems[0].message


def test_merge_key_is_refused(tmp_path):
    body = GOOD.replace("    title: {en: Alpha, zh: 阿尔法}", "    <<: {title: {en: Alpha, zh: 阿尔法}}")
    problems = _problems(_bank(tmp_path, body))
    assert any(p.line == 4 and "merge keys" in p.message for p in problems), problems


@pytest.mark.parametrize("nesting", ["[" * 200000 + "]" * 200000, "- " * 200000 + "x", "{a: " * 100000 + "1" + "}" * 100000],
                         ids=["flow lists", "block lists", "flow mappings"])
def test_deep_nesting_is_refused_not_a_crash(tmp_path, nesting):
    """PyYAML's C composer recursed on these and the process died (segmentation fault)."""
    bank = _bank(tmp_path / "b")
    (bank / "deep.yaml").write_text("topic: demo\nconcepts:\n  - " + nesting + "\n", encoding="utf-8")
    r = _cli("bank", "check", str(bank), timeout=60)
    assert r.returncode == 1, (r.returncode, r.stderr[-500:])
    assert "deep.yaml:3: lists or mappings nested more than 50 deep" in r.stderr, r.stderr[-500:]


def test_moderate_nesting_is_an_ordinary_error(tmp_path):
    """Below the scan threshold the YAML is parsed as usual; the entry is then refused with
    a message (the recursion of the field checks is caught), not an internal error."""
    bank = _bank(tmp_path, GOOD.replace("    answer: true", "    answer: " + "[" * 2000 + "]" * 2000))
    problems = _problems(bank)
    assert [(Path(p.file).name, p.line) for p in problems] == [("demo.yaml", 10)], problems
    assert problems[0].message in ("an entry of questions is nested too deeply",
                                   "question demo.q1: a truefalse answer must be true or false, got " + "[" * 2000 + "]" * 2000)


def test_real_bank_uses_no_anchors():
    """Refusing aliases costs the built-in bank nothing: it has none (read as YAML events)."""
    import yaml

    for f in sorted(builtin_bank_dir().glob("*.yaml")):
        events = list(yaml.parse(f.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
        assert not any(isinstance(e, yaml.AliasEvent) for e in events), f


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_is_skipped_without_blocking(tmp_path):
    bank = _bank(tmp_path / "b")
    os.mkfifo(bank / "f.yaml")
    r = _cli("--bank", str(bank), "topics", timeout=30, cache=tmp_path / "cache")
    assert r.returncode == 1
    assert "f.yaml: is a named pipe (FIFO), not a regular file: skipped" in r.stderr, r.stderr
    problems = _problems(bank)
    assert [(Path(p.file).name, p.line) for p in problems] == [("f.yaml", 0)]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_dev_zero_behind_a_symlink_is_not_read(tmp_path):
    bank = _bank(tmp_path / "b")
    (bank / "zero.yaml").symlink_to("/dev/zero")
    r = _cli("bank", "check", str(bank), timeout=30)
    assert r.returncode == 1
    assert "zero.yaml: is a character device, not a regular file: skipped" in r.stderr, r.stderr


def test_oversize_file_is_refused_before_parsing(tmp_path):
    bank = _bank(tmp_path)
    with open(bank / "huge.yaml", "w", encoding="utf-8") as fh:
        fh.write("topic: demo\nquestions:\n")
        fh.write("# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    problems = _problems(bank)
    assert len(problems) == 1 and Path(problems[0].file).name == "huge.yaml", problems
    assert "a bank file may be at most 2.0 MB" in problems[0].message


def test_folder_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "MAX_FOLDER_BYTES", 1000)
    bank = _bank(tmp_path)
    (bank / "more.yaml").write_text("topic: demo\n" + "# padding\n" * 100, encoding="utf-8")
    problems = _problems(bank)
    assert [(p.file, p.line) for p in problems] == [(str(bank), 0)], problems
    assert "a bank folder may hold at most 1 kB" in problems[0].message
    # the running total still stops a file that grew after the sizes were taken
    monkeypatch.setattr(loader, "_bank_listing", lambda d, problems: ([d / "topics.yaml"], [d / "demo.yaml", d / "more.yaml"]))
    problems = _problems(bank)
    assert [Path(p.file).name for p in problems] == ["more.yaml"], problems
    assert "skipped: the bank folder holds more than 1 kB of YAML" in problems[0].message


def test_file_count_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "MAX_FILES", 3)
    bank = _bank(tmp_path)
    for i in range(3):
        (bank / f"x{i}.yaml").write_text("topic: demo\n", encoding="utf-8")
    problems = _problems(bank)
    assert len(problems) == 1 and "has 5 YAML files; a bank folder may have at most 3" in problems[0].message


def test_builtin_bank_is_within_the_limits():
    files = sorted(builtin_bank_dir().glob("*.y*ml"))
    assert len(files) <= loader.MAX_FILES
    assert max(f.stat().st_size for f in files) <= loader.MAX_FILE_BYTES
    assert sum(f.stat().st_size for f in files) <= loader.MAX_FOLDER_BYTES


# --------------------------------------------------------------------------- item 10


def test_bank_folder_symlink_loop(tmp_path):
    (tmp_path / "l1").symlink_to(tmp_path / "l2")
    (tmp_path / "l2").symlink_to(tmp_path / "l1")
    r = _run("--bank", str(tmp_path / "l1"), "topics")
    assert r.exit_code == 1
    assert "l1: a symbolic link loop" in r.output, r.output
    assert "internal error" not in r.output.lower()


def test_bank_folder_path_of_5000_characters(tmp_path):
    long = tmp_path / ("a" * 5000)
    r = _run("--bank", str(long), "topics")
    assert r.exit_code == 1
    assert "the path is too long (" in r.output, r.output
    assert "internal error" not in r.output.lower()
    assert len(r.output) < 800  # the path is shortened
    r = _run("bank", "check", str(tmp_path / ("b/" * 2500)))
    assert r.exit_code == 1 and "internal error" not in r.output.lower()


def test_bank_folder_that_is_a_file(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("x", encoding="utf-8")
    problems = _problems(f)
    assert [(p.line, p.message) for p in problems] == [(0, "not a folder")]


@pytest.mark.parametrize("make, message", [
    (lambda b: (b / "gone.yaml").symlink_to(b / "nowhere.yaml"), "gone.yaml: a symbolic link to a missing file"),
    (lambda b: (b / "self.yaml").symlink_to(b / "self.yaml"), "self.yaml: a symbolic link loop"),
    (lambda b: (b / "x.yaml").mkdir(), "x.yaml: is a folder, not a regular file: skipped"),
])
def test_odd_entries_in_a_bank_folder(tmp_path, make, message):
    bank = _bank(tmp_path / "b")
    make(bank)
    shown = [f"{Path(p.file).name}: {p.message}" for p in _problems(bank)]
    assert len(shown) == 1 and shown[0].startswith(message), shown
    r = _run("--bank", str(bank), "explain", "alpha")
    assert r.exit_code == 1, r.output
    assert message in r.output, r.output
    assert "internal error" not in r.output.lower()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root reads a chmod 000 file anyway (test_unreadable_file_simulated covers it)")
def test_unreadable_file(tmp_path):
    bank = _bank(tmp_path)
    os.chmod(bank / "demo.yaml", 0)
    try:
        problems = _problems(bank)
    finally:
        os.chmod(bank / "demo.yaml", stat.S_IRUSR | stat.S_IWUSR)
    assert any(p.message == "cannot be read: permission denied" for p in problems), problems


def test_unreadable_file_simulated(tmp_path, monkeypatch):
    """As root chmod 000 does not stop a read; the open failing is simulated instead."""
    bank = _bank(tmp_path)
    real_open = os.open

    def deny(path, *args, **kw):
        if str(path).endswith("demo.yaml"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kw)

    monkeypatch.setattr(os, "open", deny)
    problems = _problems(bank)
    assert [(Path(p.file).name, p.line, p.message) for p in problems] == [
        ("demo.yaml", 0, "cannot be read: permission denied")]


def test_mapping_used_as_a_key(tmp_path):
    body = GOOD.replace("    prompt: {en: Is it?, zh: 是吗？}", "    prompt: {{en: Is it?}: x, zh: 是吗？}")
    problems = _problems(_bank(tmp_path, body))
    assert any(p.line == 13 and "a mapping or list is used as a key" in p.message for p in problems), problems
    r = _run("--bank", str(tmp_path), "topics")
    assert r.exit_code == 1 and "demo.yaml:13" in r.output


@pytest.mark.parametrize("value, fragment", [
    ("9" * 5000, "is not a valid integer (Exceeds the limit (4300 digits)"),
    ("2020-13-45", "'2020-13-45' is not a valid date (month must be in 1..12)"),
    ("!!float x", "'x' is not a valid number"),
    ("!!int zz", "'zz' is not a valid integer"),
    ("!!timestamp zz", "'zz' is not a valid date"),
])
def test_scalar_that_does_not_convert(tmp_path, value, fragment):
    problems = _problems(_bank(tmp_path, GOOD.replace("    answer: true", "    answer: " + value)))
    assert problems and all(p.line == 14 for p in problems), problems
    assert fragment in problems[0].message, problems


def test_duplicate_key_in_one_mapping(tmp_path):
    body = GOOD.replace("    answer: true\n", "    answer: true\n    answer: false\n")
    problems = _problems(_bank(tmp_path, body))
    assert any(p.line == 15 and "duplicate key 'answer' (first at line 14)" in p.message for p in problems), problems


# --------------------------------------------------------------------------- item 6


@pytest.mark.parametrize("change, fragment", [
    (("    answer: 'x*(1 - x)'", "    answer: 'x*(1 - '"), "answer 'x*(1 -' does not parse"),
    (("    answer: 'x*(1 - x)'", "    answer: 'x +* 2'"), "does not parse"),
    (("    variables: [x]\n    answer: 'x*(1 - x)'", "    variables: [__class__]\n    answer: '__class__'"),
     "bad variable name declared by the item: '__class__'"),
    (("    answer: 'x*(1 - x)'", "    answer: 'x*(1 - x)'\n    substitutions: {__class__: 'x'}"),
     "bad variable name declared by the item: '__class__'"),
    (("    answer: 'x*(1 - x)'", "    answer: 'x/(2 - 2)'"), "undefined (division by zero?)"),
    (("    answer: 'x*(1 - x)'", "    answer: 'x^1000'"), "Exponent too large"),
])
def test_broken_symbolic_item_is_refused_at_every_load(tmp_path, change, fragment):
    old, new = change
    body = GOOD + SYMBOLIC
    assert old in body
    bank = _bank(tmp_path / "b", body.replace(old, new))
    # the library load of ordinary commands (no sympy), and bank check (with sympy)
    for deep in (False, True):
        problems = _problems(bank, deep=deep)
        assert [(Path(p.file).name, p.line) for p in problems] == [("demo.yaml", 16)], (deep, problems)
        assert fragment in problems[0].message, problems
    with pytest.raises(BankError) as e:
        load_bank([bank])
    assert fragment in str(e.value)
    # an ordinary command: the drill refuses the bank before the first question
    r = _run("--bank", str(bank), "drill", "--json", "--item", "demo.sym")
    assert r.exit_code == 1, r.output
    assert "demo.yaml:16" in r.output and fragment in r.output, r.output


def test_drill_process_refuses_a_broken_symbolic_bank(tmp_path):
    body = (GOOD + SYMBOLIC).replace("    variables: [x]\n    answer: 'x*(1 - x)'", "    variables: [__class__]\n    answer: '__class__'")
    bank = _bank(tmp_path / "b", body)
    r = _cli("--bank", str(bank), "drill", "--json", "--item", "demo.sym", timeout=60, cache=tmp_path / "cache")
    assert r.returncode == 1, r.stdout
    assert "demo.yaml:16" in r.stderr and "'__class__'" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_good_symbolic_item_loads_without_sympy(tmp_path):
    bank = _bank(tmp_path / "b", GOOD + SYMBOLIC)
    code = ("import sys; from pathlib import Path; from quizcli.bank.loader import validate_dirs; "
            f"b, p = validate_dirs([Path({str(bank)!r})], deep=False); "
            "print(len(p), 'sympy' in sys.modules, 'numpy' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert r.stdout.split() == ["0", "False", "False"], r.stdout + r.stderr


# --------------------------------------------------------------------------- item 11


@pytest.mark.parametrize("text, fragment", [
    ('"Is it \\e]0;pwned\\a?"', "U+0007 (BEL), U+001B (ESC)"),
    ('"Clear \\e[2J\\e[H now"', "U+001B (ESC)"),
    ('"Back\\bspace"', "YAML reads '\\b' as a backspace"),
    ('"Raw \\x9b2J CSI"', "U+009B (CSI)"),
    ('"Over\\rwrite"', "YAML reads '\\r' as a carriage return"),
    ('"Tricky \\u202ereversed"', "U+202E (right-to-left override)"),
    ('"Del \\x7f here"', "U+007F (DEL)"),
])
def test_control_characters_are_refused(tmp_path, text, fragment):
    body = GOOD.replace("{en: Is it?, zh: 是吗？}", "{en: " + text + ", zh: 是吗？}")
    problems = _problems(_bank(tmp_path, body))
    assert [(Path(p.file).name, p.line) for p in problems] == [("demo.yaml", 13)], problems
    assert fragment in problems[0].message


def test_literal_escape_character_in_the_file(tmp_path):
    body = GOOD.replace("Is it?", "Is it\x1b[2J?")
    problems = _problems(_bank(tmp_path, body))
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [(13, "control character U+001B (ESC) in the file")], problems


@pytest.mark.parametrize("formula, shown", [
    ("\\frac{1}{2}", "'\\frac' in a double-quoted string: YAML reads '\\f' as a form feed, so the text shows 'rac'"),
    ("\\theta", "'\\theta' in a double-quoted string: YAML reads '\\t' as a tab, so the text shows 'heta'"),
    ("\\nabla L", "'\\nabla' in a double-quoted string: YAML reads '\\n' as a line break"),
    ("\\beta", "YAML reads '\\b' as a backspace"),
    ("\\vec{x}", "YAML reads '\\v' as a vertical tab"),
])
def test_latex_in_double_quotes_is_caught(tmp_path, formula, shown):
    body = GOOD.replace("    body: {en: 'Body $x^2$.', zh: '正文 $x^2$。'}",
                        "    body: {en: 'Body.', zh: '正文。'}\n    formulas:\n      - \"" + formula + "\"")
    problems = _problems(_bank(tmp_path, body))
    assert [(Path(p.file).name, p.line) for p in problems] == [("demo.yaml", 8)], problems
    assert shown in problems[0].message
    assert "single quotes" in problems[0].message


def test_legitimate_escapes_and_layout_pass(tmp_path):
    """A tab or a line break that is meant, doubled backslashes in double quotes, and LaTeX in
    single quotes or a block are all fine."""
    body = GOOD.replace("{en: Is it?, zh: 是吗？}", '{en: "Is it?\\nSecond line\\tend", zh: "是吗？ $\\\\frac{1}{2}$"}')
    body = body.replace("    body: {en: 'Body $x^2$.', zh: '正文 $x^2$。'}",
                        "    body:\n      en: |\n        Body $\\frac{1}{2}\\theta$\n        \tindented.\n      zh: '正文 $\\nabla$。'")
    assert _problems(_bank(tmp_path, body)) == []


def test_unknown_escape_gets_the_quoting_hint(tmp_path):
    body = GOOD.replace("{en: Is it?, zh: 是吗？}", '{en: "Is $\\sigma$?", zh: 是吗？}')
    problems = _problems(_bank(tmp_path, body))
    assert len(problems) == 1 and problems[0].line == 13, problems
    assert "unknown escape character" in problems[0].message and "single quotes" in problems[0].message


# --------------------------------------------------------------------------- item 1 (markup)


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>",
    "see <iframe src=//evil>",
    "<img src=x onerror=alert(1)>",
    '<a href="https://evil">link</a>',
    "<style>body{display:none}</style>",
    "<b onmouseover=steal()>hover</b>",
    "<x onclick = run()>",
    "$\\text{<script>}$ inside math",
    "$<img src=x>$",
    "<svg/onload=alert(1)>",
    "<x/onload=alert(1)>",
    "<!-- hidden -->",
    "click javascript:alert(1)",
    "<div>block</div>",
])
def test_markup_is_refused(tmp_path, text):
    body = GOOD.replace("{en: Is it?, zh: 是吗？}", "{en: '" + text.replace("'", "''") + "', zh: 是吗？}")
    problems = _problems(_bank(tmp_path, body))
    assert [(Path(p.file).name, p.line) for p in problems] == [("demo.yaml", 13)], problems
    assert "markup is not allowed" in problems[0].message


def test_markup_in_a_block_is_reported_at_its_line(tmp_path):
    body = GOOD.replace("    body: {en: 'Body $x^2$.', zh: '正文 $x^2$。'}",
                        "    body:\n      en: |\n        First line.\n        Then <script>x</script>.\n      zh: 正文。")
    problems = _problems(_bank(tmp_path, body))
    assert [(p.line, "markup" in p.message) for p in problems] == [(9, True)], problems


@pytest.mark.parametrize("text", [
    "a < b and x<0", "$j = \\prod_{i<l} s_i$", "until it outputs <eos>", "$P(w_t \\mid w_{<t})$",
    "<|endoftext|> marks the end", "0 <a < 1", "<s> and </s> are tokens", "x <= y, y >= z", "f(x)=x; script",
])
def test_comparisons_and_tokens_are_not_markup(tmp_path, text):
    body = GOOD.replace("{en: Is it?, zh: 是吗？}", "{en: '" + text + "', zh: 是吗？}")
    assert _problems(_bank(tmp_path, body)) == []


# --------------------------------------------------------------------------- the built-in bank


def test_builtin_bank_passes_every_check():
    """No false positive: the real bank has no control character, markup, alias or escape trap."""
    _, problems = validate_dirs([builtin_bank_dir()], deep=True)
    assert problems == []


def test_bank_error_names_the_folder_to_check(tmp_path):
    """The suggested command must name the broken folder: `quizcli bank check` alone checks
    only the built-in bank and says OK."""
    bank = _bank(tmp_path / "my bank", GOOD.replace("    answer: true", "    answer: perhaps"))
    with pytest.raises(BankError) as e:
        load_bank([bank])
    assert e.value.folders == [bank]
    assert e.value.check_command() == f"quizcli bank check '{bank}'"
