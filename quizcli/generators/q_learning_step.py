"""One tabular Q-learning (or SARSA) update.

Formula route: Q(s, a) ← Q(s, a) + α [r + γ max_a' Q(s', a') − Q(s, a)] (SARSA: Q(s', a') of the
action actually taken next; a terminal s' has target r), in exact fractions.
Engine route: a tiny table agent written differently: the TD target taken from the next state's
row as a NumPy vector operation, then the whole table updated at once through a one-hot mask
(Q ← Q + α · mask · (target − Q)), and the entry read back.
"""
from __future__ import annotations

import random
from fractions import Fraction

from .base import Chain, StepMistake, Family, Misconception, Param, ParamError, Solution, bi, pick
from ._shared import frac as _F, num as _n, paren as _p

METHODS = ("qlearning", "sarsa")

TOPIC, CONCEPTS = "rl", ("q_learning", "value_function")

FAMILY = Family(
    id="q_learning_step",
    topic=TOPIC,
    concepts=CONCEPTS,
    title=bi("One Q-learning / SARSA update", "一步 Q 学习 / SARSA 更新"),
    params=(
        Param("q", "matrix", bi("the Q table, one row per state, one column per action (e.g. 0 1; 2 0.5)",
                                "Q 表，每个状态一行、每个动作一列（如 0 1; 2 0.5）"), min=-1e6, max=1e6, max_len=10),
        Param("s", "int", bi("the state s, counted from 1", "状态 s，从 1 开始数"), min=1, max=10),
        Param("a", "int", bi("the action a taken in s, counted from 1", "在 s 中采取的动作 a，从 1 开始数"), min=1, max=10),
        Param("r", "float", bi("the reward r", "奖励 r"), min=-1e6, max=1e6),
        Param("s_next", "int", bi("the next state s', counted from 1 (0 = terminal: the target is r)",
                                  "下一状态 s'，从 1 开始数（0 表示终止：目标为 r）"), aliases=("s2", "sn"), min=0, max=10),
        Param("a_next", "int", bi("SARSA: the action taken in s' (counted from 1)", "SARSA：在 s' 中采取的动作（从 1 开始数）"),
              default="0", aliases=("a2",), min=0, max=10),
        Param("alpha", "float", bi("learning rate α", "学习率 α"), default="0.1", aliases=("lr",), min=0, max=1),
        Param("gamma", "float", bi("discount factor γ", "折扣因子 γ"), default="0.9", min=0, max=1),
        Param("method", "str", bi("qlearning (max over a') or sarsa (the action taken)", "qlearning（对 a' 取最大）或 sarsa（实际采取的动作）"),
              default="qlearning", choices=METHODS),
    ),
)


def _parse(prm):
    Q = tuple(tuple(_F(v) for v in r) for r in prm["q"])
    S, A = len(Q), len(Q[0])
    s, a, s2, a2 = int(prm["s"]) - 1, int(prm["a"]) - 1, int(prm["s_next"]) - 1, int(prm.get("a_next") or 0) - 1
    method = prm.get("method") or "qlearning"
    if method not in METHODS:
        raise ParamError("method must be qlearning or sarsa", "method 须为 qlearning 或 sarsa")
    if not (0 <= s < S and 0 <= a < A and -1 <= s2 < S):
        raise ParamError(f"states are 1–{S} (s_next 0 = terminal), actions 1–{A}", f"状态为 1–{S}（s_next 为 0 表示终止），动作为 1–{A}")
    if method == "sarsa" and s2 >= 0 and not 0 <= a2 < A:
        raise ParamError(f"SARSA needs the next action a_next (1–{A})", f"SARSA 需要下一动作 a_next（1–{A}）")
    alpha, gamma = _F(prm.get("alpha", 0.1)), _F(prm.get("gamma", 0.9))
    if not (0 < alpha <= 1 and 0 <= gamma <= 1):
        raise ParamError("α must lie in (0, 1] and γ in [0, 1]", "α 须在 (0, 1] 内，γ 须在 [0, 1] 内")
    return Q, s, a, _F(prm["r"]), s2, a2, alpha, gamma, method


def _update(Q, s, a, r, s2, a2, alpha, gamma, method, *, use_gamma=True, use_alpha=True, bootstrap=None, same_state=False):
    row = Q[s] if same_state else (Q[s2] if s2 >= 0 else None)
    method = bootstrap or method
    nxt = Fraction(0) if row is None else (max(row) if method == "qlearning" else row[a2])
    target = r + (gamma if use_gamma else 1) * nxt
    return (Q[s][a] + alpha * (target - Q[s][a])) if use_alpha else target, nxt, target


def generate(rng: random.Random, difficulty: str) -> dict:
    S, A = (2, 2) if difficulty == "easy" else (pick(rng, (2, 3)), pick(rng, (2, 3)))
    Q = tuple(tuple(float(rng.randint(-2, 6)) if difficulty != "hard" else rng.randint(-20, 60) / 10 for _ in range(A))
              for _ in range(S))
    s, a = rng.randint(1, S), rng.randint(1, A)
    s2 = rng.randint(1, S) if difficulty == "easy" or rng.random() < 0.85 else 0
    method = "qlearning" if difficulty == "easy" else pick(rng, ("qlearning", "qlearning", "sarsa"))
    a2 = rng.randint(1, A) if method == "sarsa" else 0
    return {"q": Q, "s": s, "a": a, "r": float(pick(rng, (1, -1, 0, 2, 5, 10))), "s_next": s2, "a_next": a2,
            "alpha": pick(rng, (0.1, 0.5, 0.2)), "gamma": pick(rng, (0.9, 0.9, 0.5, 0.99)), "method": method}


def solve(prm: dict) -> Solution:
    Q, s, a, r, s2, a2, alpha, gamma, method = _parse(prm)
    new, nxt, target = _update(Q, s, a, r, s2, a2, alpha, gamma, method)
    table = "[" + "; ".join(" ".join(_n(v) for v in row) for row in Q) + "]"
    name = "Q-learning" if method == "qlearning" else "SARSA"
    nxt_en = ("s' is terminal" if s2 < 0 else f"the next state is s' = {s2 + 1}" +
              (f" and the next action taken is a' = {a2 + 1}" if method == "sarsa" else ""))
    nxt_zh = ("s' 为终止状态" if s2 < 0 else f"下一状态 s' = {s2 + 1}" + (f"，下一动作 a' = {a2 + 1}" if method == "sarsa" else ""))
    prompt = bi(f"A {name} agent has the Q table {table} (rows = states 1…{len(Q)}, columns = actions 1…{len(Q[0])}). "
                f"In state s = {s + 1} it takes action a = {a + 1}, receives r = {_n(r)}; {nxt_en}. With "
                f"$\\alpha = {_n(alpha)}$ and $\\gamma = {_n(gamma)}$, give the new Q({s + 1}, {a + 1}).",
                f"一个 {name} 智能体的 Q 表为 {table}（行 = 状态 1…{len(Q)}，列 = 动作 1…{len(Q[0])}）。"
                f"它在状态 s = {s + 1} 采取动作 a = {a + 1}，得到奖励 r = {_n(r)}；{nxt_zh}。取 "
                f"$\\alpha = {_n(alpha)}$，$\\gamma = {_n(gamma)}$，求更新后的 Q({s + 1}, {a + 1})。")
    rule = ("\\max_{a'} Q(s', a')" if method == "qlearning" else "Q(s', a')")
    steps = [bi(f"{name}: $Q(s, a) \\leftarrow Q(s, a) + \\alpha [r + \\gamma {rule} - Q(s, a)]$"
                + (" (a terminal s' has no future: the target is r)." if s2 < 0 else "."),
                f"{name}：$Q(s, a) \\leftarrow Q(s, a) + \\alpha [r + \\gamma {rule} - Q(s, a)]$"
                + ("（终止状态没有未来：目标为 r）。" if s2 < 0 else "。"))]
    if s2 >= 0:
        row = ", ".join(_n(v) for v in Q[s2])
        how_en = f"$\\max$ of row {s2 + 1} ({row}) = {_n(nxt)}" if method == "qlearning" else f"Q({s2 + 1}, {a2 + 1}) = {_n(nxt)}"
        how_zh = f"第 {s2 + 1} 行（{row}）的最大值 = {_n(nxt)}" if method == "qlearning" else f"Q({s2 + 1}, {a2 + 1}) = {_n(nxt)}"
        steps.append(bi(f"Next-state value: {how_en}; TD target $r + \\gamma \\cdot {_n(nxt)} = {_n(r)} + {_n(gamma)} \\cdot {_p(nxt)} = {_n(target)}$.",
                        f"下一状态的值：{how_zh}；TD 目标 $r + \\gamma \\cdot {_n(nxt)} = {_n(r)} + {_n(gamma)} \\cdot {_p(nxt)} = {_n(target)}$。"))
    else:
        steps.append(bi(f"Terminal: TD target = r = {_n(r)}.", f"终止：TD 目标 = r = {_n(r)}。"))
    old = Q[s][a]
    steps.append(bi(f"$Q({s + 1}, {a + 1}) = {_n(old)} + {_n(alpha)} \\cdot ({_n(target)} - {_p(old)}) = {_n(new)}$.",
                    f"$Q({s + 1}, {a + 1}) = {_n(old)} + {_n(alpha)} \\cdot ({_n(target)} - {_p(old)}) = {_n(new)}$。"))

    def w(**kw):
        return float(_update(Q, s, a, r, s2, a2, alpha, gamma, method, **kw)[0])

    M = Misconception
    miscon = [
        M("forgot_alpha", w(use_alpha=False), bi("You replaced Q(s, a) by the target; the update moves only a step α towards it.",
                                                  "你直接用目标替换了 Q(s, a)；更新只向目标移动 α 的一步。")),
        M("forgot_gamma", w(use_gamma=False), bi("You forgot to discount the next-state value by γ.", "你忘了用 γ 对下一状态的值打折。")),
        M("current_state_row", w(same_state=True), bi("You took the values of the current state s; the target uses the next state s'.",
                                                      "你用了当前状态 s 的值；目标用的是下一状态 s'。")),
    ]
    if method == "sarsa" and s2 >= 0:
        miscon.append(M("used_max", w(bootstrap="qlearning"), bi(
            "You took the max over a' (Q-learning); SARSA uses the action actually taken next.",
            "你对 a' 取了最大值（Q 学习）；SARSA 用实际采取的下一动作。")))
    return Solution(prompt=prompt, answer=float(new), steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi("States and actions counted from 1; a terminal next state contributes no future value.",
                                    "状态和动作从 1 开始数；终止的下一状态没有未来价值。"),),
                    answer_text=_n(new), rtol=1e-3, atol=5e-4, chain=_chain(Q, s, a, r, s2, a2, alpha, gamma, method),
                    hint=bi("Target r + γ max Q(s', ·); then Q ← Q + α(target − Q).", "目标 r + γ max Q(s', ·)；再 Q ← Q + α(目标 − Q)。"))


def _chain(Q, s, a, r, s2, a2, alpha, gamma, method):
    """The next-state value, the TD target, the new Q(s, a)."""
    ch = Chain({})
    qsa = f"Q({s + 1}, {a + 1})"

    def tx(f):
        return lambda sh: bi(f(sh, "en"), f(sh, "zh"))

    def nxt(e, same=False, use_max=False):
        row = Q[s] if same else (Q[s2] if s2 >= 0 else None)
        if row is None:
            return 0.0
        return float(max(row) if method == "qlearning" or use_max else row[a2])

    row_txt = ", ".join(_n(v) for v in Q[s2]) if s2 >= 0 else ""
    mis = [StepMistake("current_state_row", bi("You took the values of the current state s; the target uses the next state s'.",
                                               "你用了当前状态 s 的值；目标用的是下一状态 s'。"), lambda e: nxt(e, same=True))]
    if method == "sarsa" and s2 >= 0:
        mis.append(StepMistake("used_max", bi("SARSA uses the action actually taken next, not the max over a'.",
                                              "SARSA 用实际采取的下一动作，不是对 a' 取最大。"), lambda e: nxt(e, use_max=True)))

    def nline(sh, lang):
        if s2 < 0:
            return bi("Terminal s': no future value, 0", "终止状态：没有未来价值，0").t(lang)
        if method == "qlearning":
            return (bi(f"$\\max$ of row {s2 + 1} ({row_txt}) = {_n(sh['next'])}", f"第 {s2 + 1} 行（{row_txt}）的最大值 = {_n(sh['next'])}").t(lang))
        return f"Q({s2 + 1}, {a2 + 1}) = {_n(sh['next'])}"

    ch.step("next", bi("the next-state value " + ("max_a' Q(s', a')" if method == "qlearning" else "Q(s', a')"),
                       "下一状态的值 " + ("max_a' Q(s', a')" if method == "qlearning" else "Q(s', a')")),
            nxt, uses=("q", "s_next") + (("a_next",) if method == "sarsa" else ()), text=tx(nline), rtol=1e-3, atol=5e-4,
            rule=bi("bootstrap from the next state" + (" (greedy: the best action)" if method == "qlearning" else " (the action taken)"),
                    "用下一状态自举" + ("（贪心：最好的动作）" if method == "qlearning" else "（实际采取的动作）")),
            formula=bi("max_a' Q(s', a')" if method == "qlearning" else "Q(s', a')", "max_a' Q(s', a')" if method == "qlearning" else "Q(s', a')"),
            substituted=tx(lambda sh, lang: (f"max({row_txt})" if method == "qlearning" else f"Q({s2 + 1}, {a2 + 1})") if s2 >= 0 else "0"),
            mistakes=tuple(mis))

    def target(e, g=True):
        return float(r) + (float(gamma) if g else 1.0) * e["next"]

    ch.step("target", bi("the TD target r + γ·(next-state value)", "TD 目标 r + γ·(下一状态的值)"), target, uses=("r", "gamma", "next"),
            text=tx(lambda sh, lang: f"$r + \\gamma \\cdot {_n(sh['next'])} = {_n(r)} + {_n(gamma)} \\cdot {_p(sh['next'])} = {_n(sh['target'])}$"),
            rtol=1e-3, atol=5e-4, rule=bi("the one-step TD target", "一步 TD 目标"), formula=bi("r + γ·V(s')", "r + γ·V(s')"),
            substituted=tx(lambda sh, lang: f"{_n(r)} + {_n(gamma)}·{_p(sh['next'])}"),
            mistakes=(StepMistake("forgot_gamma", bi("You forgot to discount the next-state value by γ.", "你忘了用 γ 对下一状态的值打折。"),
                                  lambda e: target(e, g=False)),))
    old = float(Q[s][a])

    def new(e, use_alpha=True):
        return old + float(alpha) * (e["target"] - old) if use_alpha else e["target"]

    ch.step("new_q", bi(f"the new {qsa}", f"更新后的 {qsa}"), new, uses=("q", "alpha", "target"),
            text=tx(lambda sh, lang: f"${qsa} = {_n(old)} + {_n(alpha)} \\cdot ({_n(sh['target'])} - {_p(old)}) = {_n(sh['new_q'])}$"),
            rtol=1e-3, atol=5e-4, rule=bi("move a step α towards the target", "向目标移动 α 的一步"),
            formula=bi("Q(s, a) ← Q(s, a) + α[target − Q(s, a)]", "Q(s, a) ← Q(s, a) + α[目标 − Q(s, a)]"),
            substituted=tx(lambda sh, lang: f"{_n(old)} + {_n(alpha)}·({_n(sh['target'])} − {_p(old)})"),
            mistakes=(StepMistake("forgot_alpha", bi("You replaced Q(s, a) by the target; the update moves only a step α towards it.",
                                                     "你直接用目标替换了 Q(s, a)；更新只向目标移动 α 的一步。"), lambda e: new(e, use_alpha=False)),))
    return ch.steps


def check(prm: dict):
    """Engine route: the TD target as a vector operation on the next state's row, then the whole
    table updated through a one-hot mask."""
    import numpy as np

    Q = np.array(prm["q"], dtype=float)
    s, a, s2 = int(prm["s"]) - 1, int(prm["a"]) - 1, int(prm["s_next"]) - 1
    r, alpha, gamma = float(prm["r"]), float(prm.get("alpha", 0.1)), float(prm.get("gamma", 0.9))
    if s2 < 0:
        future = 0.0
    elif (prm.get("method") or "qlearning") == "qlearning":
        greedy = np.flatnonzero(Q[s2] == Q[s2].max())[0]  # the greedy action's value
        future = Q[s2] @ np.eye(Q.shape[1])[greedy]
    else:
        future = Q[s2] @ np.eye(Q.shape[1])[int(prm["a_next"]) - 1]
    target = r + gamma * future
    mask = np.zeros_like(Q)
    mask[s, a] = 1.0
    Q = Q + alpha * mask * (target - Q)
    return float(Q[s, a])
