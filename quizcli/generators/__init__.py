"""Problem generators: one module per family, found by scanning this package.

Adding a family is adding a module that defines FAMILY, generate, solve and check (see
`base.py`); nothing else needs editing. Modules whose name starts with `_` and `base`
are not families.
"""
from __future__ import annotations

import difflib
import importlib
import pkgutil
from typing import Any

from .base import (
    DIFFICULTIES,
    Family,
    FamilyModule,
    Param,
    ParamError,
    Problem,
    generate_problem,
    parse_problem_id,
    solve_problem,
)
from ..core.models import Bilingual

_REGISTRY: dict[str, FamilyModule] | None = None


def families() -> dict[str, FamilyModule]:
    """Every family, by id, in alphabetical order."""
    global _REGISTRY
    if _REGISTRY is None:
        found: dict[str, FamilyModule] = {}
        for info in pkgutil.iter_modules(__path__):
            if info.name.startswith("_") or info.name == "base":
                continue
            mod = importlib.import_module(f"{__name__}.{info.name}")
            fam = getattr(mod, "FAMILY", None)
            if not isinstance(fam, Family):
                continue
            found[fam.id] = FamilyModule(family=fam, generate=mod.generate, solve=mod.solve, check=mod.check)
        _REGISTRY = dict(sorted(found.items()))
    return _REGISTRY


class UnknownFamily(KeyError):
    def __init__(self, name: str, suggestions: list[str]):
        super().__init__(name)
        self.name, self.suggestions = name, suggestions


def get(name: str) -> FamilyModule:
    fams = families()
    key = name.strip().lower().replace("-", "_")
    if key in fams:
        return fams[key]
    raise UnknownFamily(name, difflib.get_close_matches(key, list(fams), n=3, cutoff=0.5))


def problem(pid: str) -> Problem:
    """The problem with id 'family:seed' or 'family:seed:difficulty'."""
    fam, seed, difficulty = parse_problem_id(pid)
    return generate_problem(get(fam), seed, difficulty)


def generate(family: str, seed: int, difficulty: str = "medium") -> Problem:
    return generate_problem(get(family), seed, difficulty)


# ----------------------------------------------------------------------------- params


def _parse_value(p: Param, raw: str) -> Any:
    from ..grading.numeric import parse_number

    raw = raw.strip()

    def num_list(text: str) -> list[float]:
        parts = [x for x in text.replace("，", ",").replace(" ", ",").split(",") if x.strip()]
        return [parse_number(x) for x in parts]

    def as_int(v: float) -> int:
        if v != int(v):
            raise ValueError("not a whole number")
        return int(v)

    try:
        if p.kind == "int":
            return as_int(parse_number(raw))
        if p.kind == "float":
            return float(parse_number(raw))
        if p.kind == "pair":
            vals = [as_int(v) for v in num_list(raw)]
            if len(vals) == 1:
                return (vals[0], vals[0])
            if len(vals) == 2:
                return (vals[0], vals[1])
            raise ValueError("give one number or two (h,w)")
        if p.kind == "ints":
            return tuple(as_int(v) for v in num_list(raw))
        if p.kind == "floats":
            return tuple(float(v) for v in num_list(raw))
        if p.kind == "matrix":
            rows = [r for r in raw.split(";") if r.strip()]
            out = tuple(tuple(float(v) for v in num_list(r)) for r in rows)
            if len({len(r) for r in out}) != 1 or not out or not out[0]:
                raise ValueError("rows must have the same number of entries")
            return out
        if p.kind == "bool":
            v = raw.lower()
            if v in ("1", "true", "yes", "y", "t", "on"):
                return True
            if v in ("0", "false", "no", "n", "f", "off"):
                return False
            raise ValueError("use true or false")
        if p.kind == "str":
            if p.choices and raw not in p.choices:
                raise ValueError(f"choose one of {', '.join(p.choices)}")
            return raw
    except Exception as e:  # ParseError from the number parser, ValueError above
        msg = getattr(e, "message_en", None) or str(e)
        raise ParamError(f"{p.name}={raw}: {msg}", f"{p.name}={raw}：{getattr(e, 'message_zh', None) or msg}") from None
    raise ParamError(f"{p.name}: unknown kind {p.kind}", f"{p.name}：未知类型 {p.kind}")


def _default_value(p: Param) -> Any:
    if isinstance(p.default, str) and p.kind != "str":
        return _parse_value(p, p.default)
    return p.default


def describe_params(fam: Family, lang: str = "en") -> str:
    lines = []
    for p in fam.params:
        d = "required" if p.required else f"default {p.default}"
        if lang == "zh":
            d = "必填" if p.required else f"默认 {p.default}"
        lim = p.limits_text(lang)
        if lim:
            d += Bilingual("; ", "；").t(lang) + lim
        alias = f" ({', '.join(p.aliases)})" if p.aliases else ""
        lines.append(f"  {p.name}{alias}: {p.help.t(lang)} [{d}]")
    return "\n".join(lines)


def parse_params(fam: Family, args: list[str]) -> dict[str, Any]:
    """`["n=32", "k=5"]` -> {"n": (32, 32), "k": (5, 5), "s": (1, 1), ...} with defaults
    filled in; ParamError (both languages) naming the right parameters otherwise."""
    given: dict[str, Any] = {}
    for a in args:
        if "=" not in a:
            raise ParamError(
                f"'{a}' is not name=value. Parameters of {fam.id}:\n{describe_params(fam, 'en')}",
                f"“{a}”不是 名称=数值 的形式。{fam.id} 的参数：\n{describe_params(fam, 'zh')}",
            )
        name, raw = a.split("=", 1)
        p = fam.param(name.strip())
        if p is None:
            near = difflib.get_close_matches(name.strip(), [q.name for q in fam.params], n=1)
            hint_en = f" (did you mean {near[0]}?)" if near else ""
            hint_zh = f"（是不是 {near[0]}？）" if near else ""
            raise ParamError(
                f"unknown parameter '{name}' for {fam.id}{hint_en}. Its parameters:\n{describe_params(fam, 'en')}",
                f"{fam.id} 没有参数“{name}”{hint_zh}。它的参数：\n{describe_params(fam, 'zh')}",
            )
        given[p.name] = _parse_value(p, raw)
    out: dict[str, Any] = {}
    missing = []
    for p in fam.params:
        if p.name in given:
            out[p.name] = given[p.name]
        elif p.required:
            missing.append(p)
        else:
            out[p.name] = _default_value(p)
    if missing:
        names = ", ".join(p.name for p in missing)
        raise ParamError(
            f"{fam.id} needs {names}. Its parameters:\n{describe_params(fam, 'en')}",
            f"{fam.id} 缺少参数 {names}。它的参数：\n{describe_params(fam, 'zh')}",
        )
    return out


def solve(family: str, args: list[str]) -> Problem:
    fm = get(family)
    return solve_problem(fm, parse_params(fm.family, args))


__all__ = [
    "DIFFICULTIES", "families", "get", "problem", "generate", "solve", "parse_params",
    "describe_params", "UnknownFamily", "ParamError",
]
