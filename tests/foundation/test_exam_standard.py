"""Every short answer in the bank meets the exam-layer standard of issue 12, not only the
`exam_*` entries: the other phrasings papers use (at least four, in both languages, as retrieval
keys), three to six marking points that are each a full sentence a marker could tick, in both
languages, a connected model answer, and where a question of this kind comes from.

PENDING lists the topics whose first-round short answers are still being brought to the
standard; their check fails (strictly) until they are done. One topic per line, grouped."""
import re

import pytest

from syllabus_data import SYLLABUS

TOPICS = list(SYLLABUS)

PENDING = {
    # -- group 1
    # --
    # -- group 2
    # --
    # -- group 3
    # --
}

_HAN = re.compile(r"[\u4e00-\u9fff]")


def problems(q) -> list[str]:
    """What keeps a short-answer entry below the standard (empty when it meets it)."""
    out = []
    if len(q.variants) < 4 or len(set(q.variants)) < len(q.variants):
        out.append(f"{len(q.variants)} variants (want at least 4, all different)")
    if {bool(_HAN.search(v)) for v in q.variants} != {True, False}:
        out.append("variants not in both languages")
    if not 3 <= len(q.key_points) <= 6:
        out.append(f"{len(q.key_points)} key points (want 3-6)")
    for i, kp in enumerate(q.key_points, 1):
        if len(kp.en.split()) < 6 or len(re.sub(r"\s", "", kp.zh)) < 10:
            out.append(f"key point {i} too short to tick: {kp.en!r}")
        if not kp.en.rstrip().endswith((".", ")")) or not kp.zh.rstrip().endswith(("。", "）", ")")):
            out.append(f"key point {i} is not a sentence: {kp.en!r} / {kp.zh!r}")
    if not (q.answer.en.strip() and q.answer.zh.strip()):
        out.append("no model answer in both languages")
    if not (q.origin and q.origin.strip()):
        out.append("no source")
    return out


@pytest.mark.parametrize("topic", [pytest.param(t, marks=pytest.mark.xfail(strict=True, reason="first-round answers being rewritten"))
                                   if t in PENDING else t for t in TOPICS])
def test_every_short_answer_meets_the_exam_standard(bank, topic):
    below = {q.id: problems(q) for q in bank.questions_in(topic) if q.type == "short"}
    below = {k: v for k, v in below.items() if v}
    assert below == {}, "\n".join(f"{k}: {'; '.join(v)}" for k, v in below.items())


def test_the_bank_holds_four_hundred_exam_standard_answers_twenty_per_topic(bank):
    good = [q for q in bank.questions.values() if q.type == "short" and not problems(q)]
    per_topic = {t: sum(q.topic == t for q in good) for t in TOPICS}
    if PENDING:
        pytest.xfail(f"pending: {sorted(PENDING)}; {len(good)} at the standard so far, {per_topic}")
    assert len(good) >= 400, len(good)
    assert min(per_topic.values()) >= 20, per_topic
