"""A test must be able to fail: every test function under tests/ reaches quizcli's code or the
bank it guards (directly, or through a helper of its own file). A test that only checks its own
arithmetic guards nothing.

"Reaches" means: it uses a name imported from quizcli, or the `bank` / `runner` fixture, or a
string naming the package or the bank folder, or calls a function of its file that does."""
import ast
import builtins
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
FIXTURES = {"bank", "runner", "drill_bank", "syllabus"}
# tests that guard a file of the repository other than the package or the bank, and why
GUARDS_A_FILE = {
    "test_engine_doc_examples": "runs the examples of docs/engine.md against quizcli.engine",
    "test_ci_extracts_exactly_the_readme_test_command": "runs the extraction line of .ci/run on the README",
}


def _dead(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    q: set[str] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.ImportFrom) and n.module and (n.module.startswith("quizcli") or n.module == "syllabus_data"):
            q |= {a.asname or a.name for a in n.names}
        if isinstance(n, ast.Import):
            q |= {(a.asname or a.name).split(".")[0] for a in n.names if a.name.startswith("quizcli")}
    for n in tree.body:  # module constants computed from quizcli names
        if isinstance(n, ast.Assign) and {x.id for x in ast.walk(n.value) if isinstance(x, ast.Name)} & q:
            q |= {x.id for t in n.targets for x in ast.walk(t) if isinstance(x, ast.Name)}
    funcs = {f.name: f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)}

    def own(f: ast.FunctionDef) -> bool:
        names = {x.id for x in ast.walk(f) if isinstance(x, ast.Name)}
        strs = " ".join(x.value for x in ast.walk(f) if isinstance(x, ast.Constant) and isinstance(x.value, str))
        args = {a.arg for a in f.args.args}
        return bool(names & q) or bool(names & args & FIXTURES) or "question_bank" in strs or "quizcli" in strs

    good = {name for name, f in funcs.items() if own(f)}
    consts = {t.id: n.value for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    changed = True
    while changed:  # a function reaches quizcli through a helper (or a decorator) that does
        changed = False
        for c, value in consts.items():  # a module constant computed by a function that reaches quizcli
            if c not in good and {x.id for x in ast.walk(value) if isinstance(x, ast.Name)} & good:
                good.add(c)
                changed = True
        for name, f in funcs.items():
            if name in good:
                continue
            used = {x.id for x in ast.walk(f) if isinstance(x, ast.Name)}
            used |= {x.id for d in f.decorator_list for x in ast.walk(d) if isinstance(x, ast.Name)}
            if used & good:
                good.add(name)
                changed = True

    def reaches(f: ast.FunctionDef) -> bool:
        return f.name in good

    return [f"{path.relative_to(TESTS)}:{f.lineno} {f.name}" for f in tree.body
            if isinstance(f, ast.FunctionDef) and f.name.startswith("test") and not reaches(f) and f.name not in GUARDS_A_FILE]


def test_every_test_reaches_quizcli_or_the_bank():
    dead = [d for p in sorted(TESTS.rglob("test_*.py")) if p.name != Path(__file__).name for d in _dead(p)]
    assert dead == [], f"{len(dead)} tests touch neither quizcli nor the bank:\n" + "\n".join(dead)


# An assert whose condition names nothing but literals, these modules and builtins checks the
# test's own arithmetic: `assert 0.9 ** 50 == pytest.approx(0.005, abs=0.0005)` passes whatever
# the bank says. The number belongs in a states(bank, ...) call, or in a comparison with the code.
ARITHMETIC_ONLY = {"math", "pytest", "np", "numpy"} | set(dir(builtins))


def _bound(expr: ast.AST) -> set[str]:
    """Names the expression binds itself (comprehension targets, lambda arguments, :=)."""
    out: set[str] = set()
    for n in ast.walk(expr):
        if isinstance(n, ast.comprehension):
            out |= {x.id for x in ast.walk(n.target) if isinstance(x, ast.Name)}
        elif isinstance(n, ast.Lambda):
            out |= {a.arg for a in n.args.posonlyargs + n.args.args + n.args.kwonlyargs}
        elif isinstance(n, ast.NamedExpr):
            out.add(n.target.id)
    return out


def _constant_asserts(path: Path) -> list[str]:
    out = []
    for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(n, ast.Assert):
            names = {x.id for x in ast.walk(n.test) if isinstance(x, ast.Name)} - _bound(n.test)
            if names <= ARITHMETIC_ONLY:
                out.append(f"{path.name}:{n.lineno} assert {ast.unparse(n.test)}")
    return out


def test_no_assert_checks_only_its_own_arithmetic():
    found = [a for p in sorted(TESTS.rglob("*.py")) for a in _constant_asserts(p)]
    assert found == [], f"{len(found)} asserts use only literals and math/pytest/numpy (check the bank or the code instead):\n" + "\n".join(found)


def test_constant_assert_check_can_fail(tmp_path):
    f = tmp_path / "test_synthetic.py"
    f.write_text("import math\nimport numpy as np\nimport pytest\nfrom quizcli.engine import layers\n\n\n"
                 "def test_x(bank):\n"
                 "    assert 0.9 ** 50 == pytest.approx(0.005, abs=0.0005)\n"          # line 8: literals and pytest
                 "    assert round(math.exp(1), 3) == 2.718\n"                          # line 9: math and a builtin
                 "    assert [d * 2 for d in (1, 2)] == [2, 4]\n"                       # line 10: a comprehension's own name
                 "    assert np.allclose(np.clip([3, 4], -1, 1), [1, 1])\n"             # line 11: numpy
                 "    assert bank.questions['q'].answer == pytest.approx(0.005)\n"      # reads the bank
                 "    assert layers.Dense(2, 3).params['W'].shape == (3, 2)\n"          # reads the code
                 "    assert all(x > 0 for x in bank.concepts)\n",                      # the loop runs over the bank
                 encoding="utf-8")
    assert [a.split(" ")[0] for a in _constant_asserts(f)] == [f"test_synthetic.py:{i}" for i in (8, 9, 10, 11)]
