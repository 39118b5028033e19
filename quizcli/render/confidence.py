"""The confidence prompt of a drill, a review or an exam (`--confidence`): before the result,
the student types 1 (sure), 2 (unsure) or 3 (guess); Enter leaves it unsaid. An answer may
also carry it (`55 !1`). `add_confidence(ui)` gives any drill face the `confidence(item)`
method the drill loop asks (study/drill.py)."""
from __future__ import annotations

import os
import types
from typing import Any

from ..core.session import Item
from .lineedit import read_line

LEVELS = {"1": 1, "2": 2, "3": 3, "sure": 1, "unsure": 2, "guess": 3, "确定": 1, "不确定": 2, "猜": 3}


def default_on() -> bool:
    """The default of --confidence: QUIZCLI_CONFIDENCE=1 (or yes / on) turns it on."""
    return os.environ.get("QUIZCLI_CONFIDENCE", "").strip().lower() in ("1", "yes", "on", "true")


def parse_level(text: str | None) -> int | None:
    if text is None:
        return None
    return LEVELS.get(text.strip().lower())


def _rich_confidence(self, item: Item) -> int | None:
    zh = getattr(self, "lang", "en") == "zh"
    prompt = "有多确定？1 确定，2 不确定，3 猜的（回车跳过）" if zh else "How sure? 1 sure, 2 unsure, 3 guess (Enter: skip)"
    for _ in range(3):
        try:
            text = read_line(self.out, f"[bold]{prompt}[/] › ", history="confidence")
        except EOFError:
            return None
        if not text.strip():
            return None
        level = parse_level(text)
        if level is not None:
            return level
    return None


def _json_confidence(self, item: Item) -> int | None:
    self._emit({"event": "confidence", "item": item.id, "levels": {"1": "sure", "2": "unsure", "3": "guess"}})
    return parse_level(self._readline())


def add_confidence(ui: Any) -> Any:
    """`ui` with a `confidence(item)` prompt: the rich screen asks on the terminal, the JSON
    face emits a `confidence` event and reads one line."""
    fn = _json_confidence if hasattr(ui, "_emit") and hasattr(ui, "_readline") else _rich_confidence
    ui.confidence = types.MethodType(fn, ui)
    return ui
