"""Interleaving: never two items of the same family, or with the same first concept, one
after the other when another item is available; confusable concepts deliberately side by side.

Interleaved practice feels harder and works better: mixing problem types makes the student
choose the method, not just run it (Rohrer, Dedrick & Stershic 2015; Rohrer et al. 2014: 72 %
against 38 % on a test two weeks later). Items of a confusable cluster (LSTM vs GRU gates,
batch vs layer norm vs dropout at train and test time, conv vs pool output size, softmax-CE vs
sigmoid-BCE, VAE vs GAN losses) are placed next to each other so the difference is what is
practised.
"""
from __future__ import annotations

from typing import Sequence

from ..core.session import Item

# concepts easily confused with one another (ids of the course syllabus)
CONFUSABLE: tuple[frozenset[str], ...] = (
    frozenset({"lstm", "lstm_gates", "cell_state", "gru", "gru_gates", "gru_vs_lstm"}),
    frozenset({"batch_norm", "batchnorm_inference", "layer_norm", "other_norms", "rms_norm", "dropout"}),
    frozenset({"conv_output_size", "pooling", "conv_params", "transposed_conv", "receptive_field"}),
    frozenset({"softmax", "cross_entropy", "softmax_ce_gradient", "softmax_regression", "sigmoid", "logistic_regression"}),
    frozenset({"vae", "gan", "conditional_gan", "autoencoder"}),
)
# generator families in the same clusters (their items may carry other concept ids)
CONFUSABLE_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({"lstm_step", "gru_step", "lstm_params", "gru_params"}),
    frozenset({"batchnorm", "layernorm", "dropout"}),
    frozenset({"conv_output", "pool_output", "transposed_conv_output", "conv_padding"}),
    frozenset({"softmax", "cross_entropy", "softmax_ce_grad"}),
)


def family(item: Item) -> str | None:
    return item.problem.family if item.problem is not None else None


def first_concept(item: Item) -> str | None:
    return item.concepts[0] if item.concepts else None


def clash(a: Item, b: Item) -> bool:
    """Same family, or same first concept."""
    fa, fb = family(a), family(b)
    if fa is not None and fa == fb:
        return True
    ca, cb = first_concept(a), first_concept(b)
    return ca is not None and ca == cb


def _clusters(item: Item) -> set[int]:
    out = {i for i, c in enumerate(CONFUSABLE) if set(item.concepts[:2]) & c}
    f = family(item)
    if f is not None:
        out |= {i for i, c in enumerate(CONFUSABLE_FAMILIES) if f in c}
    return out


def confusable(a: Item, b: Item) -> bool:
    """Two different things of one confusable cluster."""
    return not clash(a, b) and bool(_clusters(a) & _clusters(b))


def interleave(items: Sequence[Item]) -> list[Item]:
    """The items reordered (none added or lost): after each item comes one that does not
    clash with it whenever one remains, preferring a confusable partner, then the item whose
    family or first concept has most items left (so the end is not one clump), then the
    earliest (the given order, e.g. weakest first, breaks ties)."""
    rest = list(items)
    out: list[Item] = []
    while rest:
        prev = out[-1] if out else None
        ok = [i for i, x in enumerate(rest) if prev is None or not clash(prev, x)]
        if not ok:
            k = 0
        else:
            partners = [i for i in ok if prev is not None and confusable(prev, rest[i])]
            pool = partners or ok

            def left(i: int) -> int:
                x = rest[i]
                return sum(1 for y in rest if y is not x and clash(x, y))

            k = max(pool, key=lambda i: (left(i), -i))
        out.append(rest.pop(k))
    return out
