"""The house's order, checked on the source (docs/architecture.md): every import of one
quizcli package by another points down the layer list, at module level or inside a function,
and no package's modules import each other in a cycle."""
import ast
import functools
from collections import defaultdict
from pathlib import Path

import quizcli

ROOT = Path(quizcli.__file__).resolve().parent

# bottom first; a package may import only packages on a lower level
LAYERS = [
    {"core", "i18n", "engine"},
    {"grading"},
    {"generators"},
    {"kinds"},
    {"bank"},
    {"progress"},
    {"study"},
    {"render"},
    {"export"},
    {"api"},
    {"commands"},
    {"cli"},
    {"_entry"},
    {"__main__"},
]
LEVEL = {pkg: i for i, layer in enumerate(LAYERS) for pkg in layer}


@functools.lru_cache(maxsize=1)
def _imports():
    """(importing module, imported module, file:line) for every quizcli import in the package
    (read once per session: three tests ask)."""
    out = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        mod = ".".join(rel.parts)
        is_pkg = path.name == "__init__.py"
        if is_pkg:
            mod = mod.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    prefix = ".".join(base + ([node.module] if node.module else []))
                    targets = [prefix] if node.module else [f"{prefix}.{a.name}" for a in node.names]
                elif node.module and node.module.split(".")[0] == "quizcli":
                    targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.split(".")[0] == "quizcli"]
            for t in targets:
                out.append((mod, t, f"{path.relative_to(ROOT.parent)}:{node.lineno}"))
    return out


def _package(mod: str) -> str:
    parts = mod.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_package_has_a_layer():
    pkgs = {_package(m) for m, _, _ in _imports()} - {"__init__"}
    assert pkgs <= set(LEVEL), pkgs - set(LEVEL)


def test_imports_point_down():
    up = []
    for src, dst, where in _imports():
        a, b = _package(src), _package(dst)
        if a == b or a == "__init__" or b == "__init__":
            continue
        if LEVEL[b] >= LEVEL[a]:
            up.append(f"{where}: {src} imports {dst} ({a} is level {LEVEL[a]}, {b} is level {LEVEL[b]})")
    assert up == []


def test_no_import_cycle_between_modules():
    graph = defaultdict(set)
    modules = {m for m, _, _ in _imports()}
    for src, dst, _ in _imports():
        # "from .x import name" resolves to the module x when it exists, else the package
        while dst not in modules and "." in dst:
            dst = dst.rsplit(".", 1)[0]
        if dst != src and dst in modules and _package(dst) != "__init__":
            graph[src].add(dst)
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                cycles.append(stack[stack.index(n):] + [n])
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
    # a package's __init__ re-exporting its own modules is not a cycle of behaviour
    cycles = [c for c in cycles if not any(x.count(".") == 1 and x.split(".")[1] in LEVEL and x == "quizcli." + _package(x) for x in c)]
    assert cycles == []


def test_the_library_never_prints():
    """Only commands/ (and cli.py) write to the terminal; the library returns what to say."""
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        pkg = path.relative_to(ROOT).parts[0].removesuffix(".py")
        if pkg in ("commands", "cli", "__main__", "_entry"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                offenders.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    assert offenders == []


def test_no_command_imports_another_commands_private_helpers():
    """What two commands share lives in commands/common.py under a public name."""
    found = []
    for path in sorted((ROOT / "commands").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module and node.module != "common":
                found += [f"{path.name}:{node.lineno} {a.name}" for a in node.names if a.name.startswith("_")]
    assert found == []
