"""LaTeX -> readable Unicode for the terminal (flatlatex plus a few shims).

flatlatex did best of the converters compared (shared notes, deps-and-speed §4): it keeps
the grouping of fractions and raises on malformed input instead of silently dropping text.
The shims below fill its gaps: operator names (\\log, \\max …) it leaves as raw commands,
spaces it swallows, and a handful of symbols. Conversions run once, when the bank is
validated, and are cached with it, so `explain` does not import flatlatex.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Iterator

MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)
_COMMAND = re.compile(r"\\[A-Za-z]+")
_RELATION = re.compile(r"\s*([=≈≤≥≠→∝∼<>])\s*")

_OPERATORS = (
    "arg", "cos", "cosh", "det", "dim", "exp", "inf", "lim", "ln", "log", "max", "min",
    "sech", "sgn", "sign", "sin", "sinh", "softmax", "sup", "tan", "tanh", "argmax", "argmin",
)
_OPERATOR = re.compile(r"\\(" + "|".join(sorted(_OPERATORS, key=len, reverse=True)) + r")(?![A-Za-z])\s*")
_TEXT = re.compile(r"\\(?:text|textrm|mathrm|textbf|textit|operatorname|mathit)\s*\{([^{}]*)\}")
_SYMBOLS = {
    r"\|": "‖",
    # full-width braces: plain ones would be taken as grouping and vanish ({0, 1} → 0, 1)
    r"\{": "｛",
    r"\}": "｝",
    r"\ldots": "…",
    r"\dots": "…",
    r"\cdots": "⋯",
    r"\top": "T",
    r"\mid": "|",
    r"\lVert": "‖",
    r"\rVert": "‖",
    r"\lvert": "|",
    r"\rvert": "|",
    r"\langle": "⟨",
    r"\rangle": "⟩",
    r"\ ": r"\,",
}
_NEWCOMMANDS = (
    r"\newcommand\left{}",
    r"\newcommand\right{}",
    r"\newcommand\bigl{}",
    r"\newcommand\bigr{}",
    r"\newcommand\big{}",
    r"\newcommand\Big{}",
    r"\newcommand\lfloor{⌊}",
    r"\newcommand\rfloor{⌋}",
    r"\newcommand\lceil{⌈}",
    r"\newcommand\rceil{⌉}",
    r"\newcommand\boldsymbol[1]{\mathbf{#1}}",
    r"\newcommand\bm[1]{\mathbf{#1}}",
    r"\newcommand\displaystyle{}",
    r"\newcommand\limits{}",
    r"\newcommand\varepsilon{ε}",
    r"\newcommand\epsilon{ε}",
    r"\newcommand\leqslant{≤}",
    r"\newcommand\geqslant{≥}",
    r"\newcommand\to{→}",
    r"\newcommand\gets{←}",
    r"\newcommand\propto{∝}",
    r"\newcommand\circ{∘}",
)


@lru_cache(maxsize=1)
def _converter():
    import flatlatex

    conv = flatlatex.converter()
    for cmd in _NEWCOMMANDS:
        conv.add_newcommand(cmd)
    return conv


def _operator(m: re.Match) -> str:
    # Keep a visible space between an operator and a plain argument ("log p"),
    # none before brackets, sub- or superscripts ("max(0, x)", "max_k").
    name = m.group(1)
    rest = m.string[m.end():m.end() + 1]
    before = m.string[m.start() - 1:m.start()] if m.start() else ""
    lead = r"\," if before.isalnum() or before in ")}" else ""  # "y \log p" keeps its space: y log p
    if rest and rest not in "({[_^,)=+-*/}" and rest != "\\":
        return lead + name + r"\,"
    return lead + name


# Unicode has subscript forms for these only; flatlatex falls back to x[t] even where one
# exists, which reads like indexing. Subscripts made only of these characters are written
# as real subscripts (x_t → xₜ, C_{in} → Cᵢₙ, h_{t-1} → hₜ₋₁) before conversion.
_SUBSCRIPT = dict(zip("0123456789+-=()aehijklmnoprstuvxβγρφχ", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ"))
_SUB_GROUP = re.compile(r"_(\{([^{}\\]*)\}|([A-Za-z0-9]))")


# A subscript with a character Unicode cannot lower is written the way a student types it
# back (d_model, k_w, x_(i+u-1)): flatlatex would write d[model], which reads like indexing.
# The underscore travels through flatlatex as a private-use character.
_US = "\ue000"
_PLAIN = re.compile(r"^[A-Za-z0-9]+$")


def _subscript(m: re.Match) -> str:
    raw = m.group(2) if m.group(2) is not None else m.group(3)
    text = raw.replace(" ", "").replace("−", "-")
    if text and all(ch in _SUBSCRIPT for ch in text):
        return "".join(_SUBSCRIPT[ch] for ch in text)
    after = m.string[m.end():].lstrip()[:1]
    gap = r"\," if after.isalnum() or after == "\\" else ""  # k_w k_h stays two symbols: k_w kₕ
    if _PLAIN.match(text):
        return _US + text + gap
    return _US + "(" + raw + ")" + gap


_BIG_OP_LIMITS = re.compile(r"\\(sum|prod)\s*_\s*(\{[^{}]*\}|[A-Za-z0-9])\s*\^\s*(\{[^{}]*\}|[A-Za-z0-9])")


def _limits(m: re.Match) -> str:
    # flatlatex draws \sum_{i=1}^{n} as "(∑ᵢ₌₁)ⁿ", which reads like a power (or a transpose
    # for T); "∑[i=1..n]" says the range plainly.
    lo, hi = (g[1:-1] if g.startswith("{") else g for g in (m.group(2), m.group(3)))
    return f"\\{m.group(1)}_{{{lo}..{hi}}}"


def _preprocess(latex: str) -> str:
    s = _BIG_OP_LIMITS.sub(_limits, latex)
    # an escaped underscore (output\_padding) and set braces (\{0, 1\}) are plain characters
    s = s.replace(r"\_", _US).replace(r"\{", "\ue001").replace(r"\}", "\ue002")
    for k, v in _SYMBOLS.items():
        s = s.replace(k, v)
    s = _TEXT.sub(lambda m: "{" + m.group(1).replace(" ", r"\,") + "}", s)
    s = _OPERATOR.sub(_operator, s)
    s = _SUB_GROUP.sub(_subscript, s)
    return s


@lru_cache(maxsize=4096)
def latex_to_unicode(latex: str) -> str:
    """Readable one-line Unicode for a LaTeX math fragment (without the $ signs).

    Raises the converter's error on malformed input; callers fall back to the raw text."""
    s = _preprocess(latex)
    # flatlatex drops spaces; put them back around relations, where they help reading.
    out = _RELATION.sub(r" \1 ", _converter().convert(s)).strip()
    return out.replace(_US, "_").replace("\ue001", "{").replace("\ue002", "}")


def leftover_command(text: str) -> str | None:
    """The first raw LaTeX command left in converted text, if any (a rendering failure)."""
    m = _COMMAND.search(text)
    return m.group(0) if m else None


# In plain text (outside $…$) authors sometimes write x_t or h_{t−1}; only these two
# unambiguous forms are turned into subscripts: a lone letter with one character, or a
# braced group. Identifiers like conv_output are left alone.
_PLAIN_SUB = re.compile(r"(?<![A-Za-z0-9_])([A-Za-zα-ωΑ-Ω][\u0300-\u036f]?)_(\{([^{}]+)\}|([A-Za-z0-9])(?![A-Za-z0-9_]))")


def _plain_sub(m: re.Match) -> str:
    text = (m.group(3) if m.group(3) is not None else m.group(4)).replace(" ", "").replace("−", "-")
    if all(ch in _SUBSCRIPT for ch in text):
        return m.group(1) + "".join(_SUBSCRIPT[ch] for ch in text)
    return m.group(0)


def plain_subscripts(text: str) -> str:
    return _PLAIN_SUB.sub(_plain_sub, text)


def render_inline(text: str, math: dict[str, str], glue=None) -> str:
    """`text` with each `$...$` / `$$...$$` fragment replaced by its Unicode rendering,
    taken from the bank's pre-rendered `math` table (converted on the spot if missing,
    left as raw `$...$` if conversion fails). `glue`, if given, is applied to each rendered
    formula (the terminal keeps short formulas on one line with it)."""
    if glue is not None:
        def glued(m: re.Match) -> str:
            out = sub(m)
            return out if out == m.group(0) else glue(out)
    else:
        glued = None

    def sub(m: re.Match) -> str:
        latex = (m.group(1) or m.group(2)).strip()
        if latex in math:
            return math[latex]
        try:
            out = latex_to_unicode(latex)
        except Exception:
            return m.group(0)
        return m.group(0) if leftover_command(out) else out

    out, pos = [], 0
    for m in MATH.finditer(text):
        out.append(plain_subscripts(text[pos:m.start()]))
        out.append(glued(m) if glued else sub(m))
        pos = m.end()
    out.append(plain_subscripts(text[pos:]))
    return "".join(out)


def fragments(text: str) -> Iterator[str]:
    for m in MATH.finditer(text):
        yield (m.group(1) or m.group(2)).strip()


def collect_math(bank) -> Iterable[tuple[object, str]]:
    """(owner, latex) for every math fragment a student can see in the bank."""
    for c in bank.concepts.values():
        for f in c.formulas:
            yield c, f.latex
            if f.label:
                for lang in ("en", "zh"):
                    for frag in fragments(f.label.t(lang)):
                        yield c, frag
        texts = [c.title, c.summary, c.body, *c.key_points, *c.pitfalls]
        for b in texts:
            for lang in ("en", "zh"):
                for frag in fragments(b.t(lang)):
                    yield c, frag
    for q in bank.questions.values():
        texts = [q.prompt, q.explanation, *q.key_points, *(o.text for o in q.options), *(o.why for o in q.options if o.why)]
        if hasattr(q.answer, "en"):
            texts.append(q.answer)
        for b in texts:
            for lang in ("en", "zh"):
                for frag in fragments(b.t(lang)):
                    yield q, frag
