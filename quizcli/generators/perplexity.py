"""Perplexity of a sequence from the probabilities a language model gave its tokens, and its
link to the cross-entropy: PPL = exp(−(1/N) Σ ln p_i) = exp(CE) (base 2: 2^(−(1/N) Σ log₂ p_i)).

Formula route: the mean negative log-probability, then the exponential (pure Python).
Engine route: logits built so that softmax gives each token its probability (two-way logits
(ln p, ln(1 − p)) per position), the engine's softmax cross-entropy over the sequence with the
true tokens as targets, then exp of that mean loss.
"""
from __future__ import annotations

import math
import random

from .base import Chain, Family, StepMistake, Misconception, Param, ParamError, Solution, bi, pick
from ._shared import num as _n

ASKS = ("ppl", "ce")

TOPIC, CONCEPTS = "seq_generation", ("perplexity", "cross_entropy")

FAMILY = Family(
    id="perplexity",
    topic=TOPIC,
    concepts=CONCEPTS,
    title=bi("Perplexity of a sequence", "序列的困惑度"),
    params=(
        Param("p", "floats", bi("the probabilities the model gave the N actual tokens, p_1, …, p_N (each in (0, 1])",
                                "模型给 N 个实际词元的概率 p_1, …, p_N（各在 (0, 1] 内）"),
              aliases=("probs", "probabilities"), min=1e-12, max=1, max_len=100),
        Param("ask", "str", bi("ppl (the perplexity) or ce (the cross-entropy per token, in nats; in bits with base=2)",
                               "ppl（困惑度）或 ce（每个词元的交叉熵，单位奈特；base=2 时为比特）"),
              default="ppl", choices=ASKS),
        Param("base", "int", bi("logarithm base: e (write 0, the default) or 2; the perplexity is the same",
                                "对数的底：e（写 0，默认）或 2；困惑度相同"), default="0", min=0, max=2),
    ),
)


def _exp(v: float) -> float:
    """exp, or inf where a wrong method overflows (such a misconception is then left out)."""
    try:
        return math.exp(v)
    except OverflowError:
        return float("inf")


def _ce(p, base):
    lg = math.log if base != 2 else math.log2
    return -sum(lg(v) for v in p) / len(p)


def generate(rng: random.Random, difficulty: str) -> dict:
    if difficulty == "easy":
        if rng.random() < 0.5:
            k = pick(rng, (2, 4, 5, 10))
            return {"p": (1 / k,) * pick(rng, (3, 4)), "ask": "ppl", "base": 0}  # uniform: PPL = vocabulary size
        n = pick(rng, (2, 3))
        return {"p": tuple(pick(rng, (0.5, 0.25, 0.125, 1.0)) for _ in range(n)), "ask": "ppl", "base": pick(rng, (0, 2))}
    n = pick(rng, (3, 4, 5)) if difficulty == "medium" else pick(rng, (5, 6, 8))
    p = tuple(rng.randint(5, 95) / 100 for _ in range(n))
    return {"p": p, "ask": pick(rng, ("ppl", "ppl", "ce")), "base": pick(rng, (0, 0, 2)) if difficulty == "hard" else 0}


def solve(prm: dict) -> Solution:
    p = tuple(float(v) for v in prm["p"])
    ask, base = prm.get("ask") or "ppl", int(prm.get("base") or 0)
    if not p:
        raise ParamError("give the token probabilities p=…", "请给出各词元的概率 p=…")
    if any(not 0 < v <= 1 for v in p):
        raise ParamError("probabilities must lie in (0, 1]", "概率须在 (0, 1] 内")
    if base not in (0, 2) or ask not in ASKS:
        raise ParamError("base must be 0 (e) or 2; ask ppl or ce", "base 须为 0（e）或 2；ask 须为 ppl 或 ce")
    N = len(p)
    ce = _ce(p, base)
    ppl = _exp(_ce(p, 0))
    ans = ppl if ask == "ppl" else ce
    ln, unit_en, unit_zh = ("\\ln", "nats", "奈特") if base != 2 else ("\\log_2", "bits", "比特")
    plist = ", ".join(_n(v) for v in p)
    what_en = "the perplexity of the sequence" if ask == "ppl" else f"the cross-entropy per token (in {unit_en}, log base {'e' if base != 2 else 2})"
    what_zh = "该序列的困惑度" if ask == "ppl" else f"每个词元的交叉熵（单位{unit_zh}，对数底为 {'e' if base != 2 else 2}）"
    prompt = bi(f"A language model gives the {N} tokens of a test sequence the probabilities {plist} (each the probability "
                f"of the actual next token). Give {what_en}, to 4 decimals.",
                f"语言模型给一个测试序列的 {N} 个词元的概率依次为 {plist}（每个都是实际下一个词元的概率）。求{what_zh}（保留 4 位小数）。")
    exp_txt = "e^{" if base != 2 else "2^{"
    steps = [
        bi(f"Perplexity: $\\mathrm{{PPL}} = {exp_txt}-\\frac{{1}}{{N}}\\sum_i {ln} p_i}}$, the exponential of the cross-entropy "
           "per token (the geometric mean of 1/p_i).",
           f"困惑度：$\\mathrm{{PPL}} = {exp_txt}-\\frac{{1}}{{N}}\\sum_i {ln} p_i}}$，即每个词元交叉熵的指数（1/p_i 的几何平均）。"),
    ]
    # each line is computed from the numbers shown before it; where 6 decimals of the
    # intermediates would move the last line's 4th decimal off the answer's (e^1.018721 =
    # 2.7697 against 2.7696), the intermediates are shown with one more digit
    for dig in (6, 7, 8, 9):
        chain = _chain(p, ask, base, dig)
        if round(float(chain[-1].shown), 4) == round(float(chain[-1].value), 4):
            break
    steps += [st.text for st in chain]
    M = Misconception
    mean_p = sum(p) / N
    if ask == "ppl":
        miscon = [
            M("no_exponential", _ce(p, 0), bi("You stopped at the cross-entropy: the perplexity is its exponential.",
                                              "你停在了交叉熵：困惑度是它的指数。")),
            M("sum_not_mean", _exp(-sum(math.log(v) for v in p)), bi(
                "You summed the log-probabilities without dividing by N: perplexity uses the mean per token.",
                "你对对数概率求和却没有除以 N：困惑度用每个词元的平均值。")),
            M("inverse_mean_probability", 1 / mean_p, bi(
                "You took 1 over the arithmetic mean of the probabilities; perplexity is the geometric mean of 1/p_i.",
                "你用了概率算术平均的倒数；困惑度是 1/p_i 的几何平均。")),
            M("forgot_minus", math.exp(-_ce(p, 0)), bi(
                "You dropped the minus sign: PPL = exp(−(1/N) Σ ln p_i) ≥ 1.", "你漏了负号：PPL = exp(−(1/N) Σ ln p_i) ≥ 1。")),
        ]
    else:
        other = _ce(p, 2 if base != 2 else 0)
        miscon = [
            M("gave_perplexity", ppl, bi("You gave the perplexity; the cross-entropy is its logarithm.",
                                         "你给的是困惑度；交叉熵是它的对数。")),
            M("other_log_base", other, bi(f"You used the other logarithm: here the base is {'e' if base != 2 else '2'}.",
                                          f"你用了另一个底的对数：这里的底是 {'e' if base != 2 else '2'}。")),
            M("sum_not_mean", ce * N, bi("You did not divide by N: the cross-entropy here is per token.",
                                         "你没有除以 N：这里的交叉熵是每个词元的平均。")),
        ]
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi("PPL = exp(mean negative log-likelihood per token) = exp(CE); with base-2 logarithms "
                                    "2^(CE in bits), the same number.",
                                    "PPL = exp(每个词元的平均负对数似然) = exp(CE)；用以 2 为底的对数时为 2^(以比特计的 CE)，数值相同。"),),
                    answer_text=f"{ans:.4f}", rtol=1e-3, atol=5e-4, chain=chain,
                    hint=bi("Average −ln p_i over the tokens, then exponentiate.", "对各词元的 −ln p_i 取平均，再取指数。"))


def _chain(p, ask, base, dig=6):
    """The log-probabilities, their sum, the cross-entropy per token (minus the mean), then
    (asked for the perplexity) its exponential; each from the shown numbers before it."""
    ch = Chain({"p": p})
    N = len(p)
    two = base == 2
    lg = math.log2 if two else math.log
    ln = "\\log_2" if two else "\\ln"
    unit_en, unit_zh = ("bits", "比特") if two else ("nats", "奈特")
    other = math.log if two else math.log2

    d_ce = dig if ask == "ppl" else 4  # the perplexity is computed from it: more digits keep its 4 decimals

    def f6(v):
        return _n(v, dig)

    def paren(v):
        return f"({f6(v)})" if v < 0 else f6(v)

    ch.step("logs", bi(f"the log-probabilities {'log₂' if two else 'ln'} pᵢ", f"对数概率 {'log₂' if two else 'ln'} pᵢ"),
            lambda e: tuple(lg(v) for v in e["p"]), uses=("p",), digits=dig, rtol=1e-3, atol=5e-4,
            text=lambda sh: bi("; ".join(f"${ln} {_n(v)} = {f6(l_)}$" for v, l_ in zip(p, sh["logs"])),
                               "；".join(f"${ln} {_n(v)} = {f6(l_)}$" for v, l_ in zip(p, sh["logs"]))),
            rule=bi("the log of each token's probability", "每个词元概率的对数"),
            formula=bi(f"${ln} p_i$", f"${ln} p_i$"),
            substituted=lambda sh: bi(", ".join(f"${ln} {_n(v)}$" for v in p), "，".join(f"${ln} {_n(v)}$" for v in p)),
            mistakes=(StepMistake("other_log_base", bi(f"You used the other logarithm: here the base is {'2' if two else 'e'}.",
                                                       f"你用了另一个底的对数：这里的底是 {'2' if two else 'e'}。"),
                                  lambda e: tuple(other(v) for v in e["p"])),
                      StepMistake("log10", bi(f"You used log₁₀ (a calculator's log key); here the base is {'2' if two else 'e'}.",
                                              f"你用了 log₁₀（计算器上的 log 键）；这里的底是 {'2' if two else 'e'}。"),
                                  lambda e: tuple(math.log10(v) for v in e["p"]))))
    lname = "log₂" if two else "ln"
    ch.step("S", bi(f"their sum Σ {lname} pᵢ", f"它们的和 Σ {lname} pᵢ"), lambda e: sum(e["logs"]), uses=("logs",), digits=dig, rtol=1e-3, atol=5e-4,
            text=lambda sh: bi(f"Sum: $\\sum_i {ln} p_i = {' + '.join(paren(v) for v in sh['logs'])} = {f6(sh['S'])}$",
                               f"求和：$\\sum_i {ln} p_i = {' + '.join(paren(v) for v in sh['logs'])} = {f6(sh['S'])}$"),
            rule=bi("add the log-probabilities of the sequence", "把序列的对数概率相加"), formula=bi(f"$\\sum_i {ln} p_i$", f"$\\sum_i {ln} p_i$"),
            substituted=lambda sh: bi(" + ".join(paren(v) for v in sh["logs"]), " + ".join(paren(v) for v in sh["logs"])))
    exp_txt = "2" if two else "e"

    def power(v):
        return _exp(v * math.log(2)) if two else _exp(v)

    ce_mis = [StepMistake("sum_not_mean", bi("You did not divide by N: the cross-entropy is the mean per token.",
                                             "你没有除以 N：交叉熵是每个词元的平均。"), lambda e: -e["S"]),
              StepMistake("forgot_minus", bi("You dropped the minus sign: the cross-entropy −(1/N) Σ log p_i is ≥ 0.",
                                             "你漏了负号：交叉熵 −(1/N) Σ log p_i ≥ 0。"), lambda e: e["S"] / N)]
    if ask == "ce":
        ce_mis.append(StepMistake("gave_perplexity", bi("You gave the perplexity; the cross-entropy is its logarithm.",
                                                        "你给的是困惑度；交叉熵是它的对数。"), lambda e: power(-e["S"] / N)))
    ch.step("ce", bi(f"the cross-entropy per token (in {unit_en})", f"每个词元的交叉熵（单位{unit_zh}）"), lambda e: -e["S"] / N,
            uses=("S",), digits=d_ce, rtol=1e-3, atol=5e-4,
            text=lambda sh: bi(f"Cross-entropy per token: $-\\frac{{1}}{{{N}}} \\cdot {paren(sh['S'])} = {_n(sh['ce'], d_ce)}$ {unit_en}",
                               f"每个词元的交叉熵：$-\\frac{{1}}{{{N}}} \\cdot {paren(sh['S'])} = {_n(sh['ce'], d_ce)}$ {unit_zh}"),
            rule=bi("the cross-entropy per token: minus the mean log-probability", "每个词元的交叉熵：对数概率平均值的相反数"),
            formula=bi("$\\mathrm{CE} = -\\frac{1}{N}\\sum_i " + ln + " p_i$", "$\\mathrm{CE} = -\\frac{1}{N}\\sum_i " + ln + " p_i$"),
            substituted=lambda sh: bi(f"$-\\frac{{1}}{{{N}}} \\cdot {paren(sh['S'])}$", f"$-\\frac{{1}}{{{N}}} \\cdot {paren(sh['S'])}$"),
            mistakes=tuple(ce_mis))
    if ask == "ppl":
        mean_p = sum(p) / N
        ch.step("ppl", bi("the perplexity", "困惑度"), lambda e: power(e["ce"]), uses=("ce",), rtol=1e-3, atol=5e-4,
                text=lambda sh: bi(f"$\\mathrm{{PPL}} = {exp_txt}^{{{f6(sh['ce'])}}} = {_n(sh['ppl'])}$",
                                   f"$\\mathrm{{PPL}} = {exp_txt}^{{{f6(sh['ce'])}}} = {_n(sh['ppl'])}$"),
                rule=bi("the perplexity is the exponential of the cross-entropy", "困惑度是交叉熵的指数"),
                formula=bi(f"$\\mathrm{{PPL}} = {exp_txt}^{{\\mathrm{{CE}}}}$", f"$\\mathrm{{PPL}} = {exp_txt}^{{\\mathrm{{CE}}}}$"),
                substituted=lambda sh: bi(f"${exp_txt}^{{{f6(sh['ce'])}}}$", f"${exp_txt}^{{{f6(sh['ce'])}}}$"),
                mistakes=(StepMistake("no_exponential", bi("You stopped at the cross-entropy: the perplexity is its exponential.",
                                                           "你停在了交叉熵：困惑度是它的指数。"), lambda e: e["ce"]),
                          StepMistake("forgot_minus", bi("You dropped the minus sign: PPL = exp(−(1/N) Σ ln p_i) ≥ 1.",
                                                         "你漏了负号：PPL = exp(−(1/N) Σ ln p_i) ≥ 1。"), lambda e: power(-e["ce"])),
                          StepMistake("inverse_mean_probability", bi(
                              "You took 1 over the arithmetic mean of the probabilities; perplexity is the geometric mean of 1/p_i.",
                              "你用了概率算术平均的倒数；困惑度是 1/p_i 的几何平均。"), lambda e: 1 / mean_p)))
    return ch.steps


def check(prm: dict):
    """Engine route: two-way logits (ln p, ln(1 − p)) per token, the engine's softmax
    cross-entropy with the true token (class 0) as target, exp of the mean."""
    import numpy as np

    from ..engine import softmax_cross_entropy

    p = np.array([float(v) for v in prm["p"]])
    with np.errstate(divide="ignore"):
        rest = np.where(p < 1, np.log1p(-np.minimum(p, 1 - 1e-300)), -1e4)  # p = 1: the other token gets nothing
    logits = np.stack([np.log(p), rest], axis=1)
    ce_nats, _ = softmax_cross_entropy(logits, np.zeros(len(p), dtype=int), reduction="mean")
    if (prm.get("ask") or "ppl") == "ppl":
        return float(np.exp(ce_nats))
    return ce_nats / math.log(2) if int(prm.get("base") or 0) == 2 else ce_nats
