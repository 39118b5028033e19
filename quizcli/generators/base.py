"""The contract every problem family follows, and the value types it produces.

A family is one module in `quizcli/generators/` (PrairieLearn-style: adding a family is
adding a file). The module defines:

    FAMILY = Family(id=..., topic=..., concepts=(...), title=Bilingual(...), params=(Param(...), ...))

    def generate(rng: random.Random, difficulty: str) -> dict
        Draw realistic exam parameters (names as in FAMILY.params) for a difficulty
        ("easy", "medium", "hard"). Use only `rng` so a seed reproduces the problem.

    def solve(p: dict) -> Solution
        The route a student takes: the closed formula, with the worked steps, the prompt,
        the conventions and the misconceptions (wrong methods and the answers they give).
        Raise ValueError(Bilingual-style message) for parameters that make no sense.

    def check(p: dict) -> answer
        The second route: the engine doing the thing (run the layer and read the shape,
        count the parameters of built layers, backpropagate, finite differences …).
        Must not reuse `solve`'s formula.

`build_problem` runs both routes and refuses to return a problem on which they disagree.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, Sequence

from ..core.models import Bilingual
from ..core.problem import (  # noqa: F401  (re-exported: families import them from here)
    DIFFICULTIES, Answer, Family, Misconception, Param, Problem, Solution, Step, StepMistake, _lim, round_value, to_jsonable,
)


class ParamError(ValueError):
    """Parameters a student gave that cannot be used; carries both languages."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en, self.zh = en, zh

    def t(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class RoutesDisagree(AssertionError):
    """The formula and the engine gave different answers: the problem is never shown."""


def strip_results(line: str) -> str:
    """A worked line without its results, for the hint ladder's 'formula with the numbers' rung:
    each '; '-separated part loses its last ' = value' ('$a = 1·2 + 3 = 5$' → '$a = 1·2 + 3$')."""
    out = []
    for part in line.split("; "):
        head = part.rsplit(" = ", 1)[0] if " = " in part else part
        if head.count("$") % 2:
            head += "$"
        out.append(head)
    return "; ".join(out)


def fmt_sig(x: float, sig: int = 6) -> str:
    """A number to `sig` significant digits, without exponent unless it is tiny."""
    x = float(x)
    if x == 0:
        return "0"
    s = f"{x:.{sig}g}"
    if "e" in s:
        exp = int(s.split("e")[1])
        if exp >= -5:
            s = f"{x:.{sig - 1 - exp}f}"
    if "." in s and "e" not in s:
        s = s.rstrip("0").rstrip(".")
    return s


class Chain:
    """Builds a family's steps: each step's value from the exact values before it, its shown
    value from the shown values before it (so the worked text has no rounding drift).

        ch = Chain(params)
        ch.step("a", name, lambda e: ..., uses=("x", "w"), text=lambda s: bi(...))
        ch.steps  # tuple[Step, ...]

    `text(s)` receives the shown environment (parameters and shown step values, this step's
    included) and returns the step's line in both languages; `substituted(s)` likewise."""

    def __init__(self, params: dict):
        self.exact: dict = dict(params)
        self.shown: dict = dict(params)
        self._steps: list[Step] = []
        self._params = dict(params)

    def step(self, id: str, name: Bilingual, fn: Callable[[dict], Answer], *, uses: tuple[str, ...],
             text: Callable[[dict], Bilingual], digits: int = 4, sig: int | None = None, rtol: float = 1e-3, atol: float = 5e-4,
             rule: Bilingual | None = None, formula: Bilingual | None = None,
             substituted: Callable[[dict], Bilingual] | None = None,
             mistakes: tuple[StepMistake, ...] = ()) -> Any:
        value = fn(self.exact)
        shown = round_value(fn(self.shown), digits, sig)
        self.exact[id] = value
        self.shown[id] = shown
        self._steps.append(Step(id=id, name=name, text=text(self.shown), value=value, uses=tuple(uses), fn=fn,
                                shown=shown, digits=digits, sig=sig, rtol=rtol, atol=atol, rule=rule, formula=formula,
                                substituted=substituted(self.shown) if substituted else None, mistakes=tuple(mistakes),
                                params=tuple((k, self._params[k]) for k in uses if k in self._params),
                                text_fn=text, subst_fn=substituted))
        return value

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(self._steps)


def bi(en: str, zh: str) -> Bilingual:
    """Shorthand for a bilingual text in family modules."""
    return Bilingual(en=en, zh=zh)


def fmt_num(x: Any, digits: int = 4) -> str:
    """A number as a student writes it: integers without '.0', others to `digits`
    significant decimals with trailing zeros dropped."""
    if isinstance(x, Fraction):
        if x.denominator == 1:
            return str(x.numerator)
        return f"{x.numerator}/{x.denominator}"
    xf = float(x)
    if xf == int(xf) and abs(xf) < 1e15:
        return str(int(xf))
    s = f"{xf:.{digits}f}".rstrip("0").rstrip(".")
    if s in ("0", "-0"):
        s = f"{xf:.{digits}g}"
    return s


def fmt_answer(a: Any, digits: int = 4) -> str:
    if isinstance(a, (list, tuple)):
        if a and isinstance(a[0], (list, tuple)):
            return "[" + "; ".join(" ".join(fmt_num(v, digits) for v in row) for row in a) + "]"
        return "[" + ", ".join(fmt_num(v, digits) for v in a) + "]"
    return fmt_num(a, digits)


def _flat(v: Any) -> list[float] | None:
    """A number or a flat tuple/list of numbers as floats; None for anything else."""
    if isinstance(v, (int, float, Fraction)) and not isinstance(v, bool):
        return [float(v)]
    if isinstance(v, (list, tuple)) and all(isinstance(x, (int, float, Fraction)) and not isinstance(x, bool) for x in v):
        return [float(x) for x in v]
    return None


def answers_agree(a: Any, b: Any, rtol: float = 1e-9, atol: float = 1e-9) -> bool:
    """Agreement of two answers, entry by entry: |a − b| ≤ atol + rtol·|b| (the grader's rule)."""
    fa, fb = _flat(a), _flat(b)
    if fa is not None and fb is not None and isinstance(a, (list, tuple)) == isinstance(b, (list, tuple)):
        # pure Python for numbers and vectors: numpy costs ~1 ms per call here
        return len(fa) == len(fb) and all(abs(x - y) <= atol + rtol * abs(y) for x, y in zip(fa, fb))
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)) or hasattr(a, "shape") or hasattr(b, "shape"):
        import numpy as np

        A, B = np.asarray(to_jsonable(a), dtype=float), np.asarray(to_jsonable(b), dtype=float)
        return A.shape == B.shape and bool(np.allclose(A, B, rtol=rtol, atol=atol))
    return abs(float(a) - float(b)) <= atol + rtol * abs(float(b))


def problem_id(family: str, seed: int, difficulty: str) -> str:
    return f"{family}:{seed}" if difficulty == "medium" else f"{family}:{seed}:{difficulty}"


def parse_problem_id(pid: str) -> tuple[str, int, str]:
    """'conv_output:7' -> ('conv_output', 7, 'medium'); 'conv_output:7:hard' -> (..., 'hard')."""
    parts = pid.split(":")
    if len(parts) not in (2, 3) or not parts[1].lstrip("-").isdigit():
        raise ValueError(f"not a problem id: {pid!r} (expected family:seed)")
    difficulty = parts[2] if len(parts) == 3 else "medium"
    if difficulty not in DIFFICULTIES:
        raise ValueError(f"unknown difficulty {difficulty!r} in {pid!r}")
    return parts[0], int(parts[1]), difficulty


def seeded_rng(family: str, seed: int, difficulty: str) -> random.Random:
    # A string seed is hashed deterministically by random.Random (not by hash()).
    return random.Random(f"{family}:{seed}:{difficulty}")


@dataclass
class FamilyModule:
    """A loaded family: its description and its three functions."""

    family: Family
    generate: Callable[[random.Random, str], dict]
    solve: Callable[[dict], Solution]
    check: Callable[[dict], Answer]


def build_problem(fm: FamilyModule, params: dict, *, pid: str, difficulty: str, seed: int | None) -> Problem:
    """Run both routes; raise RoutesDisagree unless they agree."""
    sol = fm.solve(params)
    engine = fm.check(params)
    if not answers_agree(sol.answer, engine):
        raise RoutesDisagree(f"{pid}: formula {sol.answer!r} != engine {engine!r} for {params!r}")
    return Problem(
        id=pid,
        family=fm.family.id,
        topic=fm.family.topic,
        concepts=fm.family.concepts,
        difficulty=difficulty,
        params=tuple(params.items()),
        prompt=sol.prompt,
        answer=sol.answer,
        answer_text=sol.answer_text or fmt_answer(sol.answer),
        steps=sol.steps,
        misconceptions=_distinct_misconceptions(sol),
        conventions=sol.conventions,
        rtol=sol.rtol,
        atol=sol.atol,
        engine_answer=engine,
        hint=sol.hint,
        seed=seed,
        chain=sol.chain,
        answer_of=sol.answer_of,
    )


def _distinct_misconceptions(sol: Solution) -> tuple[Misconception, ...]:
    """Drop misconceptions that the grader could not tell apart from the right answer (they
    would mark a correct answer as a mistake) or from an earlier misconception, judged with
    the problem's own tolerance, doubled for a safety margin."""
    rtol, atol = 2 * sol.rtol + 1e-9, 2 * sol.atol + 1e-9
    out: list[Misconception] = []
    for m in sol.misconceptions:
        if not _finite(m.value):
            continue  # a wrong method that overflows (exp of a huge number) is no answer to match
        # a wrong answer of another shape (a 4×4 map where 2×2 is right) is always distinct
        same_shape = _shape(m.value) == _shape(sol.answer)
        if same_shape and (answers_agree(m.value, sol.answer, rtol=rtol, atol=atol)
                           or answers_agree(sol.answer, m.value, rtol=rtol, atol=atol)):
            continue
        same = [i for i, o in enumerate(out)
                if _shape(o.value) == _shape(m.value) and answers_agree(m.value, o.value, rtol=rtol, atol=atol)]
        if same:
            # two slips give the same wrong number (ignoring the padding and forgetting the +1 when
            # s = 2p): the student is told both, not only the first
            o = out[same[0]]
            if m.id != o.id and m.id not in o.also:
                out[same[0]] = Misconception(o.id, o.value, Bilingual(
                    o.feedback.en + " The same number also comes from another slip: " + m.feedback.en,
                    o.feedback.zh + " 同一个数也可能来自另一个错误：" + m.feedback.zh), o.also + (m.id,))
            continue
        out.append(m)
    return tuple(out)


def _finite(v: Any) -> bool:
    import math

    if isinstance(v, (list, tuple)):
        return all(_finite(x) for x in v)
    try:
        return math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def _shape(v: Any) -> tuple[int, ...]:
    if isinstance(v, (list, tuple)):
        return (len(v),) + (_shape(v[0]) if v and isinstance(v[0], (list, tuple)) else ())
    return ()


MAX_ATTEMPTS = 50


def generate_problem(fm: FamilyModule, seed: int, difficulty: str = "medium") -> Problem:
    """The problem `family:seed` at `difficulty`: same arguments, same problem.

    Parameter draws that the family rejects (ParamError) or on which the two routes
    disagree are skipped; the next draw from the same seeded stream is used."""
    if difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty must be one of {', '.join(DIFFICULTIES)}")
    rng = seeded_rng(fm.family.id, seed, difficulty)
    pid = problem_id(fm.family.id, seed, difficulty)
    last: Exception | None = None
    for _ in range(MAX_ATTEMPTS):
        params = fm.generate(rng, difficulty)
        try:
            return build_problem(fm, params, pid=pid, difficulty=difficulty, seed=seed)
        except (ParamError, RoutesDisagree) as e:
            last = e
    raise RuntimeError(f"{pid}: no valid problem in {MAX_ATTEMPTS} draws ({last})")


def _numbers(v: Any) -> list[float]:
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return []
    if isinstance(v, (int, float, Fraction)):
        return [float(v)]
    if isinstance(v, (list, tuple)):
        return [x for e in v for x in _numbers(e)]
    return []


def check_limits(fam: Family, params: dict) -> None:
    """Refuse, with a message in both languages, a value outside its parameter's limits
    (`Param.min`, `max`, `max_len`): the one place `solve` enforces them."""
    for p in fam.params:
        if p.name not in params:
            continue
        v = params[p.name]
        if p.max_len is not None and isinstance(v, (list, tuple)):
            n = len(v)
            if p.kind == "matrix" and v and isinstance(v[0], (list, tuple)):
                n = max(len(v), max(len(r) for r in v))
            if n > p.max_len:
                what_en = "rows and columns" if p.kind == "matrix" else "entries"
                what_zh = "行/列" if p.kind == "matrix" else "个数"
                raise ParamError(
                    f"{p.name} has {n} {what_en}; at most {p.max_len} are accepted (more than any exam or homework uses).",
                    f"{p.name} 有 {n} {what_zh}；最多接受 {p.max_len}（已超过任何考试与作业的规模）。")
        for x in _numbers(v):
            if x != x:  # NaN
                raise ParamError(f"{p.name}: not a number", f"{p.name}：不是数")
            if p.max is not None and x > p.max:
                raise ParamError(
                    f"{p.name}={_lim(x)} is too large: at most {_lim(p.max)} is accepted "
                    "(this covers every real exam and homework size).",
                    f"{p.name}={_lim(x)} 太大：最多接受 {_lim(p.max)}（已覆盖所有真实考试与作业的规模）。")
            if p.min is not None and x < p.min:
                raise ParamError(
                    f"{p.name}={_lim(x)} is too small: at least {_lim(p.min)} is needed.",
                    f"{p.name}={_lim(x)} 太小：至少为 {_lim(p.min)}。")


def solve_problem(fm: FamilyModule, params: dict) -> Problem:
    """The worked solution for a student's own parameters (both routes checked), after
    `check_limits`."""
    check_limits(fm.family, params)
    return build_problem(fm, params, pid=fm.family.id, difficulty="custom", seed=None)


def pick(rng: random.Random, options: Sequence[Any]) -> Any:
    return options[rng.randrange(len(options))]
