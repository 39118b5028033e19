"""Line breaking that respects Chinese: a break may fall between any two Chinese characters
(never before a closing mark such as ，。） or after an opening one such as （《), and never at a
no-break space, which the renderers put inside short formulas so that `LayerNorm(x + y)` is
not split at its spaces when a space elsewhere would do.

rich breaks lines only at spaces, so a run of Chinese is one unbreakable "word": lines end
early, half empty. `install()` gives rich's Text.wrap this breaker instead (rich.text looks up
`divide_line` in its own namespace); everything else of rich's wrapping is unchanged.
"""
from __future__ import annotations

import re
from typing import Iterator

from rich.cells import cell_len, chop_cells

_CJK = re.compile(r"[\u2e80-\u2fff\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
NO_START = frozenset("，。、；：！？）》」』】〉”’…％,.;:!?)]}·")  # never begins a line
OPEN = frozenset("（《「『【〈“‘")  # never ends a line
_SPACE = frozenset(" \t")  # where a line may break; U+00A0 (no-break space) is not among them
NBSP = "\u00a0"


def words(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) like rich's: each word with the spaces after it; a Chinese
    character is a word of its own, with the closing marks that follow it."""
    i, n = 0, len(text)
    while i < n:
        start = i
        while i < n and text[i] in OPEN:
            i += 1
        if i < n and _CJK.match(text[i]) and text[i] not in NO_START:
            i += 1
        else:
            while i < n and text[i] not in _SPACE and not _CJK.match(text[i]) and text[i] not in OPEN:
                i += 1
        while i < n and text[i] in NO_START:
            i += 1
        while i < n and text[i] in _SPACE:
            i += 1
        if i == start:
            i += 1
        yield start, i, text[start:i]


# inside a long formula with no space, a line may end after one of these
_BREAK_AFTER = frozenset("=+−-×·∈,，;；)")


def _split_point(word: str, room: int) -> int:
    """The last index after a break character at which `word[:index]` fits in `room` cells
    (0 when there is none)."""
    best = 0
    for j, ch in enumerate(word, 1):
        if cell_len(word[:j]) > room:
            break
        if ch in _BREAK_AFTER and j < len(word.rstrip()):
            best = j
    return best


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """rich's divide_line (rich/_wrap.py) over the words above: the offsets to break at.
    A long formula that does not fit the rest of a well-filled line is split after an
    operator rather than moved whole to the next line, which would leave this one half empty."""
    breaks: list[int] = []
    offset = 0
    for start, _end, word in words(text):
        length = cell_len(word.rstrip())
        room = width - offset
        while length > room and offset and room >= 0.3 * width and length >= 12:
            j = _split_point(word, room)
            if not j:
                break
            breaks.append(start + j)
            start, word = start + j, word[j:]
            offset, length, room = 0, cell_len(word.rstrip()), width
        if width - offset >= length:
            offset += cell_len(word)
        elif length > width:
            if fold:
                pieces = chop_cells(word, width=width)
                for k, piece in enumerate(pieces):
                    if start:
                        breaks.append(start)
                    if k == len(pieces) - 1:
                        offset = cell_len(piece)
                    else:
                        start += len(piece)
            else:
                if start:
                    breaks.append(start)
                offset = cell_len(word)
        elif offset and start:
            breaks.append(start)
            offset = cell_len(word)
    return breaks


def install() -> None:
    import rich.text

    rich.text.divide_line = divide_line  # type: ignore[attr-defined]


def glue_math(rendered: str, limit: int = 20) -> str:
    """A short rendered formula whose spaces do not break (long ones still may)."""
    return rendered.replace(" ", NBSP) if len(rendered) <= limit else rendered
