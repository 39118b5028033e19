"""Precision, recall, F1 and accuracy from counts (TP, FP, FN, TN) or from a confusion matrix
(rows = true class, columns = predicted class; one class taken as positive, the rest negative).

Formula route: P = TP/(TP + FP), R = TP/(TP + FN), F1 = 2PR/(P + R), accuracy = (TP + TN)/N
(for a K×K matrix: TP the diagonal entry, FP the rest of its column, FN the rest of its row,
accuracy the trace over the total), in exact fractions.
Engine route: label arrays built from the counts (one true and one predicted label per sample),
then the metrics counted with NumPy comparisons on the arrays.
"""
from __future__ import annotations

import random
from fractions import Fraction

from .base import Chain, Family, StepMistake, Misconception, Param, ParamError, Solution, bi, fmt_num, pick

ASKS = ("precision", "recall", "f1", "accuracy", "all")

CONCEPTS = ("evaluation_metrics", "confusion_matrix")

FAMILY = Family(
    id="confusion_metrics",
    topic="basics",
    concepts=CONCEPTS,
    title=bi("Precision, recall, F1 and accuracy", "精确率、召回率、F1 与准确率"),
    params=(
        Param("tp", "int", bi("true positives (or give the matrix m)", "真正例 TP（或给出矩阵 m）"), default="0", min=0, max=10**9),
        Param("fp", "int", bi("false positives", "假正例 FP"), default="0", min=0, max=10**9),
        Param("fn", "int", bi("false negatives", "假负例 FN"), default="0", min=0, max=10**9),
        Param("tn", "int", bi("true negatives", "真负例 TN"), default="0", min=0, max=10**9),
        Param("m", "matrix", bi("a K×K confusion matrix, rows = true class, columns = predicted (e.g. 50 10; 5 35)",
                                "K×K 混淆矩阵，行 = 真实类别，列 = 预测类别（如 50 10; 5 35）"),
              default=(), aliases=("matrix", "cm"), min=0, max=10**9, max_len=10),
        Param("cls", "int", bi("with m: the positive class, counted from 1", "给出 m 时：作为正类的类别，从 1 开始数"),
              default="1", aliases=("positive",), min=1, max=10),
        Param("ask", "str", bi("precision, recall, f1, accuracy or all (P, R, F1, accuracy in this order)",
                               "precision、recall、f1、accuracy 或 all（按 P、R、F1、准确率的顺序）"), default="all", choices=ASKS),
    ),
)

MAX_SAMPLES = 10_000_000  # the engine builds one label per sample


def _counts(prm):
    m = prm.get("m") or ()
    if m:
        if any(prm.get(x) for x in ("tp", "fp", "fn", "tn")):
            raise ParamError("give the counts tp, fp, fn, tn or the matrix m, not both", "计数 tp、fp、fn、tn 与矩阵 m 只能给一种")
        K = len(m)
        if any(len(r) != K for r in m) or K < 2:
            raise ParamError("m must be square, at least 2×2", "m 须为方阵，至少 2×2")
        if any(v != int(v) or v < 0 for r in m for v in r):
            raise ParamError("the matrix entries are counts: whole numbers ≥ 0", "矩阵元素是计数：≥ 0 的整数")
        M = tuple(tuple(int(v) for v in r) for r in m)
        c = int(prm.get("cls") or 1) - 1
        if not 0 <= c < K:
            raise ParamError(f"cls must be a class between 1 and {K}", f"cls 须为 1 到 {K} 之间的类别")
        tp = M[c][c]
        fp = sum(M[i][c] for i in range(K)) - tp
        fn = sum(M[c]) - tp
        total = sum(map(sum, M))
        correct = sum(M[i][i] for i in range(K))
        return tp, fp, fn, total - tp - fp - fn, total, correct, M
    tp, fp, fn, tn = (int(prm.get(x) or 0) for x in ("tp", "fp", "fn", "tn"))
    return tp, fp, fn, tn, tp + fp + fn + tn, tp + tn, None


def _metrics(tp, fp, fn, total, correct):
    if tp + fp == 0 or tp + fn == 0 or tp == 0:
        raise ParamError("precision, recall and F1 need TP > 0 (no positive predicted or present otherwise)",
                         "精确率、召回率和 F1 需要 TP > 0（否则没有预测为正或实际为正的样本）")
    P, R = Fraction(tp, tp + fp), Fraction(tp, tp + fn)
    return P, R, 2 * P * R / (P + R), Fraction(correct, total)


def _pick(vals, ask):
    P, R, F, A = (float(v) for v in vals)
    return {"precision": P, "recall": R, "f1": F, "accuracy": A, "all": (P, R, F, A)}[ask]


def generate(rng: random.Random, difficulty: str) -> dict:
    empty = {"tp": 0, "fp": 0, "fn": 0, "tn": 0, "m": (), "cls": 1}
    ask = pick(rng, ASKS)
    if difficulty == "hard":
        K = 3
        M = tuple(tuple(float(rng.randint(20, 60) if i == j else rng.randint(1, 15)) for j in range(K)) for i in range(K))
        return {**empty, "m": M, "cls": rng.randint(1, K), "ask": ask}
    scale = 10 if difficulty == "easy" else 1
    tp = rng.randint(2, 9) * scale if difficulty == "easy" else rng.randint(20, 90)
    fp = rng.randint(1, 5) * scale if difficulty == "easy" else rng.randint(3, 30)
    fn = rng.randint(1, 5) * scale if difficulty == "easy" else rng.randint(3, 30)
    tn = rng.randint(2, 9) * scale if difficulty == "easy" else rng.randint(20, 200)
    if fp == fn:
        fn += scale
    if difficulty == "medium" and rng.random() < 0.4:
        return {**empty, "m": ((float(tp), float(fn)), (float(fp), float(tn))), "ask": ask}
    return {**empty, "tp": tp, "fp": fp, "fn": fn, "tn": tn, "ask": ask}


def solve(prm: dict) -> Solution:
    ask = prm.get("ask") or "all"
    if ask not in ASKS:
        raise ParamError(f"ask must be one of {', '.join(ASKS)}", f"ask 须为 {', '.join(ASKS)} 之一")
    tp, fp, fn, tn, total, correct, M = _counts(prm)
    if total > MAX_SAMPLES:
        raise ParamError(f"{total} samples; at most {MAX_SAMPLES} are checked", f"共 {total} 个样本；最多检查 {MAX_SAMPLES} 个")
    vals = _metrics(tp, fp, fn, total, correct)
    P, R, F, A = vals
    ans = _pick(vals, ask)
    if M is None:
        given_en = f"a binary classifier has TP = {tp}, FP = {fp}, FN = {fn}, TN = {tn} on {total} test samples"
        given_zh = f"一个二分类器在 {total} 个测试样本上 TP = {tp}，FP = {fp}，FN = {fn}，TN = {tn}"
    else:
        mt = "[" + "; ".join(" ".join(str(v) for v in r) for r in M) + "]"
        c = int(prm.get("cls") or 1)
        given_en = (f"a classifier's confusion matrix on {total} test samples is {mt} (rows = true class, columns = "
                    f"predicted class); take class {c} as positive and the others as negative")
        given_zh = (f"一个分类器在 {total} 个测试样本上的混淆矩阵为 {mt}（行 = 真实类别，列 = 预测类别）；"
                    f"以类别 {c} 为正类，其余为负类")
    what_en = {"precision": "the precision", "recall": "the recall", "f1": "the F1 score", "accuracy": "the accuracy",
               "all": "precision, recall, F1 and accuracy, in this order"}[ask]
    what_zh = {"precision": "精确率", "recall": "召回率", "f1": "F1 值", "accuracy": "准确率",
               "all": "精确率、召回率、F1 与准确率（按此顺序）"}[ask]
    prompt = bi(f"Suppose {given_en}. Give {what_en}, to 4 decimals.", f"设{given_zh}。求{what_zh}（保留 4 位小数）。")
    steps = []
    if M is not None and ask != "accuracy":
        c = int(prm.get("cls") or 1)
        steps.append(bi(f"Class {c} against the rest: TP = the diagonal entry, FP = the rest of column {c} (predicted {c}, truly another), "
                        f"FN = the rest of row {c} (truly {c}, predicted another), TN = everything else = {tn}.",
                        f"类别 {c} 对其余类别：TP = 对角元，FP = 第 {c} 列其余元素（预测为 {c}、实际为其他），"
                        f"FN = 第 {c} 行其余元素（实际为 {c}、预测为其他），TN = 其余全部 = {tn}。"))
    chain = _chain(prm, M, ask, tp, fp, fn, tn, total)
    steps += [st.text for st in chain]
    M_ = Misconception
    swapped = (R, P, F, A)
    arith = (P, R, (P + R) / 2, A)
    miscon = [
        M_("f1_arithmetic_mean", _pick(arith, ask), bi(
            "F1 is the harmonic mean 2PR/(P + R), not the arithmetic mean (P + R)/2.",
            "F1 是调和平均 2PR/(P + R)，不是算术平均 (P + R)/2。")),
    ]
    if ask != "accuracy":
        miscon.append(M_("swapped_precision_recall", _pick(swapped, ask), bi(
            "You swapped precision and recall: precision divides by the predicted positives (TP + FP), recall by the "
            "actual positives (TP + FN).",
            "你把精确率和召回率弄反了：精确率除以预测为正的数（TP + FP），召回率除以实际为正的数（TP + FN）。")))
        miscon.append(M_("gave_accuracy", float(A) if ask != "all" else (float(A),) * 4, bi(
            "You gave the accuracy; precision and recall only look at the positive class.",
            "你给的是准确率；精确率和召回率只看正类。")))
    if M is not None:
        T = tuple(zip(*M))
        c = int(prm.get("cls") or 1) - 1
        tpT = T[c][c]
        fpT, fnT = sum(T[i][c] for i in range(len(T))) - tpT, sum(T[c]) - tpT
        try:
            miscon.append(M_("rows_are_predictions", _pick(_metrics(tpT, fpT, fnT, total, correct), ask), bi(
                "You read the rows as predictions; here rows are the true classes and columns the predictions.",
                "你把行当成了预测；这里行是真实类别，列是预测类别。")))
        except ParamError:
            pass
    text = ("[" + ", ".join(f"{v:.4f}" for v in ans) + "]") if isinstance(ans, tuple) else f"{ans:.4f}"
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi("Confusion matrix: rows = true class, columns = predicted (scikit-learn); one class "
                                    "against the rest for P, R, F1.",
                                    "混淆矩阵：行 = 真实类别，列 = 预测类别（scikit-learn）；P、R、F1 按一个类别对其余类别计算。"),),
                    answer_text=text, rtol=1e-3, atol=5e-4, chain=chain,
                    answer_of=("P", "R", "F1", "A") if ask == "all" else (),
                    hint=bi("P = TP/(TP + FP), R = TP/(TP + FN), F1 = 2PR/(P + R).", "P = TP/(TP + FP)，R = TP/(TP + FN)，F1 = 2PR/(P + R)。"))


def _chain(prm, M, ask, tp, fp, fn, tn, total):
    """The counts read off the matrix (when one is given), the denominators of a single metric,
    then P, R, F1 (from the shown P and R) and the accuracy, as asked."""
    RT, AT = 1e-3, 5e-4
    dpr = 6 if ask in ("f1", "all") else 4  # F1 is computed from P and R: one more digit keeps its 4 decimals
    need_p, need_r = ask in ("precision", "f1", "all"), ask in ("recall", "f1", "all")
    if M is not None:
        c = int(prm.get("cls") or 1)
        ch = Chain({"m": M, "cls": c})
        K = len(M)
        key = {"tp": "n_tp", "fp": "n_fp", "fn": "n_fn"}
        mu = ("m", "cls")

        def col(e, i):
            return [e["m"][r][i] for r in range(len(e["m"]))]

        rows_pred = bi("You read the rows as predictions; here rows are the true classes and columns the predictions.",
                       "你把行当成了预测；这里行是真实类别，列是预测类别。")
        if ask != "accuracy":
            ch.step("n_tp", bi("the true positives TP", "真正例数 TP"), lambda e: e["m"][e["cls"] - 1][e["cls"] - 1], uses=mu, digits=0, rtol=0, atol=0.01,
                    text=lambda sh: bi(f"TP = the diagonal entry ({c}, {c}) = {sh['n_tp']:.0f}", f"TP = 对角元 ({c}, {c}) = {sh['n_tp']:.0f}"),
                    rule=bi("TP: true class and prediction both the positive class", "TP：真实类别与预测都是正类"),
                    formula=bi(f"TP = M[{c}, {c}]", f"TP = M[{c}, {c}]"), substituted=lambda sh: bi(f"TP = M[{c}, {c}]", f"TP = M[{c}, {c}]"))
        others = [i for i in range(K) if i != c - 1]
        if need_p:
            terms = " + ".join(str(M[i][c - 1]) for i in others)
            ch.step("n_fp", bi("the false positives FP", "假正例数 FP"),
                    lambda e: sum(col(e, e["cls"] - 1)) - e["m"][e["cls"] - 1][e["cls"] - 1], uses=mu, digits=0, rtol=0, atol=0.01,
                    text=lambda sh: bi(f"FP = the rest of column {c} = {terms} = {sh['n_fp']:.0f}", f"FP = 第 {c} 列其余元素之和 = {terms} = {sh['n_fp']:.0f}"),
                    rule=bi("FP: predicted positive, truly another class (its column)", "FP：预测为正类、实际为其他类别（该列）"),
                    formula=bi(f"FP = Σ_(i ≠ {c}) M[i, {c}]", f"FP = Σ_(i ≠ {c}) M[i, {c}]"), substituted=lambda sh: bi(terms, terms),
                    mistakes=(StepMistake("rows_are_predictions", rows_pred,
                                          lambda e: sum(e["m"][e["cls"] - 1]) - e["m"][e["cls"] - 1][e["cls"] - 1]),))
        if need_r:
            terms_r = " + ".join(str(M[c - 1][i]) for i in others)
            ch.step("n_fn", bi("the false negatives FN", "假负例数 FN"),
                    lambda e: sum(e["m"][e["cls"] - 1]) - e["m"][e["cls"] - 1][e["cls"] - 1], uses=mu, digits=0, rtol=0, atol=0.01,
                    text=lambda sh: bi(f"FN = the rest of row {c} = {terms_r} = {sh['n_fn']:.0f}",
                                       f"FN = 第 {c} 行其余元素之和 = {terms_r} = {sh['n_fn']:.0f}"),
                    rule=bi("FN: truly positive, predicted another class (its row)", "FN：实际为正类、预测为其他类别（该行）"),
                    formula=bi(f"FN = Σ_(j ≠ {c}) M[{c}, j]", f"FN = Σ_(j ≠ {c}) M[{c}, j]"), substituted=lambda sh: bi(terms_r, terms_r),
                    mistakes=(StepMistake("rows_are_predictions", rows_pred,
                                          lambda e: sum(col(e, e["cls"] - 1)) - e["m"][e["cls"] - 1][e["cls"] - 1]),))
    else:
        ch = Chain({"tp": tp, "fp": fp, "fn": fn, "tn": tn})
        key = {"tp": "tp", "fp": "fp", "fn": "fn"}
    T, FP, FN = key["tp"], key["fp"], key["fn"]

    def get(e, k):
        """A count for a wrong method: the student's step value, or (not a step of this chain) read off the matrix."""
        if key[k] in e:
            return e[key[k]]
        M_, c_ = e["m"], e["cls"] - 1
        return {"tp": M_[c_][c_], "fp": sum(r[c_] for r in M_) - M_[c_][c_], "fn": sum(M_[c_]) - M_[c_][c_]}[k]

    def n(sh, k):
        return f"{sh[k]:.0f}"

    swapped = bi("You swapped precision and recall: precision divides by the predicted positives (TP + FP), recall by the actual positives (TP + FN).",
                 "你把精确率和召回率弄反了：精确率除以预测为正的数（TP + FP），召回率除以实际为正的数（TP + FN）。")
    if ask == "precision":
        ch.step("pp", bi("the predicted positives TP + FP", "预测为正的数 TP + FP"), lambda e: e[T] + e[FP], uses=(T, FP), digits=0, rtol=0, atol=0.01,
                text=lambda sh: bi(f"Predicted positives: TP + FP = {n(sh, T)} + {n(sh, FP)} = {n(sh, 'pp')}",
                                   f"预测为正的数：TP + FP = {n(sh, T)} + {n(sh, FP)} = {n(sh, 'pp')}"),
                rule=bi("precision looks at what was predicted positive", "精确率看预测为正的样本"), formula=bi("TP + FP", "TP + FP"),
                substituted=lambda sh: bi(f"{n(sh, T)} + {n(sh, FP)}", f"{n(sh, T)} + {n(sh, FP)}"),
                mistakes=(StepMistake("swapped_precision_recall", swapped, lambda e: e[T] + get(e, "fn")),))
        pd, pu = "pp", (T, "pp")
    else:
        pd, pu = None, (T, FP)
    if ask == "recall":
        ch.step("ap", bi("the actual positives TP + FN", "实际为正的数 TP + FN"), lambda e: e[T] + e[FN], uses=(T, FN), digits=0, rtol=0, atol=0.01,
                text=lambda sh: bi(f"Actual positives: TP + FN = {n(sh, T)} + {n(sh, FN)} = {n(sh, 'ap')}",
                                   f"实际为正的数：TP + FN = {n(sh, T)} + {n(sh, FN)} = {n(sh, 'ap')}"),
                rule=bi("recall looks at what is truly positive", "召回率看实际为正的样本"), formula=bi("TP + FN", "TP + FN"),
                substituted=lambda sh: bi(f"{n(sh, T)} + {n(sh, FN)}", f"{n(sh, T)} + {n(sh, FN)}"),
                mistakes=(StepMistake("swapped_precision_recall", swapped, lambda e: e[T] + get(e, "fp")),))
        rd, ru = "ap", (T, "ap")
    else:
        rd, ru = None, (T, FN)

    def acc(e):
        if M is not None:
            return sum(e["m"][i][i] for i in range(len(e["m"]))) / sum(map(sum, e["m"]))
        return (e["tp"] + e["tn"]) / (e["tp"] + e["fp"] + e["fn"] + e["tn"])

    gave_acc = StepMistake("gave_accuracy", bi("You gave the accuracy; precision and recall only look at the positive class.",
                                               "你给的是准确率；精确率和召回率只看正类。"), acc)
    if need_p:
        def den_p(sh):
            return n(sh, pd) if pd else f"({n(sh, T)} + {n(sh, FP)})"
        ch.step("P", bi("the precision P = TP/(TP + FP)", "精确率 P = TP/(TP + FP)"),
                (lambda e: e[T] / e["pp"]) if pd else (lambda e: e[T] / (e[T] + e[FP])), uses=pu, digits=dpr, rtol=RT, atol=AT,
                text=lambda sh: bi(f"Precision $P = TP/(TP + FP) = {n(sh, T)}/{den_p(sh)} = {fmt_num(sh['P'], dpr)}$",
                                   f"精确率 $P = TP/(TP + FP) = {n(sh, T)}/{den_p(sh)} = {fmt_num(sh['P'], dpr)}$"),
                rule=bi("precision: the share of the predicted positives that are right", "精确率：预测为正的样本中真正为正的比例"),
                formula=bi("P = TP/(TP + FP)", "P = TP/(TP + FP)"), substituted=lambda sh: bi(f"P = {n(sh, T)}/{den_p(sh)}", f"P = {n(sh, T)}/{den_p(sh)}"),
                mistakes=(StepMistake("swapped_precision_recall", swapped, lambda e: e[T] / (e[T] + get(e, "fn"))), gave_acc))
    if need_r:
        def den_r(sh):
            return n(sh, rd) if rd else f"({n(sh, T)} + {n(sh, FN)})"
        ch.step("R", bi("the recall R = TP/(TP + FN)", "召回率 R = TP/(TP + FN)"),
                (lambda e: e[T] / e["ap"]) if rd else (lambda e: e[T] / (e[T] + e[FN])), uses=ru, digits=dpr, rtol=RT, atol=AT,
                text=lambda sh: bi(f"Recall $R = TP/(TP + FN) = {n(sh, T)}/{den_r(sh)} = {fmt_num(sh['R'], dpr)}$",
                                   f"召回率 $R = TP/(TP + FN) = {n(sh, T)}/{den_r(sh)} = {fmt_num(sh['R'], dpr)}$"),
                rule=bi("recall: the share of the actual positives that are found", "召回率：实际为正的样本中被找出的比例"),
                formula=bi("R = TP/(TP + FN)", "R = TP/(TP + FN)"), substituted=lambda sh: bi(f"R = {n(sh, T)}/{den_r(sh)}", f"R = {n(sh, T)}/{den_r(sh)}"),
                mistakes=(StepMistake("swapped_precision_recall", swapped, lambda e: e[T] / (e[T] + get(e, "fp"))), gave_acc))
    if ask in ("f1", "all"):
        def sub(sh):
            P_, R_ = fmt_num(sh["P"], dpr), fmt_num(sh["R"], dpr)
            return f"2 \\cdot {P_} \\cdot {R_}/({P_} + {R_})"
        ch.step("F1", bi("the F1 score 2PR/(P + R)", "F1 值 2PR/(P + R)"), lambda e: 2 * e["P"] * e["R"] / (e["P"] + e["R"]), uses=("P", "R"),
                rtol=RT, atol=AT,
                text=lambda sh: bi(f"$F_1 = 2PR/(P + R) = {sub(sh)} = {fmt_num(sh['F1'])}$ (the harmonic mean of P and R)",
                                   f"$F_1 = 2PR/(P + R) = {sub(sh)} = {fmt_num(sh['F1'])}$（P 与 R 的调和平均）"),
                rule=bi("F1: the harmonic mean of precision and recall", "F1：精确率与召回率的调和平均"),
                formula=bi("F1 = 2PR/(P + R)", "F1 = 2PR/(P + R)"), substituted=lambda sh: bi(f"${sub(sh)}$", f"${sub(sh)}$"),
                mistakes=(StepMistake("f1_arithmetic_mean", bi("F1 is the harmonic mean 2PR/(P + R), not the arithmetic mean (P + R)/2.",
                                                               "F1 是调和平均 2PR/(P + R)，不是算术平均 (P + R)/2。"), lambda e: (e["P"] + e["R"]) / 2),
                          gave_acc))
    if ask in ("accuracy", "all"):
        mu_a = ("m",) if M is not None else ("tp", "fp", "fn", "tn")
        if M is not None:
            expr = " + ".join(str(M[i][i]) for i in range(len(M)))
            what_en, what_zh, lab_en, lab_zh = f"the trace {expr}", f"对角元之和 {expr}", "trace / N", "对角元之和 / N"
        else:
            expr = f"{tp} + {tn}"
            what_en = what_zh = f"TP + TN = {expr}"
            lab_en = lab_zh = "(TP + TN)/N"

        def correct(e):
            if M is not None:
                return sum(e["m"][i][i] for i in range(len(e["m"])))
            return e["tp"] + e["tn"]

        if ask == "accuracy":
            ch.step("correct", bi("the correct predictions", "预测正确的样本数"), correct, uses=mu_a, digits=0, rtol=0, atol=0.01,
                    text=lambda sh: bi(f"Correct predictions: {what_en} = {n(sh, 'correct')}", f"预测正确的样本数：{what_zh} = {n(sh, 'correct')}"),
                    rule=bi("correct: the diagonal of the confusion matrix", "预测正确：混淆矩阵的对角线"),
                    formula=bi("TP + TN" if M is None else "Σ_i M[i, i]", "TP + TN" if M is None else "Σ_i M[i, i]"),
                    substituted=lambda sh: bi(what_en, what_zh))
            ch.step("A", bi("the accuracy", "准确率"), lambda e: e["correct"] / total, uses=("correct",), rtol=RT, atol=AT,
                    text=lambda sh: bi(f"Accuracy = correct / all = {n(sh, 'correct')}/{total} = {fmt_num(sh['A'])}",
                                       f"准确率 = 正确数 / 总数 = {n(sh, 'correct')}/{total} = {fmt_num(sh['A'])}"),
                    rule=bi("accuracy: the share of all samples predicted right", "准确率：所有样本中预测正确的比例"),
                    formula=bi("accuracy = correct / N", "准确率 = 正确数 / N"),
                    substituted=lambda sh: bi(f"{n(sh, 'correct')}/{total}", f"{n(sh, 'correct')}/{total}"))
        else:
            ch.step("A", bi("the accuracy", "准确率"), acc, uses=mu_a, rtol=RT, atol=AT,
                    text=lambda sh: bi(f"Accuracy = {lab_en} = ({expr})/{total} = {correct(sh)}/{total} = {fmt_num(sh['A'])}",
                                       f"准确率 = {lab_zh} = ({expr})/{total} = {correct(sh)}/{total} = {fmt_num(sh['A'])}"),
                    rule=bi("accuracy: the share of all samples predicted right", "准确率：所有样本中预测正确的比例"),
                    formula=bi("accuracy = correct / N", "准确率 = 正确数 / N"),
                    substituted=lambda sh: bi(f"({expr})/{total}", f"({expr})/{total}"))
    return ch.steps


def check(prm: dict):
    """Engine route: one true and one predicted label per sample, the metrics counted on the arrays."""
    import numpy as np

    ask = prm.get("ask") or "all"
    m = prm.get("m") or ()
    if m:
        M = np.array(m, dtype=int)
        pos = int(prm.get("cls") or 1) - 1
    else:
        tp, fp, fn, tn = (int(prm.get(x) or 0) for x in ("tp", "fp", "fn", "tn"))
        M = np.array([[tn, fp], [fn, tp]])  # class 0 = negative, class 1 = positive
        pos = 1
    K = M.shape[0]
    true = np.repeat(np.repeat(np.arange(K), K), M.ravel())  # row i, column j repeated M[i, j] times
    pred = np.repeat(np.tile(np.arange(K), K), M.ravel())
    tp_ = np.sum((pred == pos) & (true == pos))
    P = tp_ / np.sum(pred == pos)
    R = tp_ / np.sum(true == pos)
    F = 2 * P * R / (P + R)
    A = np.mean(pred == true)
    return _pick((P, R, F, A), ask)
