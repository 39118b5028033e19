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
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Sequence

from ..core.models import Bilingual

DIFFICULTIES = ("easy", "medium", "hard")

# Numbers, vectors (tuple of numbers) and matrices (tuple of rows).
Answer = Any


class ParamError(ValueError):
    """Parameters a student gave that cannot be used; carries both languages."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en, self.zh = en, zh

    def t(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class RoutesDisagree(AssertionError):
    """The formula and the engine gave different answers: the problem is never shown."""


@dataclass(frozen=True)
class Param:
    """One input of a family, as a student types it to `quizcli solve`.

    kind: int | float | pair (one int or 'h,w') | ints (comma list) | floats (comma list)
          | matrix ('1 2; 3 4') | str | bool
    min, max: the range every number of the value must lie in (each entry of a pair, list or
          matrix); max_len: the most entries of a list (rows and columns of a matrix). They
          cover every real exam and homework size and keep `solve` fast and small in memory
          (a 100000×100000 input would allocate tens of GiB); `check_limits` enforces them.
    """

    name: str
    kind: str
    help: Bilingual
    default: Any = None  # None: required
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    max_len: int | None = None

    @property
    def required(self) -> bool:
        return self.default is None

    def limits_text(self, lang: str = "en") -> str:
        """'1–4096, at most 12 entries' (empty when the parameter has no limits)."""
        parts = []
        if self.min is not None and self.max is not None:
            parts.append(f"{_lim(self.min)}–{_lim(self.max)}")
        elif self.max is not None:
            parts.append("≤ " + _lim(self.max))
        elif self.min is not None:
            parts.append("≥ " + _lim(self.min))
        if self.max_len is not None:
            if self.kind == "matrix":
                parts.append(f"at most {self.max_len} rows and columns" if lang != "zh" else f"至多 {self.max_len} 行、{self.max_len} 列")
            else:
                parts.append(f"at most {self.max_len} entries" if lang != "zh" else f"至多 {self.max_len} 个数")
        return (", " if lang != "zh" else "，").join(parts)


@dataclass(frozen=True)
class Family:
    id: str
    topic: str
    concepts: tuple[str, ...]
    title: Bilingual
    params: tuple[Param, ...]
    kind: str = "numeric"  # how answers are graded: numeric (number/vector/matrix)
    notes: tuple[Bilingual, ...] = ()  # shown by `solve FAMILY --help`: limits across parameters, what is not covered

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name or name in p.aliases:
                return p
        return None


@dataclass(frozen=True)
class Misconception:
    """A common wrong method, the answer it produces, and feedback that names it."""

    id: str
    value: Answer
    feedback: Bilingual
    also: tuple[str, ...] = ()  # other wrong methods giving the same number (named in `feedback` too)

    @property
    def feedback_en(self) -> str:
        return self.feedback.en

    @property
    def feedback_zh(self) -> str:
        return self.feedback.zh

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "value": to_jsonable(self.value), "feedback": self.feedback.to_dict(), "also": list(self.also)}


@dataclass(frozen=True)
class StepMistake:
    """A wrong method at one step: the value it gives, recomputed from the values the student
    has entered before (`fn(env)`, env as for `Step.fn`), and feedback that names it."""

    id: str
    feedback: Bilingual
    fn: Callable[[dict], Answer]


@dataclass(frozen=True)
class Step:
    """One gradable step of a worked solution.

    id: a short key (`a`, `h`, `delta2`); later steps name it in `uses`.
    name: what the step computes, as a prompt asks it ("the pre-activation a").
    text: the line shown in the worked solution, built from the shown numbers.
    value: the exact value (number, vector or matrix); `shown` is what the text shows
          (each shown line is computed from the shown values of the lines before, so a
          student redoing a line with the shown numbers gets the shown result).
    uses: the parameters and earlier step ids `fn` reads.
    fn(env) -> value: the step recomputed from `env` (parameters and earlier step values by
          id): given the student's own earlier numbers, this is what the step should be
          (error carried forward).
    rule, formula, substituted: the hint ladder's first three rungs (the rule's name, the
          formula, the formula with the numbers); the fourth is `text`.
    """

    id: str
    name: Bilingual
    text: Bilingual
    value: Answer
    uses: tuple[str, ...]
    fn: Callable[[dict], Answer]
    shown: Answer = None
    digits: int = 4
    sig: int | None = None  # shown to `sig` significant digits instead of `digits` decimals
    rtol: float = 1e-3
    atol: float = 5e-4
    rule: Bilingual | None = None
    formula: Bilingual | None = None
    substituted: Bilingual | None = None
    mistakes: tuple[StepMistake, ...] = ()
    params: tuple[tuple[str, Any], ...] = ()  # the parameters it uses, as the family parsed them
    text_fn: Callable[[dict], Bilingual] | None = field(default=None, compare=False)  # text / substituted
    subst_fn: Callable[[dict], Bilingual] | None = field(default=None, compare=False)  # for other numbers

    def text_for(self, env: dict) -> Bilingual:
        """The step's line (rung 4) with the student's own earlier numbers; `text` if it cannot be built."""
        return self._with(self.text_fn, env) or self.text

    def substituted_for(self, env: dict) -> Bilingual | None:
        """The formula with the student's own earlier numbers (rung 3); `substituted` if it cannot be built."""
        return self._with(self.subst_fn, env) or self.substituted

    def _with(self, fn, env: dict):
        if fn is None:
            return None
        e = self.env(env)
        try:
            if self.id not in e:
                e[self.id] = round_value(self.fn(e), self.digits, self.sig)
            return fn(e)
        except (KeyError, IndexError, TypeError, ValueError, ArithmeticError):
            return None

    def env(self, env: dict) -> dict:
        """`env` (earlier step values by id) completed with the parsed parameters."""
        return {**env, **dict(self.params)}

    def recompute(self, env: dict) -> Answer:
        return self.fn(self.env(env))

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        def tx(b):
            return None if b is None else (b.t(lang) if lang else b.to_dict())

        return {"id": self.id, "name": tx(self.name), "text": tx(self.text), "value": to_jsonable(self.value),
                "uses": list(self.uses), "tolerance": {"rel": self.rtol, "abs": self.atol}}


def round_value(v: Any, digits: int, sig: int | None = None) -> Any:
    """A number, vector or matrix rounded entry by entry (as a step shows it): to `digits`
    decimals, or to `sig` significant digits when given."""
    if isinstance(v, (list, tuple)):
        return tuple(round_value(x, digits, sig) for x in v)
    if sig:
        return float(f"{float(v):.{sig}g}")
    return round(float(v), digits)


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


@dataclass(frozen=True)
class Solution:
    """What `solve` returns: the student's route to the answer."""

    prompt: Bilingual
    answer: Answer
    steps: tuple[Bilingual, ...]
    misconceptions: tuple[Misconception, ...] = ()
    conventions: tuple[Bilingual, ...] = ()
    answer_text: str | None = None  # exact display ("3/4", "[0.95, 0.05]"); default: formatted answer
    rtol: float = 1e-2
    atol: float = 1e-6
    hint: Bilingual | None = None
    chain: tuple[Step, ...] = ()  # the gradable steps; () = one final step (the answer)
    answer_of: tuple[str, ...] = ()  # the answer is these steps' values joined (μ, σ², y…); () = the last step


@dataclass(frozen=True)
class Problem:
    """A generated (or student-specified) problem with both routes' answers agreeing."""

    id: str  # "family:seed" (medium) or "family:seed:difficulty"; "family" for `solve`
    family: str
    topic: str
    concepts: tuple[str, ...]
    difficulty: str
    params: tuple[tuple[str, Any], ...]
    prompt: Bilingual
    answer: Answer
    answer_text: str
    steps: tuple[Bilingual, ...]
    misconceptions: tuple[Misconception, ...]
    conventions: tuple[Bilingual, ...]
    rtol: float
    atol: float
    engine_answer: Answer = None
    hint: Bilingual | None = None
    seed: int | None = None
    chain: tuple[Step, ...] = ()
    answer_of: tuple[str, ...] = ()

    @property
    def gradable_steps(self) -> tuple[Step, ...]:
        """The declared steps, or one step asking the final answer for a family that declares none."""
        if self.chain:
            return self.chain
        ans = self.answer
        text = bi(f"Answer: {self.answer_text}", f"答案：{self.answer_text}")
        if self.steps:
            text = Bilingual(" ".join(s.en for s in self.steps), " ".join(s.zh for s in self.steps))
        return (Step(id="answer", name=bi("the answer", "答案"), text=text, value=ans, uses=tuple(k for k, _ in self.params),
                     fn=lambda env, _a=ans: _a, shown=ans, rtol=self.rtol, atol=self.atol, formula=self.hint,
                     mistakes=tuple(StepMistake(m.id, m.feedback, (lambda env, _v=m.value: _v)) for m in self.misconceptions)),)

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """JSON form: {"family", "params", "answer", "steps", "conventions", ...}.
        With `lang`, texts are strings in that language; without, {en, zh} objects."""

        def tx(b: Bilingual | None):
            if b is None:
                return None
            return b.t(lang) if lang else b.to_dict()

        return {
            "id": self.id,
            "family": self.family,
            "topic": self.topic,
            "concepts": list(self.concepts),
            "difficulty": self.difficulty,
            "seed": self.seed,
            "params": {k: to_jsonable(v) for k, v in self.params},
            "prompt": tx(self.prompt),
            "answer": to_jsonable(self.answer),
            "answer_text": self.answer_text,
            "tolerance": {"rel": self.rtol, "abs": self.atol},
            "steps": [{**s.to_dict(lang), "text": tx(s.text)} for s in self.gradable_steps],
            "worked": [tx(s) for s in self.steps],
            "answer_of": list(self.answer_of) or None,
            "conventions": [tx(c) for c in self.conventions],
            "misconceptions": [
                {"id": m.id, "value": to_jsonable(m.value), "feedback": tx(m.feedback), "also": list(m.also)}
                for m in self.misconceptions
            ],
            "engine_answer": to_jsonable(self.engine_answer),
        }


def to_jsonable(v: Any) -> Any:
    if isinstance(v, Fraction):
        return float(v)
    if isinstance(v, (list, tuple)):
        return [to_jsonable(x) for x in v]
    if hasattr(v, "tolist"):  # numpy arrays and scalars
        return v.tolist()
    return v


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


def _lim(x: float) -> str:
    """A limit or an offending value, short even when huge (1e+300, not 301 digits)."""
    x = float(x)
    if x != x or x in (float("inf"), float("-inf")):
        return str(x)
    if x == int(x) and abs(x) < 1e12:
        return str(int(x))
    return f"{x:.6g}"


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
