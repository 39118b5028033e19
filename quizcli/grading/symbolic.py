"""Safe symbolic answers: own tokenizer + precedence-climbing parser -> own tree (-> sympy).

Never calls eval / sympify / parse_expr on any text. sympy and mpmath are imported lazily.

Supported syntax
  numbers   2, 0.5, .5, 2.5e-1 (exact rationals: 0.1 is 1/10, never a binary float;
            `2e` or `2ex` is 2*e, 2*e*x)
  operators + - * / and ^ or ** (power, right-assoc; -x^2 = -(x^2); x^-1 ok)
  implicit multiplication  2x, 2(x+1), (x+1)(x-1), x(1-x), σ(x)(1−σ(x)), 2 sigmoid(x);
            it has the same precedence as * and /, so 1/2x = (1/2)*x.
            A run of declared names written together (xy, sx, s_is_j) is split into a
            product only if it decomposes uniquely into declared variables/constants.
  brackets  ( ) and [ ]
  names     the item's declared variables (letters, digits, _ ; e.g. y_hat, w_kj, x1,
            alpha, lambda_) and the constants pi, e (unless declared as variables).
            A declared name may also be written without its underscores when that is
            unambiguous: d_k as dk or dₖ, s_i as si or sᵢ, x1 as x_1 or x₁, lambda_ as
            lambda or λ, sigma_ as sigma or σ. Names with `__` refused.
  functions (whitelist, positional args) exp log(=ln, natural; log(x, b) = base b)
            log2 log10 (= log₂ log_2 ...) sqrt(=√) abs sigmoid(=σ=sigma, 1/(1+exp(-x)))
            softplus(=log(1+exp(x))) tanh sinh cosh sech sin cos tan floor ceil
            max min (max/min take >= 2 args). f²(x), f^2(x), f**2(x) mean f(x)^2.
  prefix    "f(x) =", "σ'(x) =", "y' =" before the expression is ignored (one '=' only,
            and the left side must have brackets or a prime, so "x = 1" is refused).
  Unicode   full-width -> ASCII (NFKC), σ -> sigmoid (or the declared variable sigma /
            sigma_ when not followed by '('), ·×⋅ -> *, − – -> -, ÷ -> /, √ -> sqrt,
            superscripts x² x⁻¹ e⁻ˣ -> ^(...), subscripts dₖ sᵢ x₁ -> d_k s_i x_1,
            greek letters -> names (α -> alpha, μ0 -> mu0, ...), π -> pi, ŷ -> y_hat.

Bounds (checked on our own tree BEFORE anything is evaluated or built)
  length <= 500 chars, nesting depth <= 50, literals |n| <= 1e15,
  constant exponents must satisfy |value| <= 100 ("exponent too large"),
  and every number sympy could produce stays below ~2000 digits ("number too large"),
  whole or fractional exponents alike ((9^15)^15)^99.5 is refused, not built).

Equivalence (`grade_symbolic`, `equivalent`)
  The whole check runs in ONE forked worker process with a deadline (`timeout`, default
  1.5 s for grading): our own tree evaluator, the optional sympy.simplify fallback and
  the misconception matching. On timeout the worker is killed and the answer gets
  "could not check this expression in time" (correct=None: no attempt counted).
  The worker dies with its parent (PR_SET_PDEATHSIG on Linux via ctypes, a watchdog
  thread elsewhere, plus an alarm after twice the deadline) and its stdout/stderr point
  to /dev/null, so a killed drill never leaves a worker behind holding its output.
  Where fork is unavailable the check runs in a daemon thread abandoned at the deadline.

  1. Real-valued evaluation of both trees with Python floats at seeded points: random
     points in [-2, 2] plus a grid of {-2, -1/2, 1/2, 2} per variable (so (a^b)^c is
     told from a^(b·c) at a < 0, b = 2, c = 1/2); if fewer than 5 points are usable,
     (0, 2], then [-10, 10] and [2, 10]. A point counts only where BOTH sides are real
     and defined (sqrt/log of a negative number, a fractional power of a negative base,
     0^-1 are undefined): answers are compared where both are defined, so 1/sqrt(x) =
     sqrt(1/x) and log(a^2 b) = 2 log(a) + log(b), but x != sqrt(x^2).
  2. Exact decision, no float tolerance: every float disagreement (up to 6) and up to 6
     agreeing points are re-evaluated with mpmath at a precision chosen from the size
     and magnitude bounds of the constants in the two expressions (D digits, e.g. 44 for
     exp(-100); precision D + 50). A difference above 10^-(D+15) of the scale that is
     stable at 40 more digits means "not equivalent" (so s*(1-s) + 1e-8, s*(1-s) +
     10^-100 and 0.333333333 vs 1/3 are refused); agreement (>= 5 usable points, 1 for
     constants, none of them unsure) means equivalent. Decimals are exact rationals, so
     this is the exact decision STACK makes for float-free answers, for all answers.
  3. Too few usable points (e.g. nowhere real) -> sympy.simplify(a - b) == 0 in the same
     worker. Proved -> True; otherwise None ("could not compare").
  A floor/ceil the model does not have is accepted if the answer without it is
  equivalent (the bank's size formulas assume exact division).
"""
from __future__ import annotations

import math
import os
import random
import re
import sys
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Iterable, Mapping, Sequence

from .result import GradeResult, ParseError, get_field

MAX_LENGTH = 500
MAX_DEPTH = 50
MAX_LITERAL = 1e15
MAX_EXPONENT = 100
MAX_DIGITS = 2000
DEFAULT_TIMEOUT = 1.5     # seconds for the whole check of one answer (parse excluded)

DEFAULT_FUNCTIONS = frozenset({
    "exp", "log", "ln", "sqrt", "abs", "sigmoid", "softplus", "tanh", "sinh", "cosh",
    "sech", "sin", "cos", "tan", "max", "min", "floor", "ceil",
})
_LOG_BASE = {"log2": 2, "log10": 10, "log_2": 2, "log_10": 10}     # log₂(V) arrives as log_2(V)
_ALIASES = {"ln": "log", "sigma": "sigmoid", **{k: "log" for k in _LOG_BASE}}
_ARITY = {"max": (2, 20), "min": (2, 20), "log": (1, 2)}  # others: exactly 1
CONSTANTS = ("pi", "e")

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu",
    "ξ": "xi", "ρ": "rho", "τ": "tau", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi",
    "ω": "omega", "π": "pi", "σ": "sigma", "ŷ": "y_hat", "ℓ": "l",
}
_CHARS = {
    "·": "*", "×": "*", "⋅": "*", "∗": "*", "•": "*", "−": "-", "–": "-", "—": "-",
    "÷": "/", "【": "[", "】": "]", "\u3000": " ", "′": "'", "’": "'",
}
_SUPER = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6",
          "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-", "⁺": "+", "ˣ": "x", "ⁿ": "n",
          "⁽": "(", "⁾": ")"}
_SUPER_RUN = re.compile("[" + "".join(_SUPER) + "]+")
_SUB = {"ₐ": "a", "ₑ": "e", "ₒ": "o", "ₓ": "x", "ₕ": "h", "ₖ": "k", "ₗ": "l", "ₘ": "m",
        "ₙ": "n", "ₚ": "p", "ₛ": "s", "ₜ": "t", "ᵢ": "i", "ⱼ": "j", "ᵣ": "r", "ᵤ": "u",
        "ᵥ": "v", "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6",
        "₇": "7", "₈": "8", "₉": "9"}
_SUB_RUN = re.compile("[" + "".join(_SUB) + "]+")
_BRACED_SUB = re.compile(r"_\{([A-Za-z0-9]+)\}")
# "f(x) =", "σ'(x) =", "y' =": a name, optional primes, optional (simple arguments)
_PREFIX = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_]*\s*(?P<primes>'*)\s*(?P<args>\([^()=]*\))?\s*=")

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<pow>\*\*|\^)
  | (?P<op>[-+*/])
  | (?P<lp>[(\[])
  | (?P<rp>[)\]])
  | (?P<comma>,)
  | (?P<root>√)
""", re.VERBOSE)


def _err(en: str, zh: str, pos: int | None = None) -> ParseError:
    return ParseError(en, zh, pos)


def warm_up() -> None:
    """Import sympy and mpmath (and build one expression) — call from a background thread
    at start-up, so the forked checking workers inherit them."""
    import mpmath  # noqa: F401
    parse_expression("sigmoid(x)*(1-x)^2", ["x"])


def _greek(s: str) -> str:
    out = []
    for i, c in enumerate(s):
        if c in _GREEK:
            nxt = s[i + 1] if i + 1 < len(s) else ""
            # μ0, σ_i stay one name; αx becomes alpha x
            out.append(" " + _GREEK[c] + ("" if nxt.isdigit() or nxt == "_" else " "))
        else:
            out.append(_CHARS.get(c, c))
    return "".join(out)


def normalize_expression(text: str) -> str:
    if not isinstance(text, str):
        raise _err("The answer must be text.", "答案必须是文本。")
    if len(text) > MAX_LENGTH:
        raise _err(f"The expression is too long (max {MAX_LENGTH} characters).",
                   f"表达式太长（最多 {MAX_LENGTH} 个字符）。")
    s = _SUPER_RUN.sub(lambda m: "^(" + "".join(_SUPER[c] for c in m.group()) + ")", text)
    s = _SUB_RUN.sub(lambda m: "_" + "".join(_SUB[c] for c in m.group()), s)
    s = unicodedata.normalize("NFKC", s)
    s = _greek(s)
    s = _BRACED_SUB.sub(r"_\1", s)
    s = s.strip()
    while s.endswith("。") or s.endswith("｡"):
        s = s[:-1].rstrip()
    if len(s) > MAX_LENGTH * 2:
        raise _err("The expression is too long.", "表达式太长。")
    return s


def _strip_prefix(s: str) -> str:
    """Drop an "f(x) =" / "σ'(x) =" prefix (exactly one '=', brackets or a prime on the left)."""
    if s.count("=") != 1:
        return s
    m = _PREFIX.match(s)
    if m and (m.group("primes") or m.group("args")) and s[m.end():].strip():
        return s[m.end():]
    return s


def _tokenize(s: str) -> list[tuple[str, str, int]]:
    out = []
    i = 0
    while i < len(s):
        m = _TOKEN.match(s, i)
        if not m:
            c = s[i]
            if c == "=":
                raise _err("Write only the expression, without '=' (a prefix like "
                           "\"f(x) =\" is fine).",
                           "只写表达式，不要写“=”（可以带“f(x) =”这样的前缀）。", i)
            raise _err(f"Unexpected character '{c}' at position {i + 1}.",
                       f"第 {i + 1} 个字符“{c}”无法识别。", i)
        kind = m.lastgroup
        if kind != "ws":
            out.append((kind, m.group(), i))
        i = m.end()
    out.append(("end", "", len(s)))
    return out


# ---------------------------------------------------------------- parser (own AST)
# nodes: ("num", Fraction) ("var", name) ("const", "pi"|"e") ("call", fname, [args])
#        ("neg", a) ("add"|"sub"|"mul"|"div"|"pow", a, b)

class _Names:
    """The declared variables and every unambiguous other spelling of them."""

    def __init__(self, variables: Iterable[str]):
        self.exact: dict[str, str] = {}
        for v in variables:
            if not isinstance(v, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", v) or "__" in v:
                raise ValueError(f"bad variable name declared by the item: {v!r}")
            self.exact[v] = v
        loose: dict[str, set[str]] = {}
        for v in self.exact:
            loose.setdefault(v.replace("_", ""), set()).add(v)
        self.loose = {k: next(iter(vs)) for k, vs in loose.items() if len(vs) == 1 and k}

    def __contains__(self, name: str) -> bool:
        return self.resolve(name) is not None

    def resolve(self, name: str) -> str | None:
        if name in self.exact:
            return self.exact[name]
        if name.startswith("_"):
            return None
        return self.loose.get(name.replace("_", ""))

    def spellings(self) -> set[str]:
        return set(self.exact) | set(self.loose)

    def declared(self) -> list[str]:
        return sorted(set(self.exact.values()))


class _Parser:
    def __init__(self, tokens, names: _Names, functions: frozenset):
        self.t = tokens
        self.i = 0
        self.names = names
        self.funcs = functions
        self.depth = 0

    def peek(self, k=0):
        return self.t[min(self.i + k, len(self.t) - 1)]

    def take(self):
        tok = self.t[self.i]
        self.i += 1
        return tok

    def enter(self, pos):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _err(f"The expression is nested too deeply (max {MAX_DEPTH}).",
                       f"表达式嵌套太深（最多 {MAX_DEPTH} 层）。", pos)

    def parse(self):
        if self.peek()[0] == "end":
            raise _err("Please enter an expression.", "请输入一个表达式。", 0)
        node = self.expr()
        kind, val, pos = self.peek()
        if kind != "end":
            raise self.unexpected()
        return node

    def unexpected(self):
        kind, val, pos = self.peek()
        if kind == "end":
            return _err("The expression ends too early (missing operand or ')').",
                        "表达式不完整（缺少运算数或右括号）。", pos)
        if kind == "rp":
            return _err(f"Unmatched '{val}' at position {pos + 1}.",
                        f"第 {pos + 1} 个字符处的“{val}”没有配对。", pos)
        if kind == "num":
            return _err(f"Missing operator before '{val}' at position {pos + 1}.",
                        f"第 {pos + 1} 个字符处的“{val}”前缺少运算符。", pos)
        return _err(f"Unexpected '{val}' at position {pos + 1}.",
                    f"第 {pos + 1} 个字符处的“{val}”不该出现在这里。", pos)

    def expr(self):
        node = self.term()
        while self.peek()[0] == "op" and self.peek()[1] in "+-":
            op = self.take()[1]
            node = ("add" if op == "+" else "sub", node, self.term())
        return node

    def term(self):
        node = self.unary()
        while True:
            kind, val, pos = self.peek()
            if kind == "op" and val in "*/":
                self.take()
                node = ("mul" if val == "*" else "div", node, self.unary())
            elif kind in ("name", "lp", "root"):          # implicit multiplication
                node = ("mul", node, self.power())
            else:
                return node

    def unary(self):
        kind, val, pos = self.peek()
        if kind == "op" and val in "+-":
            self.take()
            self.enter(pos)
            operand = self.unary()
            self.depth -= 1
            return operand if val == "+" else ("neg", operand)
        return self.power()

    def power(self):
        base = self.atom(split=True)
        kind, val, pos = self.peek()
        if kind == "pow":
            self.take()
            self.enter(pos)
            exponent = self.unary()     # right-assoc, allows x^-1
            self.depth -= 1
            if base[0] == "split":      # nm^2 = n*m^2: the power binds to the last name
                return _fold(base[1][:-1] + [("pow", base[1][-1], exponent)])
            return ("pow", base, exponent)
        return _fold(base[1]) if base[0] == "split" else base

    def bracket(self):
        kind, val, pos = self.take()
        self.enter(pos)
        if self.peek()[0] == "rp":
            raise _err(f"Empty brackets at position {pos + 1}.", f"第 {pos + 1} 个字符处是空括号。", pos)
        node = self.expr()
        k2, v2, p2 = self.peek()
        if k2 != "rp":
            raise self.unexpected() if k2 != "end" else _err(
                f"Missing ')' for the bracket at position {pos + 1}.",
                f"第 {pos + 1} 个字符处的括号缺少右括号。", pos)
        if {"(": ")", "[": "]"}[val] != v2:
            raise _err(f"Bracket '{val}' closed by '{v2}'.", f"括号“{val}”与“{v2}”不配对。", p2)
        self.take()
        self.depth -= 1
        return node

    def atom(self, split=False):
        node = self._atom()
        return node if split or node[0] != "split" else _fold(node[1])

    def _atom(self):
        kind, val, pos = self.peek()
        if kind == "num":
            self.take()
            return ("num", _literal(val, pos))
        if kind == "lp":
            return self.bracket()
        if kind == "root":
            self.take()
            if "sqrt" not in self.funcs:
                raise _err("√ is not allowed here.", "此处不能使用 √。", pos)
            self.enter(pos)
            arg = self.atom()
            self.depth -= 1
            return ("call", "sqrt", [arg])
        if kind == "name":
            self.take()
            return self.name(val, pos)
        raise self.unexpected()

    def name(self, val, pos):
        if "__" in val:
            raise _err(f"Names containing '__' are not allowed ('{val}').",
                       f"不允许含“__”的名字（“{val}”）。", pos)
        nxt = self.peek()[0]
        is_call = nxt == "lp"
        declared = self.names.resolve(val)
        if val in self.funcs and not (declared is not None and not is_call):
            if nxt == "pow":
                return self.function_power(val, pos)
            if not is_call:
                raise _err(f"'{val}' is a function: write {val}(...).",
                           f"“{val}”是函数，请写成 {val}(...)。", pos)
            return self.call(val, pos)
        if val in self.names.exact:
            return ("var", self.names.exact[val])
        if val in CONSTANTS:
            return ("const", val)
        if declared is not None:
            parts = _split_names(val, set(self.names.exact) | set(CONSTANTS))
            if parts and len(parts) > 1:
                alt = "*".join(parts)
                raise _err(f"'{val}' is ambiguous: write {declared} or {alt}.",
                           f"“{val}”有歧义：请写 {declared} 或 {alt}。", pos)
            return ("var", declared)
        parts = _split_names(val, self.names.spellings() | set(CONSTANTS))
        if parts:
            return ("split", [("const", p) if p in CONSTANTS and self.names.resolve(p) is None
                              else ("var", self.names.resolve(p)) for p in parts])
        allowed = ", ".join(self.names.declared()) or "-"
        if is_call:
            shown = ", ".join(sorted(f for f in self.funcs if f not in _ALIASES))
            raise _err(f"Unknown function '{val}'. Allowed: {shown}.",
                       f"不认识的函数“{val}”。可用：{shown}。", pos)
        raise _err(f"Unknown name '{val}'. Variables here: {allowed}; constants: pi, e.",
                   f"不认识的名字“{val}”。本题变量：{allowed}；常数：pi、e。", pos)

    def function_power(self, val, pos):
        """tanh^2(x), tanh²(x), sin**2 (x): the power of the function's value."""
        self.take()                                  # ^ or **
        k, v, p = self.peek()
        exponent = self.atom() if k in ("num", "lp") else None
        if (exponent is None or exponent[0] != "num" or exponent[1].denominator != 1
                or exponent[1] < 1 or self.peek()[0] != "lp"):
            raise _err(f"Write a power of {val} as {val}(x)^2.",
                       f"函数的幂请写成 {val}(x)^2 的形式。", pos)
        return ("pow", self.call(val, pos), exponent)

    def call(self, spelled, pos):
        fname = _ALIASES.get(spelled, spelled)
        lp = self.take()
        self.enter(pos)
        args = []
        if self.peek()[0] == "rp":
            raise _err(f"{spelled}() needs an argument.", f"{spelled}() 缺少参数。", pos)
        while True:
            args.append(self.expr())
            k, v, p = self.peek()
            if k == "comma":
                self.take()
                continue
            if k == "rp":
                if {"(": ")", "[": "]"}[lp[1]] != v:
                    raise _err(f"Bracket '{lp[1]}' closed by '{v}'.", f"括号“{lp[1]}”与“{v}”不配对。", p)
                self.take()
                break
            raise self.unexpected()
        self.depth -= 1
        lo, hi = _ARITY.get(fname, (1, 1))
        if spelled in _LOG_BASE or spelled == "ln":
            lo, hi = 1, 1
        if not lo <= len(args) <= hi:
            want = f"{lo}" if lo == hi else (f"{lo} or {hi}" if hi == lo + 1 else f"at least {lo}")
            want_zh = f"{lo} 个" if lo == hi else (f"{lo} 或 {hi} 个" if hi == lo + 1 else f"至少 {lo} 个")
            raise _err(f"{spelled}() takes {want} argument(s), got {len(args)}.",
                       f"{spelled}() 需要{want_zh}参数，你给了 {len(args)} 个。", pos)
        if spelled in _LOG_BASE:
            args.append(("num", Fraction(_LOG_BASE[spelled])))
        return ("call", fname, args)


def _fold(leaves):
    node = leaves[0]
    for leaf in leaves[1:]:
        node = ("mul", node, leaf)
    return node


def _literal(text: str, pos: int) -> Fraction:
    if len(text) > 40:
        raise _err(f"The number at position {pos + 1} is too long.", f"第 {pos + 1} 个字符处的数太长。", pos)
    m = re.search(r"[eE]([+-]?\d+)$", text)
    if m and abs(int(m.group(1))) > 30:
        raise _err(f"The number '{text}' is out of range.", f"数“{text}”超出范围。", pos)
    value = Fraction(text)
    if abs(value) > MAX_LITERAL:
        raise _err(f"The number '{text}' is too large.", f"数“{text}”太大。", pos)
    return value


def _split_names(word: str, known: set[str]) -> list[str] | None:
    """Split `xy` (or `s_is_j`) into known names if that is possible in exactly one way."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", word) or len(word) > 40:
        return None
    n = len(word)
    ways: list[list[list[str]]] = [[] for _ in range(n + 1)]
    ways[0] = [[]]
    for i in range(n):
        if not ways[i]:
            continue
        for k in known:
            if k and word.startswith(k, i):
                for w in ways[i]:
                    if len(ways[i + len(k)]) < 2:
                        ways[i + len(k)].append(w + [k])
    return ways[n][0] if len(ways[n]) == 1 else None


def _functions(functions: Iterable[str]) -> frozenset:
    funcs = frozenset(functions)
    if "ln" in funcs or "log" in funcs:
        funcs = funcs | {"ln", "log"} | set(_LOG_BASE)
    if "sigmoid" in funcs:
        funcs = funcs | {"sigma"}
    unknown = {_ALIASES.get(f, f) for f in funcs} - set(_FLOAT_FUNCS)
    if unknown:
        raise ValueError(f"functions not supported: {sorted(unknown)}")
    return funcs


def _parse_tree(text: str, variables: Sequence[str], functions: Iterable[str]):
    names = _Names(variables)
    funcs = _functions(functions)
    s = _strip_prefix(normalize_expression(text))
    return _Parser(_tokenize(s), names, funcs).parse()


# ---------------------------------------------------------------- bounds check

@dataclass
class _Info:
    has_var: bool
    value: float | None   # float value of a constant subtree (None if it has variables)
    digits: int           # bound on the digits of any number sympy may produce
    scale: int = 0        # bound on the decimal orders of magnitude of constants (1e-44 -> 44)


def _log(v, base=None):
    return math.log(v) if base is None else math.log(v) / math.log(base)


_FLOAT_FUNCS = {
    "exp": math.exp, "log": _log, "sqrt": math.sqrt, "abs": abs, "tanh": math.tanh,
    "sinh": math.sinh, "cosh": math.cosh, "sin": math.sin, "cos": math.cos, "tan": math.tan,
    "sech": lambda v: 1.0 / math.cosh(v), "max": max, "min": min,
    "sigmoid": lambda v: 1.0 / (1.0 + math.exp(-v)),
    "softplus": lambda v: math.log1p(math.exp(v)),
    "floor": math.floor, "ceil": math.ceil,
}
_EXP_LIKE = ("exp", "sinh", "cosh", "sech", "sigmoid", "softplus", "tanh")


def _fl(fn, *args) -> float:
    try:
        v = fn(*args)
        if isinstance(v, complex):
            return math.nan
        return float(v)
    except OverflowError:
        return math.inf
    except (ArithmeticError, ValueError, TypeError):
        return math.nan


def _too_large() -> ParseError:
    return _err("A number in the expression is too large.", "表达式中的数太大。")


def _magnitude(value) -> int:
    if value is None or not math.isfinite(value) or value == 0:
        return 0
    return int(abs(math.log10(abs(value)))) + 1


def _check(node) -> _Info:
    info = _check_node(node)
    if info.scale > 2 * MAX_DIGITS:
        raise _err("A number in the expression is too large or too close to zero.",
                   "表达式中的数太大或太接近 0。")
    return info


def _check_node(node) -> _Info:
    kind = node[0]
    if kind == "num":
        v = node[1]
        d = len(str(v.numerator)) + len(str(v.denominator))
        return _Info(False, float(v), d, d)
    if kind == "var":
        return _Info(True, None, 0, 0)
    if kind == "const":
        return _Info(False, math.pi if node[1] == "pi" else math.e, 1, 1)
    if kind == "neg":
        a = _check_node(node[1])
        return _Info(a.has_var, None if a.value is None else -a.value, a.digits, a.scale)
    if kind == "call":
        infos = [_check_node(a) for a in node[2]]
        has_var = any(i.has_var for i in infos)
        value = None if has_var else _fl(_FLOAT_FUNCS[node[1]], *[i.value for i in infos])
        _defined(value, [i.value for i in infos])
        scale = sum(i.scale for i in infos) + 1
        if node[1] in _EXP_LIKE and infos[0].value is not None and math.isfinite(infos[0].value):
            scale += int(abs(infos[0].value) / math.log(10)) + 1
        scale = max(scale, _magnitude(value))
        return _Info(has_var, value, sum(i.digits for i in infos) + 1, min(scale, 10 ** 6))
    a, b = _check_node(node[1]), _check_node(node[2])
    has_var = a.has_var or b.has_var
    scale = a.scale + b.scale
    if kind == "pow":
        digits = a.digits + b.digits
        if not b.has_var:
            e = b.value
            if e is None or math.isnan(e):
                raise _err("The exponent must be a real number.", "指数必须是实数。")
            if abs(e) > MAX_EXPONENT:
                raise _err(f"Exponent too large (at most {MAX_EXPONENT} in absolute value).",
                           f"指数太大（绝对值最多 {MAX_EXPONENT}）。")
            # whole or not: sympy takes the integer part out (x^99.5 = x^99 * sqrt(x))
            digits = max(a.digits * max(1, math.ceil(abs(e))), digits)
            scale = max(a.scale * max(1, math.ceil(abs(e))), scale)
        value = None if has_var else _fl(lambda x, y: x ** y, a.value, b.value)
    else:
        digits = a.digits + b.digits
        op = {"add": lambda x, y: x + y, "sub": lambda x, y: x - y,
              "mul": lambda x, y: x * y, "div": lambda x, y: x / y}[kind]
        value = None if has_var else _fl(op, a.value, b.value)
    if kind == "div" and b.value == 0:
        value = math.nan
    _defined(value, [a.value, b.value])
    if digits > MAX_DIGITS:
        raise _too_large()
    return _Info(has_var, value, digits, min(max(scale, _magnitude(value)), 10 ** 6))


def _defined(value, inputs) -> None:
    """A constant part that is not a real number (1/0, log(0), sqrt(-1), (-8)^(1/3)) is refused,
    unless the float check itself overflowed on the way (then it is left to the evaluator)."""
    if value is not None and math.isnan(value) and all(
            v is not None and math.isfinite(v) for v in inputs):
        raise _err("The expression is undefined here: division by zero, or log, sqrt or a "
                   "fractional power of a negative number or zero.",
                   "表达式无定义：除以 0，或对负数、0 取对数、开方或分数次幂。")


# ---------------------------------------------------------------- trees: display, substitution

_PREC = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 2, "pow": 3}


def _show(node, parent: float = 0) -> str:
    """The tree as text, with the implicit products made explicit: 2x -> 2*x."""
    kind = node[0]
    if kind == "num":
        v = node[1]
        s, prec = str(v), (2 if v.denominator != 1 else 4)
    elif kind in ("var", "const"):
        s, prec = node[1], 4
    elif kind == "call":
        s, prec = f"{node[1]}({', '.join(_show(a) for a in node[2])})", 4
    elif kind == "neg":
        s, prec = "-" + _show(node[1], 2), 2
    else:
        prec = _PREC[kind]
        sym = {"add": " + ", "sub": " - ", "mul": "*", "div": "/", "pow": "^"}[kind]
        left = _show(node[1], prec + (0.5 if kind == "pow" else 0))
        right = _show(node[2], prec + (0 if kind in ("add", "mul", "pow") else 0.5))
        s = left + sym + right
    return f"({s})" if prec < parent else s


def _subst(node, repl: Mapping[str, Any]):
    if not repl:
        return node
    kind = node[0]
    if kind == "var":
        return repl.get(node[1], node)
    if kind in ("num", "const"):
        return node
    if kind == "call":
        return ("call", node[1], [_subst(a, repl) for a in node[2]])
    if kind == "neg":
        return ("neg", _subst(node[1], repl))
    return (kind, _subst(node[1], repl), _subst(node[2], repl))


def _variables_of(node, out: set) -> set:
    kind = node[0]
    if kind == "var":
        out.add(node[1])
    elif kind == "call":
        for a in node[2]:
            _variables_of(a, out)
    elif kind == "neg":
        _variables_of(node[1], out)
    elif kind not in ("num", "const"):
        _variables_of(node[1], out)
        _variables_of(node[2], out)
    return out


def _has_call(node, names) -> bool:
    kind = node[0]
    if kind == "call":
        return node[1] in names or any(_has_call(a, names) for a in node[2])
    if kind == "neg":
        return _has_call(node[1], names)
    if kind in ("num", "var", "const"):
        return False
    return _has_call(node[1], names) or _has_call(node[2], names)


def _drop_calls(node, names):
    """The tree with every call of `names` (floor, ceil) replaced by its argument."""
    kind = node[0]
    if kind == "call":
        args = [_drop_calls(a, names) for a in node[2]]
        return args[0] if node[1] in names else ("call", node[1], args)
    if kind == "neg":
        return ("neg", _drop_calls(node[1], names))
    if kind in ("num", "var", "const"):
        return node
    return (kind, _drop_calls(node[1], names), _drop_calls(node[2], names))


# ---------------------------------------------------------------- sympy construction

def _symbol(name: str):
    import sympy
    return sympy.Symbol(name, real=True)


def _build(node):
    import sympy
    kind = node[0]
    if kind == "num":
        return sympy.Rational(node[1].numerator, node[1].denominator)
    if kind == "var":
        return _symbol(node[1])
    if kind == "const":
        return sympy.pi if node[1] == "pi" else sympy.E
    if kind == "neg":
        return -_build(node[1])
    if kind == "call":
        args = [_build(a) for a in node[2]]
        f = node[1]
        if f == "sigmoid":
            return 1 / (1 + sympy.exp(-args[0]))
        if f == "softplus":
            return sympy.log(1 + sympy.exp(args[0]))
        if f == "log" and len(args) == 2:
            return sympy.log(args[0]) / sympy.log(args[1])
        table = {"exp": sympy.exp, "log": sympy.log, "sqrt": sympy.sqrt, "abs": sympy.Abs,
                 "tanh": sympy.tanh, "sinh": sympy.sinh, "cosh": sympy.cosh,
                 "sech": sympy.sech, "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan,
                 "max": sympy.Max, "min": sympy.Min, "floor": sympy.floor,
                 "ceil": sympy.ceiling}
        return table[f](*args)
    a, b = _build(node[1]), _build(node[2])
    if kind == "add":
        return a + b
    if kind == "sub":
        return a - b
    if kind == "mul":
        return a * b
    if kind == "div":
        return a / b
    return sympy.Pow(a, b)


def _from_sympy(expr):
    """A sympy expression (as `_build` makes them) back into our tree, for `equivalent`."""
    import sympy
    if expr is sympy.pi:
        return ("const", "pi")
    if expr is sympy.E:
        return ("const", "e")
    if isinstance(expr, sympy.Symbol):
        return ("var", expr.name)
    if isinstance(expr, sympy.Rational):
        v = Fraction(int(expr.p), int(expr.q))
        return ("neg", ("num", -v)) if v < 0 else ("num", v)
    if isinstance(expr, sympy.Float):
        v = Fraction(str(expr))
        return ("neg", ("num", -v)) if v < 0 else ("num", v)
    args = [_from_sympy(a) for a in expr.args]
    if isinstance(expr, sympy.Add):
        node = args[0]
        for a in args[1:]:
            node = ("add", node, a)
        return node
    if isinstance(expr, sympy.Mul):
        node = args[0]
        for a in args[1:]:
            node = ("mul", node, a)
        return node
    if isinstance(expr, sympy.Pow):
        return ("pow", args[0], args[1])
    names = {sympy.exp: "exp", sympy.log: "log", sympy.Abs: "abs", sympy.tanh: "tanh",
             sympy.sinh: "sinh", sympy.cosh: "cosh", sympy.sech: "sech", sympy.sin: "sin",
             sympy.cos: "cos", sympy.tan: "tan", sympy.Max: "max", sympy.Min: "min",
             sympy.floor: "floor", sympy.ceiling: "ceil"}
    f = names.get(type(expr))
    if f is None:
        raise NotImplementedError(type(expr).__name__)
    return ("call", f, args)


def parse_expression(text: str, variables: Sequence[str] = ("x",),
                     functions: Iterable[str] = DEFAULT_FUNCTIONS):
    """Parse untrusted text into a sympy expression; ParseError on anything not allowed."""
    tree = _parse_tree(text, variables, functions)
    _check(tree)
    try:
        expr = _build(tree)
    except RecursionError:
        raise _err("The expression is nested too deeply.", "表达式嵌套太深。")
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise _err(f"Could not build the expression ({type(exc).__name__}).",
                   f"无法构造该表达式（{type(exc).__name__}）。")
    import sympy
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise _err("The expression is undefined (division by zero?).",
                   "表达式无定义（是否除以了 0？）。")
    return expr


def check_expression(text: str, variables: Sequence[str] = ("x",),
                     functions: Iterable[str] = DEFAULT_FUNCTIONS) -> None:
    """Raise ParseError where `parse_expression` would, without importing sympy: the same
    grammar, names and size bounds, and constant parts that are undefined (1/0, log(0)) found
    by evaluating them on our own tree. For checks that run on every load of a bank."""
    tree = _parse_tree(text, variables, functions)
    _check(tree)
    if _divides_by_constant_zero(tree):
        raise _err("The expression is undefined (division by zero?).", "表达式无定义（是否除以了 0？）。")
    try:
        _eval_float(tree, {v: 0.5 + i / 7 for i, v in enumerate(_variables_of(tree, set()))})
    except _Undefined:
        if not _variables_of(tree, set()):  # a constant that does not exist (1/0, log(0))
            raise _err("The expression is undefined (division by zero?).", "表达式无定义（是否除以了 0？）。")
    except Exception:  # a value at one sample point says nothing about whether the expression is well formed
        pass


def _divides_by_constant_zero(node) -> bool:
    """A constant part equal to 0 under a division, a log, or a negative power (x/(2-2))."""
    kind = node[0]
    targets = []
    if kind == "div":
        targets = [node[2]]
    elif kind == "call" and node[1] in ("log", "ln"):
        targets = node[2][:1]
    elif kind == "pow":
        e = _check(node[2])
        if not e.has_var and e.value is not None and e.value < 0:
            targets = [node[1]]
    for t in targets:
        info = _check(t)
        if not info.has_var and info.value == 0:
            return True
    children = node[2] if kind == "call" else node[1:] if kind in ("neg", "add", "sub", "mul", "div", "pow") else ()
    return any(isinstance(c, tuple) and _divides_by_constant_zero(c) for c in children)


# ---------------------------------------------------------------- evaluation on our own tree

class _Undefined(Exception):
    """Not a real number here (sqrt/log of a negative, 0^-1, overflow, ...)."""


_EXP_CAP = 20000.0          # mpmath: exp(v) only for v <= this (about 10^8686)
_TRIG_CAP = 1e100


def _eval_float(node, env) -> float:
    kind = node[0]
    try:
        if kind == "num":
            return node[1].numerator / node[1].denominator
        if kind == "var":
            return env[node[1]]
        if kind == "const":
            return math.pi if node[1] == "pi" else math.e
        if kind == "neg":
            return -_eval_float(node[1], env)
        if kind == "call":
            args = [_eval_float(a, env) for a in node[2]]
            f = node[1]
            v = args[0]
            if f == "sqrt":
                if v < 0:
                    raise _Undefined
                r = math.sqrt(v)
            elif f == "log":
                if v <= 0 or (len(args) == 2 and (args[1] <= 0 or args[1] == 1)):
                    raise _Undefined
                r = _log(*args)
            elif f == "sigmoid":
                r = 1.0 / (1.0 + math.exp(-v)) if v > -700 else math.exp(v)
            elif f == "softplus":
                r = v + math.log1p(math.exp(-v)) if v > 0 else math.log1p(math.exp(v))
            elif f == "sech":
                r = 1.0 / math.cosh(v) if abs(v) < 700 else 0.0
            elif f in ("sin", "cos", "tan") and abs(v) > 1e15:
                raise _Undefined
            else:
                r = _FLOAT_FUNCS[f](*args)
            r = float(r)
        else:
            a = _eval_float(node[1], env)
            b = _eval_float(node[2], env)
            if kind == "add":
                r = a + b
            elif kind == "sub":
                r = a - b
            elif kind == "mul":
                r = a * b
            elif kind == "div":
                if b == 0:
                    raise _Undefined
                r = a / b
            else:
                if a < 0 and not float(b).is_integer():
                    raise _Undefined
                if a == 0 and b < 0:
                    raise _Undefined
                r = a ** b
                if isinstance(r, complex):
                    raise _Undefined
    except (OverflowError, ZeroDivisionError, ValueError):
        raise _Undefined
    if not math.isfinite(r):
        raise _Undefined
    return r


def _eval_mp(node, env, mp):
    kind = node[0]
    if kind == "num":
        return mp.mpf(node[1].numerator) / node[1].denominator
    if kind == "var":
        return env[node[1]]
    if kind == "const":
        return +mp.pi if node[1] == "pi" else +mp.e
    if kind == "neg":
        return -_eval_mp(node[1], env, mp)
    if kind == "call":
        args = [_eval_mp(a, env, mp) for a in node[2]]
        f = node[1]
        v = args[0]
        if f == "sqrt":
            if v < 0:
                raise _Undefined
            return mp.sqrt(v)
        if f == "log":
            if v <= 0 or (len(args) == 2 and (args[1] <= 0 or args[1] == 1)):
                raise _Undefined
            return mp.log(v) if len(args) == 1 else mp.log(v) / mp.log(args[1])
        if f in ("exp", "sinh", "cosh", "sigmoid", "softplus", "tanh", "sech"):
            if abs(v) > _EXP_CAP and f in ("exp", "sinh", "cosh", "softplus"):
                if f != "exp" or v > 0:
                    raise _Undefined
            if f == "exp":
                return mp.exp(v)
            if f == "sigmoid":
                return 1 / (1 + mp.exp(-v)) if v > -_EXP_CAP else mp.exp(v)
            if f == "softplus":
                return mp.log1p(mp.exp(v))
            if f == "tanh":
                return mp.tanh(v)
            if f == "sech":
                return mp.sech(v) if abs(v) < _EXP_CAP else mp.mpf(0)
            return mp.sinh(v) if f == "sinh" else mp.cosh(v)
        if f in ("sin", "cos", "tan"):
            if abs(v) > _TRIG_CAP:
                raise _Undefined
            if f == "tan":
                c = mp.cos(v)
                if c == 0:
                    raise _Undefined
                return mp.sin(v) / c
            return mp.sin(v) if f == "sin" else mp.cos(v)
        if f == "abs":
            return abs(v)
        if f == "floor":
            return mp.floor(v)
        if f == "ceil":
            return mp.ceil(v)
        if f == "max":
            return max(args)
        if f == "min":
            return min(args)
        raise _Undefined
    a = _eval_mp(node[1], env, mp)
    b = _eval_mp(node[2], env, mp)
    if kind == "add":
        return a + b
    if kind == "sub":
        return a - b
    if kind == "mul":
        return a * b
    if kind == "div":
        if b == 0:
            raise _Undefined
        return a / b
    if a < 0 and not mp.isint(b):
        raise _Undefined
    if a == 0:
        if b < 0:
            raise _Undefined
        return mp.mpf(0) if b > 0 else mp.mpf(1)
    if abs(float(b) * float(mp.log(abs(a)))) > _EXP_CAP:
        raise _Undefined
    return a ** b


_GRID = (-2.0, -0.5, 0.5, 2.0)


def _points(names: Sequence[str], seed: int) -> list[list[list[float]]]:
    """Point sets, tried in order: random in [-2, 2] plus the grid; then (0, 2]."""
    rng = random.Random(seed)
    n = len(names)
    if n == 0:
        return [[[]]]
    first = [[rng.uniform(-2.0, 2.0) for _ in range(n)] for _ in range(16)]
    if n <= 3:
        import itertools
        first += [list(p) for p in itertools.product(_GRID, repeat=n)]
    else:
        first += [[rng.choice(_GRID) for _ in range(n)] for _ in range(40)]
    second = [[rng.uniform(0.05, 2.0) for _ in range(n)] for _ in range(24)]
    second += [[rng.choice((0.5, 1.0, 1.5, 2.0)) for _ in range(n)] for _ in range(16)]
    third = [[rng.uniform(-10.0, 10.0) for _ in range(n)] for _ in range(24)]
    third += [[rng.uniform(2.0, 10.0) for _ in range(n)] for _ in range(24)]
    return [first, second, third]


def _digits(node) -> int:
    """Decimal digits the comparison must resolve: sizes and magnitudes of the constants."""
    try:
        info = _check(node)
    except ParseError:
        return 2 * MAX_DIGITS
    return max(info.digits, info.scale)


def _compare(a, b, names: Sequence[str], seed: int = 12345):
    """(verdict, n_valid): True / False from the points, or None if they cannot decide."""
    names = sorted(set(names) | _variables_of(a, set()) | _variables_of(b, set()))
    need = 5 if names else 1
    valid: list[tuple[list[float], bool]] = []   # (point, float values differ)
    for pset in _points(names, seed):
        for p in pset:
            env = dict(zip(names, p))
            try:
                va, vb = _eval_float(a, env), _eval_float(b, env)
            except _Undefined:
                continue
            except RecursionError:
                return None, 0
            differ = abs(va - vb) > 1e-9 * max(1.0, abs(va), abs(vb))
            valid.append((p, differ))
        if len(valid) >= need:
            break
    if not valid:
        return None, 0
    import mpmath
    digits = min(_digits(a) + _digits(b), 4 * MAX_DIGITS)
    prec = digits + 50
    # every float disagreement (up to 6), then agreement points, at high precision
    differ = [p for p, d in valid if d][:6]
    check = differ + [p for p, d in valid if not d][:6]
    agree = unsure = 0
    for p in check:
        results = []
        for extra in (0, 40):
            mp = mpmath.mp
            with mpmath.workdps(prec + extra):
                env = {k: mp.mpf(v) for k, v in zip(names, p)}
                try:
                    va, vb = _eval_mp(a, env, mp), _eval_mp(b, env, mp)
                except (_Undefined, ZeroDivisionError, ValueError, OverflowError):
                    results = None
                    break
                scale = max(mp.mpf(1), abs(va), abs(vb))
                d = va - vb
                results.append((d, abs(d) > scale * mp.mpf(10) ** (-(digits + 15))))
            if not results[0][1]:
                break            # agrees at the base precision: no need to confirm
        if not results:
            unsure += p in differ
            continue
        if results[0][1]:
            d1, d2 = results[0][0], results[1][0]
            if results[1][1] and abs(d1 - d2) <= abs(d2) / 100:
                return False, len(valid)        # a real, stable difference
            unsure += 1                         # cancellation noise: inconclusive
            continue
        agree += 1
    if len(valid) >= need and not unsure and agree >= min(need, 3):
        return True, len(valid)
    return None, len(valid)


def _simplify_is_zero(a, b) -> bool:
    import sympy
    return bool(sympy.simplify(a - b) == 0)


def _decide(a, b, names, seed, send, tag):
    """Points, then (if they cannot decide) simplify; reports (tag, verdict, how)."""
    verdict, n = _compare(a, b, names, seed)
    if verdict is not None:
        send((tag, verdict, "points"))
        return verdict
    send((tag, None, "pending"))
    try:
        proved = _simplify_is_zero(_build(a), _build(b))
    except Exception:
        proved = False
    send((tag, True if proved else None, "simplify" if proved else "undecided"))
    return True if proved else None


def _grade_job(send, student, model, alternatives, misconceptions, names, seed):
    verdict = _decide(student, model, names, seed, send, "main")
    if verdict is True:
        return
    for i, alt in enumerate(alternatives):
        if _decide(alt, model, names, seed, lambda m: None, "alt") is True:
            send(("alt", i))
            return
    if verdict is False:
        for i, mis in enumerate(misconceptions):
            if _compare(student, mis, names, seed)[0] is True:
                send(("mis", i))
                return


# ---------------------------------------------------------------- time-limited workers

_TIMEOUT = object()
_LIVE: set = set()          # workers running now: killed at exit if still alive
_ATEXIT = False


def _limit_memory(extra_bytes: int = 1 << 30) -> None:
    try:
        import resource
        with open("/proc/self/statm") as fh:
            vm = int(fh.read().split()[0]) * resource.getpagesize()
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        new = vm + extra_bytes
        if hard != resource.RLIM_INFINITY:
            new = min(new, hard)
        resource.setrlimit(resource.RLIMIT_AS, (new, hard))
    except Exception:
        pass


def _die_with_parent(parent_pid: int, timeout: float) -> None:
    """In the worker: exit when the parent does, and in any case after 2*timeout + 1 s."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)          # PR_SET_PDEATHSIG
        except Exception:
            pass
    try:
        import signal
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(int(2 * timeout) + 1)
    except Exception:
        pass
    if os.getppid() != parent_pid:                      # parent already gone
        os._exit(0)
    try:
        import threading
        import time

        def watch():
            while True:
                time.sleep(0.25)
                if os.getppid() != parent_pid:
                    os._exit(0)
        threading.Thread(target=watch, daemon=True).start()
    except Exception:
        pass
    try:                                                # never hold the drill's output open
        fd = os.open(os.devnull, os.O_RDWR)
        for target in (0, 1, 2):
            os.dup2(fd, target)
        os.close(fd)
    except OSError:
        pass


def _fork_child(conn, fn, args, parent_pid, timeout, streaming):
    _die_with_parent(parent_pid, timeout)
    _limit_memory()
    try:
        if streaming:
            fn(lambda msg: conn.send(("msg", msg)), *args)
            conn.send(("ok", None))
        else:
            conn.send(("ok", fn(*args)))
    except BaseException as exc:  # report, never hang
        try:
            conn.send(("error", repr(exc)))
        except Exception:
            pass
    finally:
        conn.close()


def _kill_live() -> None:
    for proc in list(_LIVE):
        try:
            proc.kill()
        except Exception:
            pass


def _preload() -> None:
    """Import in the parent what every worker needs: a fork then inherits it ready (and an
    import that another thread of the parent is doing is waited for here, not in the child,
    where that thread does not exist)."""
    import mpmath  # noqa: F401
    import threading  # noqa: F401
    if sys.platform.startswith("linux"):
        try:
            import ctypes  # noqa: F401
            import resource  # noqa: F401
        except ImportError:
            pass


def _run(fn, args: tuple, timeout: float, streaming: bool):
    """Run fn in a forked worker; returns (messages, status, value); status in
    {"ok", "error", "timeout"}. Falls back to an abandoned daemon thread without fork."""
    import multiprocessing as mp
    import time
    deadline = time.monotonic() + timeout
    messages: list = []
    proc = None
    _preload()
    if "fork" in mp.get_all_start_methods():
        ctx = mp.get_context("fork")
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_fork_child,
                           args=(child, fn, args, os.getpid(), timeout, streaming), daemon=True)
        try:
            proc.start()        # fails e.g. inside a daemonic process -> thread fallback
        except Exception:
            parent.close()
            proc = None
        finally:
            child.close()
    if proc is not None:
        global _ATEXIT
        if not _ATEXIT:
            import atexit
            atexit.register(_kill_live)
            _ATEXIT = True
        _LIVE.add(proc)
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not parent.poll(left):
                    return messages, "timeout", None
                try:
                    status, value = parent.recv()
                except EOFError:
                    return messages, "error", "worker died"
                if status == "msg":
                    messages.append(value)
                    continue
                return messages, status, value
        finally:
            parent.close()
            if proc.is_alive():
                proc.kill()
            proc.join(1.0)
            _LIVE.discard(proc)
    import threading
    box: list = []

    def work():
        try:
            if streaming:
                fn(messages.append, *args)
                box.append(("ok", None))
            else:
                box.append(("ok", fn(*args)))
        except BaseException as exc:
            box.append(("error", repr(exc)))

    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(max(0.0, deadline - time.monotonic()))
    if not box:
        return list(messages), "timeout", None
    return list(messages), box[0][0], box[0][1]


def run_with_timeout(fn, args: tuple, timeout: float):
    """Run fn(*args) in a forked child; return its result, or _TIMEOUT / raise RuntimeError.

    Falls back to an abandoned daemon thread where fork is not available."""
    _, status, value = _run(fn, args, timeout, streaming=False)
    if status == "timeout":
        return _TIMEOUT
    if status == "error":
        raise RuntimeError(value)
    return value


# ---------------------------------------------------------------- equivalence

def _main_verdict(messages) -> tuple[bool | None, str]:
    main = [m for m in messages if m[0] == "main"]
    if not main:
        return None, "timeout"
    verdict, how = main[-1][1], main[-1][2]
    if how == "pending":
        return None, "timeout"
    return verdict, how


def equivalent(student_expr, model_expr, variables: Sequence[str] = (), timeout: float = 1.0,
               seed: int = 12345) -> bool | None:
    """True / False, or None if it could not be decided (timeout or no usable test points)."""
    return _equivalent(student_expr, model_expr, variables, timeout, seed)[0]


def _simplify_job(send, a, b):
    send(("main", None, "pending"))
    send(("main", True if _simplify_is_zero(a, b) else None, "simplify"))


def _equivalent(a, b, variables, timeout, seed=12345) -> tuple[bool | None, str]:
    """(verdict, how): how in {"points", "simplify", "timeout", "undecided"}."""
    names = [v if isinstance(v, str) else getattr(v, "name", str(v)) for v in variables or ()]
    try:
        ta, tb = _from_sympy(a), _from_sympy(b)
    except (NotImplementedError, RecursionError, ValueError):
        messages, _, _ = _run(_simplify_job, (a, b), timeout, streaming=True)
    else:
        messages, _, _ = _run(_grade_job, (ta, tb, [], [], names, seed), timeout, streaming=True)
    verdict, how = _main_verdict(messages)
    if how == "simplify" and verdict is None:
        how = "undecided"
    return verdict, how


# ---------------------------------------------------------------- grading

def _misconception_text(m) -> str | None:
    for key in ("value", "expr", "answer"):
        v = get_field(m, key)
        if isinstance(v, str):
            return v
    return None


_ROUNDING = ("floor", "ceil")


def grade_symbolic(text: str, model_answer: str, variables: Sequence[str],
                   misconceptions: Sequence[Any] = (),
                   substitutions: Mapping[str, str] | None = None,
                   functions: Iterable[str] = DEFAULT_FUNCTIONS,
                   timeout: float = DEFAULT_TIMEOUT) -> GradeResult:
    """Grade an expression answer against the bank's model answer (parsed by the same parser).

    substitutions: alias names the student may use, e.g. {"s": "sigmoid(x)"}; they are
    declared for parsing and replaced before comparison. Misconceptions: dicts/objects with
    id, value (expression string; `expr`/`answer` also accepted), feedback_en, feedback_zh;
    the first one equivalent to the answer wins. A ParseError in model_answer or a
    misconception propagates (bank bug). `timeout` bounds the whole check (seconds)."""
    variables = list(variables)
    subs = dict(substitutions or {})
    names = variables + [k for k in subs if k not in variables]
    try:
        student = _parse_tree(text, names, functions)
        _check(student)
    except ParseError as err:
        return GradeResult.invalid(err)
    except RecursionError:
        return GradeResult.invalid(_err("The expression is nested too deeply.", "表达式嵌套太深。"))
    bank_funcs = set(functions) | DEFAULT_FUNCTIONS
    model = _parse_tree(model_answer, names, bank_funcs)
    _check(model)
    repl = {k: _parse_tree(v, variables, DEFAULT_FUNCTIONS) for k, v in subs.items()}
    mis_list = []
    for m in misconceptions or ():
        src = _misconception_text(m)
        if src is not None:
            mis_list.append((m, _subst(_parse_tree(src, names, bank_funcs), repl)))
    shown = _show(student)
    s2, m2 = _subst(student, repl), _subst(model, repl)
    alternatives = []
    if _has_call(s2, _ROUNDING) and not _has_call(m2, _ROUNDING):
        alternatives.append(_drop_calls(s2, _ROUNDING))
    messages, status, _ = _run(_grade_job, (s2, m2, alternatives, [t for _, t in mis_list],
                                            sorted(set(variables)), 12345),
                               timeout, streaming=True)
    verdict, how = _main_verdict(messages)
    if any(m[0] == "alt" for m in messages):
        return GradeResult(True, 1.0,
                           "Correct (the floor/ceil changes nothing here: the question assumes "
                           "the division is exact).",
                           "正确（这里取整不影响结果：题目假设可以整除）。", shown, None)
    if verdict is True:
        return GradeResult(True, 1.0, "Correct.", "正确。", shown, None)
    if verdict is None and how in ("undecided", "simplify"):
        return GradeResult(None, 0.0,
                           "Could not compare this expression: it is undefined or too large at the "
                           "test points. Please check it or write it differently.",
                           "无法比较这个表达式：它在测试点上无定义或数值过大。请检查或换一种写法。",
                           shown, None)
    if verdict is None:
        return GradeResult(None, 0.0,
                           "Could not check this expression in time; please write it more simply.",
                           "无法在限定时间内检查这个表达式；请写得简单一些。", shown, None)
    for msg in messages:
        if msg[0] == "mis":
            m = mis_list[msg[1]][0]
            return GradeResult(False, 0.0, get_field(m, "feedback_en", "") or "",
                               get_field(m, "feedback_zh", "") or "", shown, get_field(m, "id"))
    return GradeResult(False, 0.0, "Not equivalent to the expected expression.",
                       "与正确答案不等价。", shown, None)
