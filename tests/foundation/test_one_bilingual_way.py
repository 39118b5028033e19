"""One way to write a text in both languages (issue 19): a text built in the code is a
`Bilingual(en, zh)` and `.t(lang)` picks the language; fixed interface strings live in the
strings table (`quizcli.i18n.t`). Checked on the source: no `"…" if lang == "en" else "…"`
anywhere in the package, in any of its spellings (`!=`, `"zh"`, reversed operands)."""
import ast
from pathlib import Path

import quizcli

ROOT = Path(quizcli.__file__).resolve().parent


def _is_lang_test(t) -> bool:
    if isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], (ast.Eq, ast.NotEq)):
        return any(isinstance(s, ast.Constant) and s.value in ("en", "zh") for s in (t.left, *t.comparators))
    return False


LANG_CODES = {"en", "zh", "zh-CN"}  # choosing a language code (the other language, an HTML lang) is not a text


def _is_text(n) -> bool:
    return isinstance(n, ast.JoinedStr) or (isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value not in LANG_CODES) or \
        (isinstance(n, ast.BinOp) and (_is_text(n.left) or _is_text(n.right))) or \
        (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("format", "join") and _is_text(n.func.value))


def inline_choices(root: Path = ROOT) -> list[str]:
    """file:line of every conditional expression that picks a text by comparing a language."""
    out = []
    for path in sorted(root.rglob("*.py")):
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(n, ast.IfExp) and _is_lang_test(n.test) and (_is_text(n.body) or _is_text(n.orelse)):
                out.append(f"{path.relative_to(root.parent)}:{n.lineno}")
    return out


def test_no_text_is_chosen_inline_by_language():
    assert inline_choices() == []


def test_the_check_finds_every_spelling(tmp_path):
    (tmp_path / "m.py").write_text('a = "x" if lang == "en" else "y"\nb = f"{n}" if "zh" != lg else "z"\n'
                                   'c = ("p" + s) if lg == "zh" else "q"\nd = 1 if lg == "en" else 2\n'
                                   'e = "en" if lang == "zh" else "zh"\n', encoding="utf-8")
    assert inline_choices(tmp_path) == [f"{tmp_path.name}/m.py:1", f"{tmp_path.name}/m.py:2", f"{tmp_path.name}/m.py:3"]
