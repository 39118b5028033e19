"""One asynchronous update and the energy of a small (discrete, ±1) Hopfield network.

Formula route: unit i takes s_i ← sign(Σ_j w_ij s_j + b_i) (a net input of exactly 0 keeps the
state), the others unchanged; E(s) = −½ sᵀWs − bᵀs, in matrix form (pure Python).
Engine route: the energy as an explicit double sum −½ Σ_i Σ_j w_ij s_i s_j − Σ_i b_i s_i over
NumPy arrays, and the update as the choice of s_i ∈ {−1, +1} with the lower energy (ties keep
the state): the network runs downhill in energy, checked without the sign rule.
"""
from __future__ import annotations

import random

from .base import Chain, Family, Misconception, Param, ParamError, Solution, StepMistake, bi, pick
from ._shared import num as _n, paren as _p, vec as _vec

ASKS = ("state", "energy", "energy_after")

TOPIC, CONCEPTS = "memory", ("hopfield_network", "hopfield_energy")

FAMILY = Family(
    id="hopfield_step",
    topic=TOPIC,
    concepts=CONCEPTS,
    title=bi("Hopfield network: an update and the energy", "Hopfield 网络：一次更新与能量"),
    params=(
        Param("w", "matrix", bi("the symmetric weights with zero diagonal, rows separated by ';'",
                                "对称、对角线为 0 的权重矩阵，行之间用“;”分隔"), aliases=("W",), min=-1000, max=1000, max_len=8),
        Param("s", "floats", bi("the state, each entry +1 or −1", "状态，各分量为 +1 或 −1"), aliases=("state",), min=-1, max=1, max_len=8),
        Param("b", "floats", bi("the biases b_i (0 = none)", "偏置 b_i（0 表示无）"), default="0", min=-1000, max=1000, max_len=8),
        Param("i", "int", bi("the unit updated, counted from 1", "被更新的单元，从 1 开始数"), default="1", aliases=("unit",), min=1, max=8),
        Param("ask", "str", bi("state (the state after updating unit i), energy (E of the given state) or energy_after "
                               "(E after the update)", "state（更新单元 i 后的状态）、energy（给定状态的能量）或 energy_after（更新后的能量）"),
              default="state", choices=ASKS),
        Param("tie", "str", bi("a net input of exactly 0: keep (the unit keeps its state) or plus (it becomes +1, "
                               "for texts writing s_i = 1 when the net input is ≥ 0)",
                               "净输入恰为 0 时：keep（单元保持原状态）或 plus（变为 +1，对应把条件写成净输入 ≥ 0 的教材）"),
              default="keep", choices=("keep", "plus")),
    ),
)


def _parse(prm):
    s = tuple(float(v) for v in prm["s"])
    n = len(s)
    W = tuple(tuple(float(v) for v in r) for r in prm["w"])
    if len(W) != n or any(len(r) != n for r in W):
        raise ParamError(f"w must be {n}×{n} (one row and column per unit)", f"w 须为 {n}×{n}（每个单元一行一列）")
    if any(W[i][j] != W[j][i] for i in range(n) for j in range(n)) or any(W[i][i] for i in range(n)):
        raise ParamError("a Hopfield network needs symmetric weights with a zero diagonal", "Hopfield 网络需要对称且对角线为 0 的权重")
    if any(v not in (1.0, -1.0) for v in s):
        raise ParamError("states are +1 or −1", "状态取 +1 或 −1")
    b = tuple(float(v) for v in (prm.get("b") or (0.0,)))
    if len(b) == 1 and b[0] == 0:
        b = (0.0,) * n
    if len(b) != n:
        raise ParamError(f"b needs {n} numbers", f"b 须有 {n} 个数")
    i = int(prm.get("i") or 1) - 1
    if not 0 <= i < n:
        raise ParamError(f"i must be a unit between 1 and {n}", f"i 须为 1 到 {n} 之间的单元")
    ask = prm.get("ask") or "state"
    if ask not in ASKS:
        raise ParamError(f"ask must be one of {', '.join(ASKS)}", f"ask 须为 {', '.join(ASKS)} 之一")
    if (prm.get("tie") or "keep") not in ("keep", "plus"):
        raise ParamError("tie must be keep or plus", "tie 须为 keep 或 plus")
    return W, s, b, i, ask


def _energy(W, s, b, *, half=True, with_b=True):
    n = len(s)
    Ws = [sum(W[r][c] * s[c] for c in range(n)) for r in range(n)]
    quad = sum(s[r] * Ws[r] for r in range(n))
    return -(0.5 if half else 1.0) * quad - (sum(bi_ * si for bi_, si in zip(b, s)) if with_b else 0.0)


def _update(W, s, b, i, *, with_b=True, sync=False, tie="keep"):
    n = len(s)

    def new(k):
        net = sum(W[k][j] * s[j] for j in range(n)) + (b[k] if with_b else 0.0)
        return (s[k] if tie == "keep" else 1.0) if net == 0 else (1.0 if net > 0 else -1.0)

    if sync:
        return tuple(new(k) for k in range(n))
    return tuple(new(k) if k == i else s[k] for k in range(n)), sum(W[i][j] * s[j] for j in range(n)) + b[i]


def generate(rng: random.Random, difficulty: str) -> dict:
    n = 3 if difficulty != "hard" else 4
    while True:
        W = [[0.0] * n for _ in range(n)]
        for r in range(n):
            for c in range(r + 1, n):
                W[r][c] = W[c][r] = float(rng.randint(-2, 2))
        s = tuple(float(pick(rng, (1, -1))) for _ in range(n))
        b = (0.0,) * n if difficulty == "easy" else tuple(float(rng.randint(-1, 1)) for _ in range(n))
        i = rng.randint(1, n)
        ask = pick(rng, ("state", "state", "energy")) if difficulty != "hard" else pick(rng, ASKS)
        net = sum(W[i - 1][j] * s[j] for j in range(n)) + b[i - 1]
        if net != 0 and any(W[r][c] for r in range(n) for c in range(n)):
            return {"w": tuple(tuple(r) for r in W), "s": s, "b": b, "i": i, "ask": ask}


def solve(prm: dict) -> Solution:
    W, s, b, i, ask = _parse(prm)
    tie = prm.get("tie") or "keep"
    n = len(s)
    s_new, net = _update(W, s, b, i, tie=tie)
    tie_en = "keeps the state" if tie == "keep" else "gives +1"
    tie_zh = "时保持原状态" if tie == "keep" else "时取 +1"
    E0, E1 = _energy(W, s, b), _energy(W, s_new, b)
    ans = s_new if ask == "state" else (E0 if ask == "energy" else E1)
    wt = "[" + "; ".join(" ".join(_n(v) for v in r) for r in W) + "]"
    has_b = any(b)
    b_en = f", biases b = {_vec(b)}" if has_b else " and no biases"
    b_zh = f"，偏置 b = {_vec(b)}" if has_b else "，无偏置"
    what_en = {"state": f"the state after updating unit {i + 1} asynchronously (all {n} entries)",
               "energy": "the energy E of the given state", "energy_after": f"the energy after updating unit {i + 1}"}[ask]
    what_zh = {"state": f"异步更新单元 {i + 1} 后的状态（全部 {n} 个分量）", "energy": "给定状态的能量 E",
               "energy_after": f"更新单元 {i + 1} 后的能量"}[ask]
    prompt = bi(f"A discrete Hopfield network of {n} units (states ±1) has weights W = {wt}{b_en}. Its state is "
                f"s = {_vec(s)}. Units update by $s_i \\leftarrow \\mathrm{{sign}}(\\sum_j w_{{ij}} s_j + b_i)$ (a net input of 0 "
                f"{tie_en}) and the energy is $E = -\\frac{{1}}{{2}} s^\\top W s - b^\\top s$. Give {what_en}.",
                f"一个 {n} 个单元（状态 ±1）的离散 Hopfield 网络，权重 W = {wt}{b_zh}。当前状态 s = {_vec(s)}。"
                f"单元按 $s_i \\leftarrow \\mathrm{{sign}}(\\sum_j w_{{ij}} s_j + b_i)$ 更新（净输入为 0 {tie_zh}），"
                f"能量为 $E = -\\frac{{1}}{{2}} s^\\top W s - b^\\top s$。求{what_zh}。")
    steps = [bi("Asynchronous update: one unit at a time takes the sign of its net input $\\sum_j w_{ij} s_j + b_i$; "
                "with symmetric weights and a zero diagonal the energy never rises, so the network settles in a minimum.",
                "异步更新：每次只有一个单元取其净输入 $\\sum_j w_{ij} s_j + b_i$ 的符号；权重对称且对角线为 0 时能量从不上升，"
                "网络最终停在一个极小点。")]
    chain = _chain(W, s, b, i, ask, tie, E0)
    steps += [st.text for st in chain]
    if ask == "state":
        steps.append(bi(f"The energy cannot rise: $E$ goes from {_n(E0)} to {_n(E1)}.", f"能量不会上升：$E$ 从 {_n(E0)} 变为 {_n(E1)}。"))
    M = Misconception
    if ask == "state":
        sync = _update(W, s, b, i, sync=True, tie=tie)
        miscon = [M("synchronous_update", sync, bi("You updated every unit at once; an asynchronous step updates only unit i.",
                                                   "你同时更新了所有单元；异步的一步只更新单元 i。")),
                  M("flipped_sign", tuple(-v if k == i else v for k, v in enumerate(s_new)), bi(
                      "You took the opposite sign: s_i becomes +1 when the net input is positive.",
                      "你取反了符号：净输入为正时 s_i 变为 +1。"))]
        if has_b:
            miscon.append(M("forgot_bias", _update(W, s, b, i, with_b=False, tie=tie)[0], bi(
                "You left out the bias b_i in the net input.", "净输入中漏掉了偏置 b_i。")))
    else:
        st = s if ask == "energy" else s_new
        miscon = [M("no_half", _energy(W, st, b, half=False), bi(
                      "You dropped the ½: each pair i, j appears twice in sᵀWs.", "你漏掉了 ½：sᵀWs 中每一对 i, j 出现两次。")),
                  M("sign_flipped", -_energy(W, st, b), bi("Mind the sign: E = −½ sᵀWs − bᵀs.", "注意符号：E = −½ sᵀWs − bᵀs。"))]
        if has_b:
            miscon.append(M("forgot_bias", _energy(W, st, b, with_b=False), bi(
                "You left out the bias term −bᵀs.", "你漏掉了偏置项 −bᵀs。")))
        if ask == "energy_after":
            miscon.append(M("energy_before", E0, bi("You gave the energy before the update.", "你给的是更新前的能量。")))
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi("States ±1; a net input of 0 " + ("keeps the current state" if tie == "keep" else "gives +1")
                                    + "; E = −½ sᵀWs − bᵀs (nndl §8.6).",
                                    "状态为 ±1；净输入为 0 " + ("时保持当前状态" if tie == "keep" else "时取 +1")
                                    + "；E = −½ sᵀWs − bᵀs（nndl §8.6）。"),),
                    rtol=0, atol=0.01, chain=chain,
                    hint=bi("Net input Σ_j w_ij s_j + b_i, then its sign; E = −Σ_{i<j} w_ij s_i s_j − Σ b_i s_i.",
                            "净输入 Σ_j w_ij s_j + b_i，取符号；E = −Σ_{i<j} w_ij s_i s_j − Σ b_i s_i。"))


def _chain(W, s, b, i, ask, tie, E0):
    """state: the net input of unit i, then the new state; energy: the pair sum Σ_{i<j} w_ij s_i s_j,
    bᵀs (with biases), then E; energy_after: the update first, then the energy of the new state."""
    n = len(s)
    has_b = any(b)
    ch = Chain({"w": W, "s": s, "b": b, "i": i + 1})  # the tie rule is a convention, not a number: read from `tie`
    M = StepMistake
    tx = lambda f: (lambda st: bi(f(st, "en"), f(st, "zh")))  # noqa: E731
    dot = " \\cdot "

    def net(e, with_b=True):
        k = int(e["i"]) - 1
        return sum(e["w"][k][j] * e["s"][j] for j in range(n)) + (e["b"][k] if with_b else 0.0)

    if ask != "energy":
        terms = " + ".join(f"{_p(W[i][j])}{dot}{_p(s[j])}" for j in range(n) if j != i) + ((" + " + _p(b[i])) if b[i] else "")
        ch.step("net", bi(f"the net input of unit {i + 1}", f"单元 {i + 1} 的净输入"), net, uses=("w", "s", "b", "i"), rtol=0, atol=0.01,
                text=tx(lambda st, l: (bi(f"Net input of unit {i + 1}: ", f"单元 {i + 1} 的净输入：").t(l))
                        + f"$\\sum_j w_{{{i + 1}j}} s_j{' + b_' + str(i + 1) if b[i] else ''} = {terms} = {_n(st['net'])}$"),
                rule=bi("the net input: weighted sum of the other units' states plus the bias", "净输入：其余单元状态的加权和再加偏置"),
                formula=bi("Σ_j w_ij s_j + b_i", "Σ_j w_ij s_j + b_i"), substituted=tx(lambda st, l: f"${terms}$"),
                mistakes=(M("forgot_bias", bi("You left out the bias b_i in the net input.", "净输入中漏掉了偏置 b_i。"),
                            lambda e: net(e, with_b=False)),) if b[i] else ())

        def new_state(e, flip=False):
            k, v = int(e["i"]) - 1, e["net"]
            si = (e["s"][k] if tie == "keep" else 1.0) if v == 0 else (1.0 if v > 0 else -1.0)
            return tuple((-si if flip else si) if j == k else float(e["s"][j]) for j in range(n))

        ch.step("s_new", bi(f"the state after updating unit {i + 1}", f"更新单元 {i + 1} 后的状态"), new_state, uses=("net", "s", "i"),
                rtol=0, atol=0.01,
                text=tx(lambda st, l: (bi(f"New state: $s_{i + 1} = \\mathrm{{sign}}({_n(st['net'])}) "
                                                 f"= {_n(st['s_new'][i])}$; the other units keep their values: "
                                                 f"s = {_vec(st['s_new'])}.",
                                                 f"新状态：$s_{i + 1} = \\mathrm{{sign}}({_n(st['net'])}) = {_n(st['s_new'][i])}$；"
                                                 f"其余单元不变：s = {_vec(st['s_new'])}。").t(l))),
                rule=bi("asynchronous update: only unit i takes the sign of its net input", "异步更新：只有单元 i 取其净输入的符号"),
                formula=bi("s_i ← sign(net input); the others unchanged", "s_i ← sign(净输入)；其余不变"),
                substituted=tx(lambda st, l: f"$s_{i + 1} = \\mathrm{{sign}}({_n(st['net'])})$"),
                mistakes=(M("synchronous_update", bi("You updated every unit at once; an asynchronous step updates only unit i.",
                                                     "你同时更新了所有单元；异步的一步只更新单元 i。"),
                            lambda e: _update(e["w"], e["s"], e["b"], int(e["i"]) - 1, sync=True, tie=tie)),
                          M("flipped_sign", bi("You took the opposite sign: s_i becomes +1 when the net input is positive.",
                                               "你取反了符号：净输入为正时 s_i 变为 +1。"), lambda e: new_state(e, flip=True))))
    if ask == "state":
        return ch.steps
    sk = "s" if ask == "energy" else "s_new"
    prs = [(r, c) for r in range(n) for c in range(r + 1, n) if W[r][c]]
    label_en, label_zh = ("", "") if ask == "energy" else (" of the new state", "（新状态）")

    def pairs(e):
        v = e[sk]
        return sum(e["w"][r][c] * v[r] * v[c] for r in range(n) for c in range(r + 1, n))

    def ptext(st, l):
        v = st[sk]
        expr = " + ".join(f"{_p(W[r][c])}{dot}{_p(v[r])}{dot}{_p(v[c])}" for r, c in prs) or "0"
        return (bi(f"Pair sum{label_en} (W symmetric, so $\\frac{{1}}{{2}} s^\\top W s = \\sum_{{i<j}} w_{{ij}} s_i s_j$): ",
                          f"成对求和{label_zh}（W 对称，$\\frac{{1}}{{2}} s^\\top W s = \\sum_{{i<j}} w_{{ij}} s_i s_j$）：").t(l)) \
            + f"${expr} = {_n(st['pairs'])}$"

    ch.step("pairs", bi("the pair sum Σ_{i<j} w_ij s_i s_j" + label_en, "成对求和 Σ_{i<j} w_ij s_i s_j" + label_zh), pairs, uses=("w", sk),
            rtol=0, atol=0.01, text=tx(ptext), rule=bi("each pair of units once: ½ sᵀWs with W symmetric", "每对单元算一次：W 对称时即 ½ sᵀWs"),
            formula=bi("Σ_{i<j} w_ij s_i s_j", "Σ_{i<j} w_ij s_i s_j"),
            substituted=tx(lambda st, l: "$" + (" + ".join(f"{_p(W[r][c])}{dot}{_p(st[sk][r])}{dot}{_p(st[sk][c])}" for r, c in prs) or "0") + "$"),
            mistakes=(M("no_half", bi("You counted every pair twice (the full sᵀWs); each pair i < j counts once.",
                                      "你把每一对算了两次（完整的 sᵀWs）；每对 i < j 只算一次。"), lambda e: 2 * pairs(e)),))
    parts = ("pairs",)
    if has_b:
        def btext(st, l):
            expr = " + ".join(f"{_p(bv)}{dot}{_p(sv)}" for bv, sv in zip(b, st[sk]))
            return bi("Bias term: ", "偏置项：").t(l) + f"$b^\\top s = {expr} = {_n(st['bs'])}$"

        ch.step("bs", bi("the bias term bᵀs" + label_en, "偏置项 bᵀs" + label_zh), lambda e: sum(bv * sv for bv, sv in zip(e["b"], e[sk])),
                uses=("b", sk), rtol=0, atol=0.01, text=tx(btext), rule=bi("a dot product", "点积"), formula=bi("Σ_i b_i s_i", "Σ_i b_i s_i"),
                substituted=tx(lambda st, l: "$" + " + ".join(f"{_p(bv)}{dot}{_p(sv)}" for bv, sv in zip(b, st[sk])) + "$"))
        parts += ("bs",)

    def energy(e, sign=1.0, half=True, with_b=True):
        return sign * (-(1.0 if half else 2.0) * e["pairs"] - (e["bs"] if has_b and with_b else 0.0))

    def etext(st, l):
        bpart = f" - {_p(st['bs'])}" if has_b else ""
        return ((bi(f"Energy{label_en}: ", f"能量{label_zh}：").t(l))
                + f"$E = -{_p(st['pairs'])}{bpart} = {_n(st['E'])}$" + bi(".", "。").t(l))

    mis = [M("no_half", bi("You dropped the ½: each pair i, j appears twice in sᵀWs.", "你漏掉了 ½：sᵀWs 中每一对 i, j 出现两次。"),
             lambda e: energy(e, half=False)),
           M("sign_flipped", bi("Mind the sign: E = −½ sᵀWs − bᵀs.", "注意符号：E = −½ sᵀWs − bᵀs。"), lambda e: energy(e, sign=-1.0))]
    if has_b:
        mis.append(M("forgot_bias", bi("You left out the bias term −bᵀs.", "你漏掉了偏置项 −bᵀs。"), lambda e: energy(e, with_b=False)))
    if ask == "energy_after":
        mis.append(M("energy_before", bi("You gave the energy before the update.", "你给的是更新前的能量。"), lambda e, E0=E0: E0))
    ch.step("E", bi("the energy E" + label_en, "能量 E" + label_zh), energy, uses=parts, rtol=0, atol=0.01, text=tx(etext),
            rule=bi("the Hopfield energy", "Hopfield 能量"), formula=bi("E = −Σ_{i<j} w_ij s_i s_j − bᵀs", "E = −Σ_{i<j} w_ij s_i s_j − bᵀs"),
            substituted=tx(lambda st, l: f"$E = -{_p(st['pairs'])}" + (f" - {_p(st['bs'])}$" if has_b else "$")),
            mistakes=tuple(mis))
    return ch.steps


def check(prm: dict):
    """Engine route: energy by an explicit double sum; the update as the lower-energy choice."""
    import numpy as np

    W, s, b, i, ask = _parse(prm)
    Wa, ba = np.array(W), np.array(b)

    def energy(v):
        v = np.asarray(v)
        n = len(v)
        return float(-0.5 * sum(Wa[r, c] * v[r] * v[c] for r in range(n) for c in range(n)) - ba @ v)

    if ask == "energy":
        return energy(s)
    up, down = np.array(s), np.array(s)
    up[i], down[i] = 1.0, -1.0
    eu, ed = energy(up), energy(down)
    keep = np.array(s) if (prm.get("tie") or "keep") == "keep" else up  # equal energies: the tie rule
    new = tuple(float(v) for v in (keep if eu == ed else (up if eu < ed else down)))
    return new if ask == "state" else energy(new)
