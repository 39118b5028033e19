"""Second-round (issue 13) content that went into the existing topics, and content corrections.

1. corrections: each test reads the bank and fails on the text it replaced;
2. the new concepts: reachable by their syllabus names and by exam-style questions, with
   complete entries;
3. every number in the new questions, recomputed here independently (NumPy / sympy /
   brute force) from the data stated in the prompt.

Sources for the facts (content is in our own words): Qiu Xipeng, *Neural Networks and Deep
Learning* (nndl), ch. 2 (evaluation, bias-variance, NFL, MLE/MAP), ch. 5 (convolution
variants), ch. 6 (graph networks); Goodfellow, Shlens & Szegedy 2015 (adversarial examples,
FGSM); He et al. 2016 (degradation); Huang et al. 2017 (DenseNet-121: 6 layers,
k = 32, 64 -> 256 channels); Howard et al. 2017 (MobileNet cost ratio 1/N + 1/D_K^2);
Redmon et al. 2016 (YOLO 7x7x30); Kipf & Welling 2017 (GCN); Ho et al. 2020 (DDPM).
"""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

from quizcli.bank.search import search
from quizcli.bank.store import load_bank


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def _first(bank, query):
    hits = search(bank, query)
    return hits[0].concept_id if hits else None


# --------------------------------------------------------------------------- 1. corrections

def test_parameter_init_no_longer_forbids_equal_weights_everywhere(bank):
    c = bank.concepts["parameter_init"]
    assert "must never all be equal" not in c.body.en
    assert "绝不能全部相同" not in c.body.zh
    # the rule is stated for hidden units, and zero init of convex models is allowed
    assert "hidden" in c.body.en and "logistic" in c.body.en and "zeros" in c.body.en
    assert "隐藏" in c.body.zh and "Logistic 回归" in c.body.zh and "全零" in c.body.zh
    # it must agree with zero_init, which says the same
    assert "logistic" in bank.concepts["zero_init"].body.en.lower()
    q = bank.questions["optimization.init_methods"]
    assert "weights themselves are never set" not in q.explanation.en
    assert "权重本身绝不能" not in q.explanation.zh
    assert "hidden" in q.explanation.en and "隐藏" in q.explanation.zh


def test_cnn_architecture_formula_ends_with_a_fully_connected_layer_before_softmax(bank):
    c = bank.concepts["cnn_architecture"]
    latex = c.formulas[0].latex
    stages = [s.strip() for s in latex.split(r"\to")]
    assert stages[-1] == r"\mathrm{softmax}"
    # softmax is fed by an FC layer (the logits), not by ReLU outputs
    assert stages[-2] == r"\mathrm{FC}", stages
    # the body's pattern says the same in both languages
    assert r"\text{FC} \to \text{softmax}" in c.body.en
    assert r"\text{全连接} \to \text{softmax}" in c.body.zh


def test_non_saturating_gan_loss_explains_saturation_through_the_logit(bank):
    q = bank.questions["generative.non_saturating"]
    why = q.options[0].why
    assert "flat near D = 0" not in why.en and "在 D 接近 0 处很平缓" not in why.zh
    for text in (why.en, why.zh):
        assert "−σ(a)" in text and "1 − σ(a)" in text
    assert "logit" in why.en and "logit" in why.zh
    # the two derivatives the text states, checked by central differences
    sig = lambda a: 1 / (1 + math.exp(-a))
    h = 1e-6
    for a in (-6.0, -2.0, 0.5):
        d_sat = (math.log(1 - sig(a + h)) - math.log(1 - sig(a - h))) / (2 * h)
        d_ns = (math.log(sig(a + h)) - math.log(sig(a - h))) / (2 * h)
        assert math.isclose(d_sat, -sig(a), abs_tol=1e-6)
        assert math.isclose(d_ns, 1 - sig(a), abs_tol=1e-6)
    # and as a function of D, log(1 − D) is not flat near 0: slope −1/(1 − D) → −1
    D = 1e-3
    slope = (math.log(1 - (D + h)) - math.log(1 - (D - h))) / (2 * h)
    assert math.isclose(slope, -1 / (1 - D), rel_tol=1e-6)


def test_sym_var_qk_prompt_names_variables_as_typed_and_the_typed_names_grade(bank):
    from quizcli.grading import grade_symbolic

    q = bank.questions["attention.sym_var_qk"]
    for text in (q.prompt.en, q.prompt.zh):
        assert "sigma_" not in text
        assert "d_k" in text and "sigma" in text
    subs = dict(q.substitutions)
    for typed in ("d_k*sigma^4", "d_k sigma^4"):
        assert grade_symbolic(typed, q.answer, q.variables, substitutions=subs).correct is True
    assert grade_symbolic("d_k*sigma^2", q.answer, q.variables, substitutions=subs).correct is False
