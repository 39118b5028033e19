"""Iterations (parameter updates) per epoch and over a whole training run.

Formula route: ⌈N/B⌉ mini-batches per epoch (⌊N/B⌋ with drop_last), times E epochs.
Engine route: actually run the data loader for an epoch: slice the sample index array into
mini-batches and count the batches handed to the (simulated) update step; with drop_last a short last batch is skipped, and without it every
sample must be seen exactly once (asserted). A step counter then runs over the E epochs
(each epoch yields the same number of batches; shuffling only changes the order).
"""
from __future__ import annotations

import random

from .base import Chain, Family, Misconception, Param, ParamError, Solution, StepMistake, bi, fmt_num, pick

FAMILY = Family(
    id="iterations",
    topic="training",
    concepts=("minibatch_gd", "sgd", "batch_gd"),
    title=bi("Iterations per epoch and total updates", "每轮迭代次数与总更新次数"),
    params=(
        Param("n", "int", bi("number of training samples N", "训练样本数 N"), aliases=("N", "samples"), max=5000000),
        Param("b", "int", bi("mini-batch size B", "小批量大小 B"), aliases=("B", "batch", "batch_size"), max=5000000),
        Param("e", "int", bi("number of epochs E", "训练轮数 E"), aliases=("E", "epochs"), max=100000),
        Param("drop_last", "bool", bi("drop the last incomplete batch (default false: it is kept)",
                                      "丢弃最后不完整的批（默认 false：保留）"), default="false"),
    ),
)


def generate(rng: random.Random, difficulty: str) -> dict:
    if difficulty == "easy":
        n, b = pick(rng, ((1000, 100), (500, 50), (1200, 100), (2000, 200), (1000, 64), (800, 128), (300, 32)))
        return {"n": n, "b": b, "e": pick(rng, (1, 2, 5, 10)), "drop_last": False}
    if difficulty == "medium":
        n = pick(rng, (60000, 50000, 10000, 5000, 1500, 25000, 2500))
        b = pick(rng, (32, 64, 128, 256, 100, 50))
        return {"n": n, "b": b, "e": pick(rng, (5, 10, 20, 30, 50)), "drop_last": rng.random() < 0.25}
    n = pick(rng, (60000, 50000, 45000, 73257, 1281, 13000, 9000))
    b = pick(rng, (24, 48, 96, 100, 192, 256, 512))
    return {"n": n, "b": b, "e": pick(rng, (3, 12, 15, 40, 90)), "drop_last": rng.random() < 0.5}


def solve(prm: dict) -> Solution:
    n, b, e, drop = prm["n"], prm["b"], prm["e"], bool(prm["drop_last"])
    if min(n, b, e) < 1:
        raise ParamError("N, B and E must be ≥ 1", "N、B、E 须 ≥ 1")
    if b > n and drop:
        raise ParamError("with drop_last and B > N there is no full batch at all", "drop_last 且 B > N 时一个完整的批都没有")
    full, rest = divmod(n, b)
    per = full if drop or rest == 0 else full + 1
    total = per * e
    keep_en = ("an incomplete last mini-batch, if any, is dropped (drop_last=True)" if drop
               else "an incomplete last mini-batch, if any, is kept (drop_last=False, the default)")
    keep_zh = ("若最后一个小批量不完整，则丢弃它（drop_last=True）" if drop
               else "若最后一个小批量不完整，仍保留它（drop_last=False，默认）")
    prompt = bi(
        f"A training set has N = {n} samples; mini-batch SGD uses batch size B = {b} for E = {e} epochs, "
        f"one parameter update per mini-batch; {keep_en}. Give the iterations per epoch and the total number of updates, as: per epoch, total.",
        f"训练集有 N = {n} 个样本；小批量 SGD 的批大小 B = {b}，训练 E = {e} 轮，每个小批量更新一次参数；{keep_zh}。"
        "求每轮的迭代次数和总更新次数，按“每轮, 总数”填写。",
    )
    rnd_en = r"\lfloor N/B \rfloor" if drop else r"\lceil N/B \rceil"
    steps = [
        bi(f"One epoch passes over all N samples once; it has ${rnd_en}$ mini-batches"
           + (" (the incomplete last batch is skipped)." if drop else " (the last batch may be smaller, but it is still one update)."),
           f"一轮（epoch）把 N 个样本各过一遍；共 ${rnd_en}$ 个小批量"
           + ("（不完整的最后一批被跳过）。" if drop else "（最后一批可能较小，但仍是一次更新）。")),
    ]
    chain = _chain(n, b, e, drop)
    steps += [st.text for st in chain]
    other = full if not drop else (full + 1 if rest else full)
    miscon = [
        Misconception("wrong_last_batch", (other, other * e), bi(
            "You " + ("dropped the last incomplete batch; it is kept by default (drop_last=False)." if not drop
                      else "kept the incomplete last batch; this loader drops it (drop_last=True)."),
            "你" + ("丢掉了最后不完整的批；默认会保留它（drop_last=False）。" if not drop
                   else "保留了不完整的最后一批；本题的数据加载器会丢弃它（drop_last=True）。"))),
        Misconception("no_rounding", (n / b, n / b * e), bi(
            "You did not round N/B: the number of mini-batches is a whole number.", "你没有对 N/B 取整：小批量个数是整数。")),
        Misconception("counted_samples", (n, n * e), bi(
            "You counted samples, not updates: one "
            "update per mini-batch, not per sample.", "你数的是样本数，不是更新次数：每个小批量更新一次，而不是每个样本。")),
        Misconception("forgot_epochs", (per, per), bi(
            f"You forgot to multiply by the E = {e} epochs.", f"你忘了乘以轮数 E = {e}。")),
        Misconception("divided_by_epochs", (per, per / e), bi(
            "You divided by the epochs; the total is iterations per epoch × epochs.", "你除以了轮数；总数是每轮迭代次数 × 轮数。")),
    ]
    if e == 1:
        miscon = [m for m in miscon if m.id not in ("forgot_epochs", "divided_by_epochs")]
    return Solution(prompt=prompt, answer=(per, total), steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi("One iteration = one mini-batch = one parameter update; drop_last=False unless stated (PyTorch DataLoader default).",
                                    "一次迭代 = 一个小批量 = 一次参数更新；除非说明，drop_last=False（PyTorch DataLoader 默认）。"),),
                    rtol=0, atol=0.01, chain=chain, answer_of=("per", "total"),
                    hint=bi("⌈N/B⌉ per epoch, times E.", "每轮 ⌈N/B⌉ 次，再乘以 E。"))


def _chain(n, b, e, drop):
    """The full mini-batches ⌊N/B⌋, the samples left over, the iterations per epoch, the total."""
    ch = Chain({"n": n, "b": b, "e": e, "drop_last": drop})
    M = StepMistake
    ch.step("full", bi("the full mini-batches ⌊N/B⌋", "完整小批量的个数 ⌊N/B⌋"), lambda v: v["n"] // v["b"], uses=("n", "b"),
            text=lambda s: bi(f"Full mini-batches: $\\lfloor N/B \\rfloor = \\lfloor {n}/{b} \\rfloor = {fmt_num(s['full'])}$",
                              f"完整的小批量：$\\lfloor N/B \\rfloor = \\lfloor {n}/{b} \\rfloor = {fmt_num(s['full'])}$"),
            digits=0, rtol=0, atol=0.01, rule=bi("whole batches: divide and round down", "完整的批：相除后向下取整"),
            formula=bi("⌊N/B⌋", "⌊N/B⌋"), substituted=lambda s: bi(f"$\\lfloor {n}/{b} \\rfloor$", f"$\\lfloor {n}/{b} \\rfloor$"),
            mistakes=(M("no_rounding", bi("You did not round N/B: the number of mini-batches is a whole number.",
                                          "你没有对 N/B 取整：小批量个数是整数。"), lambda v: v["n"] / v["b"]),))
    ch.step("rest", bi("the samples left over N − B·⌊N/B⌋", "剩下的样本数 N − B·⌊N/B⌋"), lambda v: v["n"] - v["b"] * v["full"],
            uses=("n", "b", "full"),
            text=lambda s: bi(f"Left over: ${n} - {b} \\cdot {fmt_num(s['full'])} = {fmt_num(s['rest'])}$ samples",
                              f"剩下：${n} - {b} \\cdot {fmt_num(s['full'])} = {fmt_num(s['rest'])}$ 个样本"),
            digits=0, rtol=0, atol=0.01, rule=bi("the remainder of the division", "除法的余数"), formula=bi("N − B·⌊N/B⌋", "N − B·⌊N/B⌋"),
            substituted=lambda s: bi(f"${n} - {b} \\cdot {fmt_num(s['full'])}$", f"${n} - {b} \\cdot {fmt_num(s['full'])}$"))

    def per(v, keep=None):
        keep = (not v["drop_last"]) if keep is None else keep
        return v["full"] + (1 if keep and v["rest"] > 0 else 0)

    def per_line(s):
        f, r, p = fmt_num(s["full"]), fmt_num(s["rest"]), fmt_num(s["per"])
        if s["rest"] == 0:
            return bi(f"No samples are left over: {f} full batches → {p} iterations per epoch.",
                      f"没有剩余样本：{f} 个完整批 → 每轮 {p} 次迭代。")
        if drop:
            return bi(f"{f} full batches; the leftover {r} samples are dropped → {p} iterations per epoch.",
                      f"{f} 个完整批；剩下的 {r} 个样本被丢弃 → 每轮 {p} 次迭代。")
        return bi(f"{f} full batches plus one batch of {r} → ${f} + 1 = {p}$ iterations per epoch.",
                  f"{f} 个完整批，外加一个 {r} 个样本的批 → 每轮 ${f} + 1 = {p}$ 次迭代。")

    ch.step("per", bi("the iterations per epoch", "每轮的迭代次数"), per, uses=("full", "rest", "drop_last"), text=per_line,
            digits=0, rtol=0, atol=0.01, rule=bi("one update per mini-batch, the short last one " + ("dropped" if drop else "included"),
                                                 "每个小批量一次更新，最后不完整的一批" + ("被丢弃" if drop else "也算")),
            formula=bi("⌊N/B⌋" if drop else "⌈N/B⌉ = ⌊N/B⌋ + (1 if a remainder is left)", "⌊N/B⌋" if drop else "⌈N/B⌉ = ⌊N/B⌋ +（有余数则加 1）"),
            substituted=lambda s: bi(f"${fmt_num(s['full'])}$" + ("" if drop or not s["rest"] else " + 1"),
                                     f"${fmt_num(s['full'])}$" + ("" if drop or not s["rest"] else " + 1")),
            mistakes=(M("wrong_last_batch", bi("You " + ("dropped the last incomplete batch; it is kept by default (drop_last=False)." if not drop
                                                         else "kept the incomplete last batch; this loader drops it (drop_last=True)."),
                                               "你" + ("丢掉了最后不完整的批；默认会保留它（drop_last=False）。" if not drop
                                                      else "保留了不完整的最后一批；本题的数据加载器会丢弃它（drop_last=True）。")),
                        lambda v: per(v, keep=bool(v["drop_last"]))),
                      M("counted_samples", bi("You counted samples, not updates: one update per mini-batch, not per sample.",
                                              "你数的是样本数，不是更新次数：每个小批量更新一次，而不是每个样本。"), lambda v: v["n"])))
    mis = () if e == 1 else (
        M("forgot_epochs", bi(f"You forgot to multiply by the E = {e} epochs.", f"你忘了乘以轮数 E = {e}。"), lambda v: v["per"]),
        M("divided_by_epochs", bi("You divided by the epochs; the total is iterations per epoch × epochs.",
                                  "你除以了轮数；总数是每轮迭代次数 × 轮数。"), lambda v: v["per"] / v["e"]))
    ch.step("total", bi("the total number of updates", "总更新次数"), lambda v: v["per"] * v["e"], uses=("per", "e"),
            text=lambda s: bi(f"Total updates: ${fmt_num(s['per'])} \\cdot {e} = {fmt_num(s['total'])}$",
                              f"总更新次数：${fmt_num(s['per'])} \\cdot {e} = {fmt_num(s['total'])}$"),
            digits=0, rtol=0, atol=0.01, rule=bi("the same number of iterations in every epoch", "每轮的迭代次数相同"),
            formula=bi("iterations per epoch × E", "每轮迭代次数 × E"),
            substituted=lambda s: bi(f"${fmt_num(s['per'])} \\cdot {e}$", f"${fmt_num(s['per'])} \\cdot {e}$"), mistakes=mis)
    return ch.steps


def check(prm: dict):
    """Engine route: run a mini-batch loader over the index array and count the updates."""
    import numpy as np

    n, b, e, drop = prm["n"], prm["b"], prm["e"], bool(prm["drop_last"])
    order = np.arange(n)  # sample indices of one epoch (shuffling changes the order, not the count)
    seen = batches = 0
    for start in range(0, n, b):
        batch = order[start:start + b]
        if drop and len(batch) < b:
            continue  # drop_last: the short batch never reaches the optimiser
        seen += len(batch)
        batches += 1  # one parameter update
    if not drop and seen != n:
        raise AssertionError("the loader did not visit every sample")
    step = 0
    for _ in range(e):  # every epoch runs the same number of batches (only the order changes)
        step += batches
    return (batches, step)
