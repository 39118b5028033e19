"""Safe symbolic answers: own tokenizer + precedence-climbing parser -> sympy objects.

Never calls eval / sympify / parse_expr on any text. sympy is imported lazily.

Supported syntax
  numbers   2, 0.5, .5, 2.5e-1 (exact rationals; `2e` or `2ex` is 2*e, 2*e*x)
  operators + - * / and ^ or ** (power, right-assoc; -x^2 = -(x^2); x^-1 ok)
  implicit multiplication  2x, 2(x+1), (x+1)(x-1), x(1-x), σ(x)(1−σ(x)), 2 sigmoid(x);
            it has the same precedence as * and /, so 1/2x = (1/2)*x.
            A run of declared names written together (xy, sx) is split into a product
            only if it decomposes uniquely into declared variables/constants.
  brackets  ( ) and [ ]
  names     only the item's declared variables (letters, digits, _ ; e.g. y_hat, w_kj,
            x1, alpha, lambda_ — `lambda`/`λ` resolves to a declared `lambda` or `lambda_`)
            and the constants pi, e (unless declared as variables). Names with `__` refused.
  functions (whitelist, positional args, fixed arity) exp log(=ln, natural) ln sqrt abs
            sigmoid(=σ, 1/(1+exp(-x))) softplus(=log(1+exp(x))) tanh sinh cosh sech
            sin cos tan max min (max/min take >= 2 args)
  Unicode   full-width -> ASCII (NFKC), σ -> sigmoid, ·×⋅ -> *, − – -> -, ÷ -> /,
            superscripts x² x⁻¹ e⁻ˣ -> ^(...), greek letters -> names (α -> alpha, ...),
            π -> pi, ŷ -> y_hat.

Bounds (checked on our own tree BEFORE any sympy object is built)
  length <= 500 chars, nesting depth <= 50, literals |n| <= 1e15,
  constant exponents must satisfy |value| <= 100 ("exponent too large"),
  and every number sympy could produce stays below ~2000 digits ("number too large").

Equivalence (`equivalent`)
  1. Evaluate both sides with Python floats (lambdify(modules="math"), our own trees, so
     safe) at seeded random points in [-2, 2] (then (0, 2] if the domain is restricted),
     skipping points where a side is undefined/complex/overflowing; need >= 5 valid points.
  2. All valid points agree -> True. A clear disagreement (rel. diff > 1e-3) -> False.
  3. Otherwise (too few valid points, or only tiny float-noise differences) ->
     sympy.simplify(a - b) == 0 in a forked child process killed after `timeout` seconds
     (plus an address-space rlimit). Proved -> True; timeout -> None ("could not check");
     not proved -> decided by the points, or None if they cannot decide.
  The order differs from "simplify first" only in speed: simplify is the part that can
  hang, and it cannot overturn agreement at >= 5 random points in practice.
  Where fork is unavailable, simplify runs in a daemon thread whose result is abandoned
  after the timeout (the thread may keep burning CPU in the background).
"""
from __future__ import annotations

import math
import random
import re
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

DEFAULT_FUNCTIONS = frozenset({
    "exp", "log", "ln", "sqrt", "abs", "sigmoid", "softplus", "tanh", "sinh", "cosh",
    "sech", "sin", "cos", "tan", "max", "min",
})
_ALIASES = {"ln": "log"}
_ARITY = {"max": (2, 20), "min": (2, 20)}  # others: exactly 1
CONSTANTS = ("pi", "e")

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu",
    "ξ": "xi", "ρ": "rho", "τ": "tau", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi",
    "ω": "omega", "π": "pi", "σ": "sigmoid", "ŷ": "y_hat",
}
_CHARS = {
    "·": "*", "×": "*", "⋅": "*", "∗": "*", "•": "*", "−": "-", "–": "-", "—": "-",
    "÷": "/", "【": "[", "】": "]", "\u3000": " ",
}
_SUPER = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6",
          "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-", "⁺": "+", "ˣ": "x", "ⁿ": "n",
          "⁽": "(", "⁾": ")"}
_SUPER_RUN = re.compile("[" + "".join(_SUPER) + "]+")

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<pow>\*\*|\^)
  | (?P<op>[-+*/])
  | (?P<lp>[(\[])
  | (?P<rp>[)\]])
  | (?P<comma>,)
""", re.VERBOSE)


def _err(en: str, zh: str, pos: int | None = None) -> ParseError:
    return ParseError(en, zh, pos)


def warm_up() -> None:
    """Import sympy (and build one expression) — call from a background thread at start-up."""
    parse_expression("sigmoid(x)*(1-x)^2", ["x"])


def normalize_expression(text: str) -> str:
    if not isinstance(text, str):
        raise _err("The answer must be text.", "答案必须是文本。")
    if len(text) > MAX_LENGTH:
        raise _err(f"The expression is too long (max {MAX_LENGTH} characters).",
                   f"表达式太长（最多 {MAX_LENGTH} 个字符）。")
    s = _SUPER_RUN.sub(lambda m: "^(" + "".join(_SUPER[c] for c in m.group()) + ")", text)
    s = unicodedata.normalize("NFKC", s)
    s = "".join(_CHARS.get(c, f" {_GREEK[c]} " if c in _GREEK else c) for c in s)
    s = s.strip()
    while s.endswith("。") or s.endswith("｡"):
        s = s[:-1].rstrip()
    if len(s) > MAX_LENGTH * 2:
        raise _err("The expression is too long.", "表达式太长。")
    return s


def _tokenize(s: str) -> list[tuple[str, str, int]]:
    out = []
    i = 0
    while i < len(s):
        m = _TOKEN.match(s, i)
        if not m:
            c = s[i]
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

class _Parser:
    def __init__(self, tokens, variables: Mapping[str, str], functions: frozenset):
        self.t = tokens
        self.i = 0
        self.vars = variables          # spelled name -> declared name
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
            elif kind in ("name", "lp"):          # implicit multiplication
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
        base = self.atom()
        kind, val, pos = self.peek()
        if kind == "pow":
            self.take()
            self.enter(pos)
            exponent = self.unary()     # right-assoc, allows x^-1
            self.depth -= 1
            return ("pow", base, exponent)
        return base

    def atom(self):
        kind, val, pos = self.peek()
        if kind == "num":
            self.take()
            return ("num", _literal(val, pos))
        if kind == "lp":
            self.take()
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
        if kind == "name":
            self.take()
            return self.name(val, pos)
        raise self.unexpected()

    def name(self, val, pos):
        if "__" in val:
            raise _err(f"Names containing '__' are not allowed ('{val}').",
                       f"不允许含“__”的名字（“{val}”）。", pos)
        is_call = self.peek()[0] == "lp"
        fname = _ALIASES.get(val, val)
        if val in self.funcs and not (val in self.vars and not is_call):
            if not is_call:
                raise _err(f"'{val}' is a function: write {val}(...).",
                           f"“{val}”是函数，请写成 {val}(...)。", pos)
            return self.call(fname, val, pos)
        if val in self.vars:
            return ("var", self.vars[val])
        if val in CONSTANTS:
            return ("const", val)
        parts = _split_names(val, set(self.vars) | set(CONSTANTS))
        if parts:
            node = None
            for p in parts:
                leaf = ("var", self.vars[p]) if p in self.vars else ("const", p)
                node = leaf if node is None else ("mul", node, leaf)
            return node
        allowed = ", ".join(sorted(set(self.vars.values()))) or "-"
        if is_call:
            raise _err(f"Unknown function '{val}'. Allowed: {', '.join(sorted(self.funcs))}.",
                       f"不认识的函数“{val}”。可用：{', '.join(sorted(self.funcs))}。", pos)
        raise _err(f"Unknown name '{val}'. Variables here: {allowed}; constants: pi, e.",
                   f"不认识的名字“{val}”。本题变量：{allowed}；常数：pi、e。", pos)

    def call(self, fname, spelled, pos):
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
        if not lo <= len(args) <= hi:
            want = f"{lo}" if lo == hi else f"at least {lo}"
            want_zh = f"{lo} 个" if lo == hi else f"至少 {lo} 个"
            raise _err(f"{spelled}() takes {want} argument(s), got {len(args)}.",
                       f"{spelled}() 需要{want_zh}参数，你给了 {len(args)} 个。", pos)
        return ("call", fname, args)


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
    """Split `xy` into ['x','y'] if it is a product of known names in exactly one way."""
    if not word.isalpha() or len(word) > 40:
        return None
    n = len(word)
    ways: list[list[list[str]]] = [[] for _ in range(n + 1)]
    ways[0] = [[]]
    for i in range(n):
        if not ways[i]:
            continue
        for k in known:
            if word.startswith(k, i):
                for w in ways[i]:
                    if len(ways[i + len(k)]) < 2:
                        ways[i + len(k)].append(w + [k])
    return ways[n][0] if len(ways[n]) == 1 else None


# ---------------------------------------------------------------- bounds check

@dataclass
class _Info:
    has_var: bool
    value: float | None   # float value of a constant subtree (None if it has variables)
    digits: int           # bound on the digits of any number sympy may produce


_FLOAT_FUNCS = {
    "exp": math.exp, "log": math.log, "sqrt": math.sqrt, "abs": abs, "tanh": math.tanh,
    "sinh": math.sinh, "cosh": math.cosh, "sin": math.sin, "cos": math.cos, "tan": math.tan,
    "sech": lambda v: 1.0 / math.cosh(v), "max": max, "min": min,
    "sigmoid": lambda v: 1.0 / (1.0 + math.exp(-v)),
    "softplus": lambda v: math.log1p(math.exp(v)),
}


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


def _check(node) -> _Info:
    kind = node[0]
    if kind == "num":
        v = node[1]
        return _Info(False, float(v), len(str(v.numerator)) + len(str(v.denominator)))
    if kind == "var":
        return _Info(True, None, 0)
    if kind == "const":
        return _Info(False, math.pi if node[1] == "pi" else math.e, 1)
    if kind == "neg":
        a = _check(node[1])
        return _Info(a.has_var, None if a.value is None else -a.value, a.digits)
    if kind == "call":
        infos = [_check(a) for a in node[2]]
        has_var = any(i.has_var for i in infos)
        value = None if has_var else _fl(_FLOAT_FUNCS[node[1]], *[i.value for i in infos])
        return _Info(has_var, value, sum(i.digits for i in infos) + 1)
    a, b = _check(node[1]), _check(node[2])
    has_var = a.has_var or b.has_var
    if kind == "pow":
        digits = a.digits + b.digits
        if not b.has_var:
            e = b.value
            if e is None or math.isnan(e):
                raise _err("The exponent must be a real number.", "指数必须是实数。")
            if abs(e) > MAX_EXPONENT:
                raise _err(f"Exponent too large (at most {MAX_EXPONENT} in absolute value).",
                           f"指数太大（绝对值最多 {MAX_EXPONENT}）。")
            if e == int(e):
                digits = max(a.digits * max(1, abs(int(e))), digits)
        value = None if has_var else _fl(lambda x, y: x ** y, a.value, b.value)
    else:
        digits = a.digits + b.digits
        op = {"add": lambda x, y: x + y, "sub": lambda x, y: x - y,
              "mul": lambda x, y: x * y, "div": lambda x, y: x / y}[kind]
        value = None if has_var else _fl(op, a.value, b.value)
    if digits > MAX_DIGITS:
        raise _err("A number in the expression is too large.", "表达式中的数太大。")
    return _Info(has_var, value, digits)


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
        table = {"exp": sympy.exp, "log": sympy.log, "sqrt": sympy.sqrt, "abs": sympy.Abs,
                 "tanh": sympy.tanh, "sinh": sympy.sinh, "cosh": sympy.cosh,
                 "sech": sympy.sech, "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan,
                 "max": sympy.Max, "min": sympy.Min}
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


def _variable_map(variables: Iterable[str]) -> dict[str, str]:
    vmap: dict[str, str] = {}
    for v in variables:
        if not isinstance(v, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", v) or "__" in v:
            raise ValueError(f"bad variable name declared by the item: {v!r}")
        vmap[v] = v
    for a, b in (("lambda", "lambda_"), ("lambda_", "lambda")):
        if b in vmap and a not in vmap:
            vmap[a] = b
    return vmap


def parse_expression(text: str, variables: Sequence[str] = ("x",),
                     functions: Iterable[str] = DEFAULT_FUNCTIONS):
    """Parse untrusted text into a sympy expression; ParseError on anything not allowed."""
    vmap = _variable_map(variables)
    funcs = frozenset(functions)
    if "ln" in funcs or "log" in funcs:
        funcs = funcs | {"ln", "log"}
    unknown = {_ALIASES.get(f, f) for f in funcs} - set(_FLOAT_FUNCS)
    if unknown:
        raise ValueError(f"functions not supported: {sorted(unknown)}")
    s = normalize_expression(text)
    tree = _Parser(_tokenize(s), vmap, funcs).parse()
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


# ---------------------------------------------------------------- time-limited calls

_TIMEOUT = object()


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


def _fork_child(conn, fn, args):
    _limit_memory()
    try:
        conn.send(("ok", fn(*args)))
    except BaseException as exc:  # report, never hang
        try:
            conn.send(("error", repr(exc)))
        except Exception:
            pass
    finally:
        conn.close()


def run_with_timeout(fn, args: tuple, timeout: float):
    """Run fn(*args) in a forked child; return its result, or _TIMEOUT / raise RuntimeError.

    Falls back to an abandoned daemon thread where fork is not available."""
    import multiprocessing as mp
    proc = None
    if "fork" in mp.get_all_start_methods():
        ctx = mp.get_context("fork")
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_fork_child, args=(child, fn, args), daemon=True)
        try:
            proc.start()        # fails e.g. inside a daemonic process -> thread fallback
        except Exception:
            parent.close()
            proc = None
        finally:
            child.close()
    if proc is not None:
        try:
            if parent.poll(timeout):
                try:
                    status, value = parent.recv()
                except EOFError:
                    raise RuntimeError("worker died")
                if status == "ok":
                    return value
                raise RuntimeError(value)
            return _TIMEOUT
        finally:
            parent.close()
            if proc.is_alive():
                proc.kill()
            proc.join(1.0)
    import threading
    box: list = []

    def work():
        try:
            box.append(("ok", fn(*args)))
        except BaseException as exc:
            box.append(("error", repr(exc)))

    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(timeout)
    if not box:
        return _TIMEOUT
    if box[0][0] == "ok":
        return box[0][1]
    raise RuntimeError(box[0][1])


def _simplify_is_zero(a, b) -> bool:
    import sympy
    return bool(sympy.simplify(a - b) == 0)


# ---------------------------------------------------------------- equivalence

def _evaluator(expr, syms):
    import sympy
    extra = {"sech": lambda v: 1.0 / math.cosh(v), "Max": max, "Min": min}
    return sympy.lambdify(syms, expr, modules=[extra, "math"], dummify=True)


def _value(f, point) -> float | None:
    try:
        v = f(*point)
    except (ArithmeticError, ValueError, TypeError, OverflowError):
        return None
    if isinstance(v, complex):
        if abs(v.imag) > 1e-12 * max(1.0, abs(v.real)):
            return None
        v = v.real
    try:
        v = float(v)
    except (TypeError, ValueError, OverflowError):
        return None
    return v if math.isfinite(v) else None


def _compare_at_points(a, b, syms, seed: int, want: int = 8):
    """Return (n_valid, n_agree, n_clear_disagree)."""
    fa, fb = _evaluator(a, syms), _evaluator(b, syms)
    rng = random.Random(seed)
    valid = agree = clear = 0
    ranges = [(-2.0, 2.0)] * 24 + [(0.05, 2.0)] * 24
    if not syms:
        ranges = ranges[:1]
    for lo, hi in ranges:
        if valid >= want:
            break
        if valid >= 5 and (lo, hi) != (-2.0, 2.0):
            break
        p = [rng.uniform(lo, hi) for _ in syms]
        va, vb = _value(fa, p), _value(fb, p)
        if va is None or vb is None:
            continue
        valid += 1
        diff = abs(va - vb)
        scale = max(1.0, abs(va), abs(vb))
        if diff <= 1e-7 * scale:
            agree += 1
        elif diff > 1e-3 * scale:
            clear += 1
    return valid, agree, clear


def _as_symbols(variables, exprs):
    syms = {s.name: s for e in exprs for s in e.free_symbols}
    for v in variables or ():
        name = v if isinstance(v, str) else getattr(v, "name", str(v))
        syms.setdefault(name, _symbol(name))
    return [syms[k] for k in sorted(syms)]


def equivalent(student_expr, model_expr, variables: Sequence[str] = (), timeout: float = 1.0,
               seed: int = 12345) -> bool | None:
    """True / False, or None if it could not be decided (timeout or no usable test points)."""
    return _equivalent(student_expr, model_expr, variables, timeout, seed)[0]


def _equivalent(a, b, variables, timeout, seed=12345) -> tuple[bool | None, str]:
    """(verdict, how): how in {"points", "simplify", "timeout", "undecided"}."""
    syms = _as_symbols(variables, (a, b))
    valid, agree, clear = _compare_at_points(a, b, syms, seed)
    need = 5 if syms else 1
    if valid >= need and clear:
        return False, "points"
    if valid >= need and agree == valid:
        return True, "points"
    try:
        proved = run_with_timeout(_simplify_is_zero, (a, b), timeout)
    except RuntimeError:
        proved = _TIMEOUT
    if proved is True:
        return True, "simplify"
    if valid >= need:       # only float-noise-sized differences, not proved equal
        return (False, "points") if proved is False else (None, "timeout")
    if clear:
        return False, "points"
    return None, ("timeout" if proved is _TIMEOUT else "undecided")


# ---------------------------------------------------------------- grading

def _misconception_text(m) -> str | None:
    for key in ("value", "expr", "answer"):
        v = get_field(m, key)
        if isinstance(v, str):
            return v
    return None


def grade_symbolic(text: str, model_answer: str, variables: Sequence[str],
                   misconceptions: Sequence[Any] = (),
                   substitutions: Mapping[str, str] | None = None,
                   functions: Iterable[str] = DEFAULT_FUNCTIONS,
                   timeout: float = 1.0) -> GradeResult:
    """Grade an expression answer against the bank's model answer (parsed by the same parser).

    substitutions: alias names the student may use, e.g. {"s": "sigmoid(x)"}; they are
    declared for parsing and replaced before comparison. Misconceptions: dicts/objects with
    id, value (expression string; `expr`/`answer` also accepted), feedback_en, feedback_zh;
    the first one equivalent to the answer wins. A ParseError in model_answer or a
    misconception propagates (bank bug)."""
    variables = list(variables)
    subs = dict(substitutions or {})
    names = variables + [k for k in subs if k not in variables]
    try:
        student = parse_expression(text, names, functions)
    except ParseError as err:
        return GradeResult.invalid(err)
    model = parse_expression(model_answer, names, set(functions) | DEFAULT_FUNCTIONS)
    repl = {_symbol(k): parse_expression(v, variables) for k, v in subs.items()}

    def prep(e):
        return e.xreplace(repl) if repl else e

    shown = str(student)
    s2 = prep(student)
    verdict, how = _equivalent(s2, prep(model), variables, timeout)
    if verdict is True:
        return GradeResult(True, 1.0, "Correct.", "正确。", shown, None)
    if verdict is None and how == "undecided":
        return GradeResult(None, 0.0,
                           "Could not compare this expression: it is undefined or too large at the "
                           "test points. Please check it or write it differently.",
                           "无法比较这个表达式：它在测试点上无定义或数值过大。请检查或换一种写法。",
                           shown, None)
    if verdict is None:
        return GradeResult(None, 0.0,
                           "Could not check this expression in time; please write it more simply.",
                           "无法在限定时间内检查这个表达式；请写得简单一些。", shown, None)
    for m in misconceptions or ():
        src = _misconception_text(m)
        if src is None:
            continue
        me = prep(parse_expression(src, names, set(functions) | DEFAULT_FUNCTIONS))
        if equivalent(s2, me, variables, timeout) is True:
            return GradeResult(False, 0.0, get_field(m, "feedback_en", "") or "",
                               get_field(m, "feedback_zh", "") or "", shown, get_field(m, "id"))
    return GradeResult(False, 0.0, "Not equivalent to the expected expression.",
                       "与正确答案不等价。", shown, None)
