"""The smallest valid bank (one topic, one concept, one question), which the bank-loading tests
break in one place each; and a helper that writes a bank folder."""
from __future__ import annotations

import textwrap
from pathlib import Path

TOPICS = """\
topics:
  - id: demo
    title: {en: Demo, zh: 演示}
"""

GOOD = """\
topic: demo
concepts:
  - id: alpha
    title: {en: Alpha, zh: 阿尔法}
    summary: {en: The first one., zh: 第一个。}
    body: {en: 'Body $x^2$.', zh: '正文 $x^2$。'}
    key_points:
      - {en: point, zh: 要点}
questions:
  - id: demo.q1
    type: truefalse
    concepts: [alpha]
    prompt: {en: Is it?, zh: 是吗？}
    answer: true
    explanation: {en: Yes., zh: 是。}
"""


def write_bank(folder: Path, body: str = GOOD, name: str = "demo.yaml", topics: str = TOPICS) -> Path:
    """`folder` with topics.yaml and one bank file `name` holding `body` (dedented)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "topics.yaml").write_text(topics, encoding="utf-8")
    (folder / name).write_text(textwrap.dedent(body), encoding="utf-8")
    return folder
