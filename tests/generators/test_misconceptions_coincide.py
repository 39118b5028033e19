"""Two slips that give the same wrong number are both named (issue 14): for a convolution
with s = 2p, ignoring the padding, ⌊(n − k)/s⌋ + 1, and forgetting the +1, ⌊(n + 2p − k)/s⌋,
are the same number. n = 32, k = 3, s = 2, p = 1: right ⌊31/2⌋ + 1 = 16; both slips give 15."""
from quizcli.generators import solve
from quizcli.kinds import of as kind_of
from quizcli.core.session import Item


def test_both_slips_are_named_when_they_coincide():
    p = solve("conv_output", ["n=32", "k=3", "s=2", "p=1"])
    assert p.answer in (16, (16, 16)) or p.answer_text.startswith("16")
    hits = [m for m in p.misconceptions if m.value in (15, (15, 15))]
    assert len(hits) == 1, hits
    m = hits[0]
    ids = {m.id, *m.also}
    assert {"no_padding", "forgot_plus_one"} <= ids, ids
    r = kind_of(Item.of_problem(p)).grade(Item.of_problem(p), "15" if not isinstance(p.answer, tuple) else "15 15")
    assert r.correct is False and r.misconception == m.id
    assert "padding" in r.message_en and "+1" in r.message_en
    assert "另一个错误" in r.message_zh


def test_json_lists_the_other_slip():
    p = solve("conv_output", ["n=32", "k=3", "s=2", "p=1"])
    d = p.to_dict("en")
    assert any(set(m["also"]) & {"no_padding", "forgot_plus_one"} for m in d["misconceptions"])
