"""Result and error types shared by all graders (no heavy imports here)."""
from __future__ import annotations

from dataclasses import dataclass, asdict
from typing import Any


def _plain(value: Any) -> Any:
    """Make a value JSON-friendly (numpy arrays/scalars -> lists/floats, others -> str)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    tolist = getattr(value, "tolist", None)
    if callable(tolist):  # numpy array / numpy scalar
        return _plain(tolist())
    return str(value)


class ParseError(ValueError):
    """The answer text could not be understood. Carries a bilingual message."""

    def __init__(self, message_en: str, message_zh: str, position: int | None = None):
        super().__init__(message_en)
        self.message_en = message_en
        self.message_zh = message_zh
        self.position = position

    def to_dict(self) -> dict:
        return {"error": "parse", "message_en": self.message_en,
                "message_zh": self.message_zh, "position": self.position}


@dataclass(frozen=True)
class GradeResult:
    """Outcome of grading one answer.

    correct: True / False, or None when the answer could not be parsed or checked
             (the caller should ask again without counting an attempt).
    score:   0..1 (partial credit only where documented).
    parsed:  display form of what was understood (str, float, list, ...).
    misconception: id of a matched misconception, if any.
    """
    correct: bool | None
    score: float
    message_en: str = ""
    message_zh: str = ""
    parsed: Any = None
    misconception: str | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["parsed"] = _plain(self.parsed)
        return d

    @classmethod
    def invalid(cls, err: ParseError, parsed: Any = None) -> "GradeResult":
        return cls(None, 0.0, err.message_en, err.message_zh, parsed, None)


def get_field(obj: Any, name: str, default: Any = None) -> Any:
    """Duck-typed access: dict key or attribute."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)
