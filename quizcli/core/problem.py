"""The value types of generated problems: what a family declares (Family, Param), what its
`solve` returns (Solution, with Misconception and the gradable Step chain) and what a command
shows (Problem). Pure data with `to_dict`; the machinery that builds them (routes, seeds,
limits) lives in `quizcli.generators.base`."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Literal

from .models import Bilingual

Difficulty = Literal["easy", "medium", "hard"]  # the closed vocabulary of a generated problem's level
DIFFICULTIES: tuple[Difficulty, ...] = ("easy", "medium", "hard")

# Numbers, vectors (tuple of numbers) and matrices (tuple of rows).
Answer = Any


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
                parts.append(Bilingual(f"at most {self.max_len} rows and columns", f"至多 {self.max_len} 行、{self.max_len} 列").t(lang))
            else:
                parts.append(Bilingual(f"at most {self.max_len} entries", f"至多 {self.max_len} 个数").t(lang))
        return Bilingual(", ", "，").t(lang).join(parts)


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
    difficulty: Difficulty
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
        text = Bilingual(f"Answer: {self.answer_text}", f"答案：{self.answer_text}")
        if self.steps:
            text = Bilingual(" ".join(s.en for s in self.steps), " ".join(s.zh for s in self.steps))
        return (Step(id="answer", name=Bilingual("the answer", "答案"), text=text, value=ans, uses=tuple(k for k, _ in self.params),
                     fn=lambda env, _a=ans: _a, shown=ans, rtol=self.rtol, atol=self.atol, formula=self.hint,
                     mistakes=tuple(StepMistake(m.id, m.feedback, (lambda env, _v=m.value: _v)) for m in self.misconceptions)),)

    def route_note(self) -> Bilingual | None:
        """When the worked lines, each computed from the rounded numbers before it, end a unit
        off the answer in its last shown decimal (…/3 = 0.7067 against the answer 0.7068, from
        the unrounded values), a line saying so; None when they agree (nearly always)."""
        if "/" in self.answer_text:
            return None
        decimals = [len(f) for f in re.findall(r"\d\.(\d+)", self.answer_text)]
        if not decimals or not self.chain:
            return None
        dec = max(decimals)
        by_id = {st.id: st for st in self.chain}
        shown = [x for sid in self.answer_of for x in _flat_numbers(by_id[sid].shown)] if self.answer_of else \
            _flat_numbers(self.chain[-1].shown)
        exact = _flat_numbers(self.answer)
        if len(shown) != len(exact) or all(round(a, dec) == round(b, dec) for a, b in zip(shown, exact)):
            return None
        last = self.chain[-1].shown
        if not self.answer_of and isinstance(last, (list, tuple)) and last and isinstance(last[0], (list, tuple)):
            text = "[" + "; ".join(" ".join(f"{float(v):.{dec}f}" for v in row) for row in last) + "]"  # a matrix, row by row
        else:
            text = ", ".join(f"{v:.{dec}f}" for v in shown)
            text = f"[{text}]" if len(shown) > 1 else text
        both = all(abs(a - b) <= self.atol + self.rtol * abs(b) for a, b in zip(shown, exact))  # the grader's tolerance
        return Bilingual(f"(The rounded numbers of the lines above give {text}; the answer is from the unrounded values."
                         + (" Both are graded right.)" if both else ")"),
                         f"（按上面各行的舍入值计算得 {text}；答案由未舍入的值算出。" + ("两者都判为正确。）" if both else "）"))

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


def _flat_numbers(v: Any) -> list[float]:
    if isinstance(v, (list, tuple)):
        return [x for e in v for x in _flat_numbers(e)]
    return [float(v)]


def to_jsonable(v: Any) -> Any:
    if isinstance(v, Fraction):
        return float(v)
    if isinstance(v, (list, tuple)):
        return [to_jsonable(x) for x in v]
    if hasattr(v, "tolist"):  # numpy arrays and scalars
        return v.tolist()
    return v



def _lim(x: float) -> str:
    """A limit or an offending value, short even when huge (1e+300, not 301 digits)."""
    x = float(x)
    if x != x or x in (float("inf"), float("-inf")):
        return str(x)
    if x == int(x) and abs(x) < 1e12:
        return str(int(x))
    return f"{x:.6g}"
