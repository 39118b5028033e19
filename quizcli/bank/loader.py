"""Parse and validate the YAML question bank.

`validate_dirs` parses every file fresh and returns every problem found, each with its
file and line (what `quizcli bank check` prints). Ordinary commands go through
`store.load_bank`, which serves a cached copy and calls this module only on a miss.

YAML is only ever read with PyYAML's *safe* loader (the C one where present), and only
from regular files within the size limits below; aliases are refused before they expand,
and every string is checked for control characters, YAML escape traps and markup as it is
built. The same checks (and the grammar of symbolic answers) run on every load, so a bank
that `bank check` refuses is never used by another command.
"""
from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .errors import BankError, Problem  # noqa: F401 (re-exported)
from ..core.models import (
    LANGS,
    Bank,
    Bilingual,
    Concept,
    Formula,
    Question,
    Source,
    Topic,
)

CONCEPT_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
QUESTION_ID = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")
DIFFICULTIES = ("easy", "medium", "hard")


# --------------------------------------------------------------------------- limits

MAX_FILE_BYTES = 2 * 1024 * 1024      # one YAML file (the largest built-in file is ~140 kB)
MAX_FOLDER_BYTES = 8 * 1024 * 1024    # all YAML files of one bank folder (built-in: ~1.2 MB, ~0.4 s)
MAX_FILES = 500                       # YAML files in one bank folder


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} kB"


# --------------------------------------------------------------------------- file reading
# Every path is looked at with os.stat before it is opened: only regular files are read
# (a FIFO, a device such as /dev/zero behind a symlink, a folder named x.yaml are reported
# and skipped), sizes are bounded, and the open is non-blocking so that a FIFO swapped in
# between the stat and the open cannot hang. Every OSError becomes a one-line message.


def _path_error(path: str, e: OSError) -> str:
    """What went wrong with a bank path, in one line (never a traceback)."""
    code = e.errno
    if code == errno.ELOOP:
        return "a symbolic link loop (the link leads back to itself)"
    if code == errno.ENAMETOOLONG:
        return f"the path is too long ({len(path)} characters)"
    if code == errno.ENOENT:
        if os.path.islink(path):
            try:
                target = os.readlink(path)
            except OSError:
                target = "?"
            return f"a symbolic link to a missing file ({_short(target)})"
        return "does not exist"
    if code in (errno.EACCES, errno.EPERM):
        return "cannot be read: permission denied"
    if code == errno.ENOTDIR:
        return "a part of the path is not a folder"
    return f"cannot be read ({e.strerror or e})"


def _not_regular(mode: int) -> str | None:
    """None for a regular file, else what the path is instead."""
    if stat.S_ISREG(mode):
        return None
    for test, what in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return what
    return "not a regular file"


def _stat(path: Path, display: str, problems: list[Problem]) -> os.stat_result | None:
    p = str(path)
    try:
        return os.stat(p)
    except OSError as e:
        problems.append(Problem(display, 0, _path_error(p, e)))
    except ValueError:  # an embedded NUL
        problems.append(Problem(display, 0, "the path contains a NUL character"))
    return None


def _read_bank_file(path: Path, display: str, problems: list[Problem]) -> str | None:
    """The text of one bank file, or None (with the reason in `problems`)."""
    st = _stat(path, display, problems)
    if st is None:
        return None
    kind = _not_regular(st.st_mode)
    if kind:
        problems.append(Problem(display, 0, f"is {kind}, not a regular file: skipped"))
        return None
    if st.st_size > MAX_FILE_BYTES:
        problems.append(Problem(display, 0, f"is {_size(st.st_size)}; a bank file may be at most "
                                            f"{_size(MAX_FILE_BYTES)} (split it into several files)"))
        return None
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(str(path), flags)
    except OSError as e:
        problems.append(Problem(display, 0, _path_error(str(path), e)))
        return None
    chunks: list[bytes] = []
    try:
        kind = _not_regular(os.fstat(fd).st_mode)  # replaced between the stat and the open?
        if kind:
            problems.append(Problem(display, 0, f"is {kind}, not a regular file: skipped"))
            return None
        total = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > MAX_FILE_BYTES:  # grew after the stat
                problems.append(Problem(display, 0, f"is larger than {_size(MAX_FILE_BYTES)}, the limit for a bank file"))
                return None
            chunks.append(chunk)
    except OSError as e:
        problems.append(Problem(display, 0, _path_error(str(path), e)))
        return None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append(Problem(display, raw.count(b"\n", 0, e.start) + 1, f"not UTF-8 text ({e.reason} at byte {e.start})"))
        return None


def _folder_problem(d: Path) -> Problem | None:
    """Why `d` cannot be used as a bank folder, or None."""
    problems: list[Problem] = []
    st = _stat(d, _display(d), problems)
    if st is None:
        return problems[0]
    if not stat.S_ISDIR(st.st_mode):
        return Problem(_display(d), 0, "not a folder")
    return None


def _is_bank_name(name: str) -> bool:
    return Path(name).suffix in (".yaml", ".yml")


def _bank_listing(d: Path, problems: list[Problem]) -> tuple[list[Path], list[Path]]:
    """The topics file(s) and the topic files of a folder, in name order, within the limits."""
    try:
        with os.scandir(d) as it:
            names = sorted(e.name for e in it if _is_bank_name(e.name))
    except OSError as e:
        problems.append(Problem(_display(d), 0, _path_error(str(d), e)))
        return [], []
    if len(names) > MAX_FILES:
        problems.append(Problem(_display(d), 0, f"has {len(names)} YAML files; a bank folder may have at most {MAX_FILES}"))
        return [], []
    total = 0
    for n in names:  # the sizes first: a folder too large is refused before anything is parsed
        try:
            st = os.stat(d / n)
        except (OSError, ValueError):
            continue  # reported when the file is read
        if stat.S_ISREG(st.st_mode):
            total += st.st_size
    if total > MAX_FOLDER_BYTES:
        problems.append(Problem(_display(d), 0, f"holds {_size(total)} of YAML; a bank folder may hold at most {_size(MAX_FOLDER_BYTES)}"))
        return [], []
    topics = [d / n for n in names if n in ("topics.yaml", "topics.yml")]
    return topics, [d / n for n in names if n not in ("topics.yaml", "topics.yml")]


# --------------------------------------------------------------------------- text checks
# Bank text goes to a terminal (and to HTML and Markdown exports): control characters
# (terminal escapes can retitle the window or clear the screen), bidirectional overrides
# and HTML markup are refused where they are written. Each string is checked once, as
# the YAML constructor builds it, so the check costs one regex search per string.

_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_CONTROL_RE = re.compile(f"[{_CONTROL}]")
_TAG_START = re.compile("<[A-Za-z/!?]")
_SCHEME = re.compile(r"(?i:script\s*:|data\s*:\s*text/)")
_CONTROL_NAMES = {
    0x00: "NUL", 0x07: "BEL", 0x08: "backspace", 0x09: "tab", 0x0A: "line feed", 0x0B: "vertical tab",
    0x0C: "form feed", 0x0D: "carriage return", 0x1B: "ESC", 0x7F: "DEL", 0x85: "NEL", 0x9B: "CSI",
    0x2028: "line separator", 0x2029: "paragraph separator", 0x202E: "right-to-left override",
    0x202D: "left-to-right override", 0x2066: "left-to-right isolate", 0x2067: "right-to-left isolate",
}
# LaTeX commands that a double-quoted YAML string silently breaks: "\theta" is a tab and
# "heta", "\nabla" a line break and "abla" (the other escapes give control characters).
_LATEX_T_N = frozenset("""
    tau theta times tanh tan text textbf textit textrm textstyle texttt tfrac tilde to top
    triangle triangleq tt nabla nu ne neq neg not notin nmid newline nolimits nleq ngeq nparallel
""".split())
_ESCAPE_RE = re.compile(r"\\(.)([A-Za-z]*)", re.S)
_ESCAPE_NAMES = {"f": "a form feed", "b": "a backspace", "a": "a bell", "e": "an escape (ESC)",
                 "v": "a vertical tab", "r": "a carriage return", "0": "a NUL", "N": "a next-line character",
                 "L": "a line separator", "P": "a paragraph separator", "t": "a tab", "n": "a line break"}
_ESCAPE_CHARS = {"f": "\x0c", "b": "\x08", "a": "\x07", "e": "\x1b", "v": "\x0b", "r": "\r", "0": "\x00",
                 "N": "\x85", "L": "\u2028", "P": "\u2029"}

_DANGER_TAGS = (
    "script|style|iframe|frame|frameset|object|embed|applet|img|image|svg|math|link|meta|base|"
    "basefont|form|input|button|textarea|select|option|video|audio|source|track|picture|canvas|"
    "template|noscript|noembed|noframes|xmp|plaintext|listing|marquee|html|head|body|title|a|area|"
    "map|details|dialog|portal|param|isindex|keygen|slot|xml"
)
_FORMAT_TAGS = (
    "b|i|u|em|strong|p|div|span|br|hr|h[1-6]|table|thead|tbody|tfoot|tr|td|th|ul|ol|li|dl|dt|dd|"
    "pre|font|center|blink|sup|sub|tt|blockquote|nobr|strike|del|ins|abbr|cite|kbd|samp|fieldset|"
    "legend|section|article|nav|header|footer|aside|figure|figcaption|caption|col|colgroup"
)
_MARKUP_PATTERN = (
    r"<(?:!--|!\[CDATA\[|![A-Za-z]|\?[A-Za-z])"                                   # comments, doctype, <?xml
    rf"|</?(?:{_DANGER_TAGS}|{_FORMAT_TAGS})(?:\s+[^<>]*)?/?>"                    # a tag: <b>, </a>, <img src=x>
    r"|<(?:script|style|iframe|img|svg|object|embed|math|link|meta|base)(?=[\s/]|$)"  # an unclosed dangerous tag
    r"|<[A-Za-z][\w:-]*[\s/]+[^<>]*?\bon[a-z]+\s*="                                # an event attribute
    r"|<[A-Za-z][\w:-]*[\s/]+[^<>]*=[^<>]*>"                                       # any tag with attributes
    r"|(?:java|vb)script\s*:|data\s*:\s*text/html"
)
_TAG_NAMES = frozenset(x for x in (_DANGER_TAGS + "|" + _FORMAT_TAGS.replace("h[1-6]", "h1|h2|h3|h4|h5|h6")).split("|"))
# what follows a '<' in text that may be markup: a known tag name, '!' or '?', or a name
# followed by attributes; anything else (<eos>, x<0, w_{<t}) needs no closer look
_TAG_WORD = re.compile(r"<(?:[!?]|/?([A-Za-z][\w:-]*)([\s/][^<>]*)?)")
_MARKUP_RE: list = []


def _markup(value: str) -> Any:
    """The first piece of markup in the text, or None. The full pattern is compiled only
    when a text looks like it may hold some (the built-in bank never does)."""
    for m in _TAG_WORD.finditer(value):
        name, rest = m.group(1), m.group(2)
        if name is None or name.lower() in _TAG_NAMES or (rest and "=" in rest):
            break
    else:
        if not _SCHEME.search(value):
            return None
    if not _MARKUP_RE:
        _MARKUP_RE.append(re.compile(_MARKUP_PATTERN, re.I))
    return _MARKUP_RE[0].search(value)


def _char_name(c: str) -> str:
    n = ord(c)
    name = _CONTROL_NAMES.get(n)
    return f"U+{n:04X}" + (f" ({name})" if name else "")


def _text_issues(value: str, node: Any, source: str) -> list[tuple[int, str]]:
    """Problems (line, message) of one YAML string: escape traps of double quotes,
    control characters, markup. Called only when a quick search found something."""
    line = node.start_mark.line + 1
    block = getattr(node, "style", None) in ("|", ">")

    def line_at(pos: int) -> int:
        return line + 1 + value.count("\n", 0, pos) if block else line

    out: list[tuple[int, str]] = []
    explained: set[str] = set()
    if getattr(node, "style", None) == '"':
        raw = source[node.start_mark.index:node.end_mark.index]
        if raw.startswith('"'):
            for m in _ESCAPE_RE.finditer(raw):
                esc, word = m.group(1), m.group(2)
                if esc in "tn" and esc + word not in _LATEX_T_N:
                    continue
                if esc not in _ESCAPE_NAMES or (esc not in "tn" and not word):
                    continue
                what = _ESCAPE_NAMES[esc]
                out.append((line + raw.count("\n", 0, m.start()),
                            f"'\\{esc}{word}' in a double-quoted string: YAML reads '\\{esc}' as {what}, "
                            f"so the text shows '{word}'; write the string in single quotes ('…') or as a block (|), "
                            f"or double the backslash"))
                explained.add(_ESCAPE_CHARS.get(esc, ""))
    bad = sorted({c for c in _CONTROL_RE.findall(value)} - explained)
    if bad:
        pos = min(value.index(c) for c in bad)
        out.append((line_at(pos), f"control character {', '.join(_char_name(c) for c in bad)} in the text: "
                                  "control characters and terminal escapes are not allowed (only line breaks and tabs)"))
    m = _markup(value)
    if m:
        snippet = m.group()[:40].replace("\n", " ")
        out.append((line_at(m.start()), f"markup is not allowed in bank text: '{snippet}' (write plain text; "
                                          "a comparison such as a < b is fine)"))
    return out


# --------------------------------------------------------------------------- YAML


class _LineDict(dict):
    """A mapping that remembers its own line and the line of each key."""

    line: int = 0
    key_lines: dict


class _AliasUsed(Exception):
    """A YAML alias (or merge key) was met: refused, since an alias can expand without bound."""

    def __init__(self, line: int, merge: bool = False):
        self.line = line
        self.merge = merge


_LOADER: Any = None


def _yaml_loader():
    """PyYAML and our loader class: PyYAML's safe loader (the C one where present) that
    records lines, refuses aliases and unhashable or duplicate keys, and checks every string."""
    global _LOADER
    import yaml

    if _LOADER is not None:
        return yaml, _LOADER
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    scalar_node = yaml.ScalarNode
    merge_tag = "tag:yaml.org,2002:merge"

    class LineLoader(base):  # type: ignore[misc, valid-type]
        def __init__(self, stream: str):
            super().__init__(stream)
            self.source = stream
            self.notes: list[tuple[int, str]] = []

    # A node met a second time is an alias (or a recursion): refused before anything
    # expands, so a 700-byte "billion laughs" costs nothing. Mappings and sequences are
    # the only containers a bank uses; the other collection tags are refused.
    def construct_map(loader, node):
        data = _LineDict()
        data.line = node.start_mark.line + 1
        key_lines = data.key_lines = {}
        yield data
        done, busy, construct = loader.constructed_objects, loader.recursive_objects, loader.construct_object
        for key_node, value_node in node.value:
            kline = key_node.start_mark.line + 1
            if key_node.tag == merge_tag:
                raise _AliasUsed(kline, merge=True)
            if key_node in done or value_node in done or value_node in busy:
                raise _AliasUsed(kline)
            key = construct(key_node)
            if isinstance(key, (dict, list, set)):
                loader.notes.append((kline, "a mapping or list is used as a key here (a text that starts with "
                                            "'{' or '[' must be put in quotes)"))
                continue
            if key in key_lines:
                loader.notes.append((kline, f"duplicate key '{key}' (first at line {key_lines[key]}): "
                                            "YAML would silently keep only the last one"))
            key_lines[key] = kline
            data[key] = construct(value_node)

    def construct_seq(loader, node):
        data: list = []
        yield data
        done, busy, construct = loader.constructed_objects, loader.recursive_objects, loader.construct_object
        for child in node.value:
            if child in done or child in busy:
                raise _AliasUsed(child.start_mark.line + 1)
            data.append(construct(child))

    def construct_str(loader, node):
        value = node.value if node.__class__ is scalar_node else loader.construct_scalar(node)
        if (_CONTROL_RE.search(value) or ("<" in value and _TAG_START.search(value))
                or (":" in value and _SCHEME.search(value))
                or (node.style == '"' and ("\t" in value or "\n" in value))):
            loader.notes.extend(_text_issues(value, node, loader.source))
        return value

    def refuse(loader, node):
        raise yaml.constructor.ConstructorError(None, None, f"the YAML tag {node.tag} is not used in a bank file", node.start_mark)

    for tag in ("set", "omap", "pairs"):
        LineLoader.add_constructor(f"tag:yaml.org,2002:{tag}", refuse)

    # PyYAML's scalar constructors raise plain errors on a 5,000-digit number, a date
    # 2020-13-45 or `!!float x`: each becomes a message at its line, and the text is kept
    def guarded(kind: str, construct):
        def construct_scalar(loader, node):
            try:
                return construct(loader, node)
            except (ValueError, TypeError, AttributeError, ArithmeticError) as e:
                shown = _short(str(node.value), 60)
                loader.notes.append((node.start_mark.line + 1, f"'{shown}' is not a valid {kind} ({str(e).split(';')[0]})"))
                return node.value
        return construct_scalar

    for tag, kind in (("int", "integer"), ("float", "number"), ("timestamp", "date"), ("binary", "binary value"),
                      ("bool", "true/false value"), ("null", "null value")):
        full = f"tag:yaml.org,2002:{tag}"
        if full in base.yaml_constructors:
            LineLoader.add_constructor(full, guarded(kind, base.yaml_constructors[full]))
    LineLoader.add_constructor("tag:yaml.org,2002:seq", construct_seq)
    LineLoader.add_constructor("tag:yaml.org,2002:map", construct_map)
    LineLoader.add_constructor("tag:yaml.org,2002:str", construct_str)
    _LOADER = LineLoader
    return yaml, LineLoader


def _first_alias(text: str) -> tuple[int, str] | None:
    """Line and name of the first alias in the text (read as events: nothing expands)."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for ev in yaml.parse(text, Loader=base):
            if isinstance(ev, yaml.AliasEvent):
                return ev.start_mark.line + 1, ev.anchor
    except yaml.YAMLError:
        pass
    return None


def _yaml_error_problem(yaml: Any, e: Exception, text: str, display: str) -> Problem:
    if isinstance(e, yaml.reader.ReaderError):
        c = e.character
        ch = chr(c) if isinstance(c, int) else str(c)
        # the reader stops at the first character it refuses, so its first occurrence is
        # the place (the C reader counts position in bytes, the Python one in characters)
        pos = text.find(ch) if ch else -1
        line = text.count("\n", 0, pos) + 1 if pos >= 0 else 1
        if _CONTROL_RE.match(ch) or ch == "\ufffe":
            return Problem(display, line, f"control character {_char_name(ch)} in the file: control characters "
                                          "and terminal escapes are not allowed in bank text")
        return Problem(display, line, f"character {_char_name(ch)} is not allowed in a YAML file")
    if isinstance(e, yaml.MarkedYAMLError):
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(x for x in (e.context, e.problem) if x)
        if "unknown escape character" in what:
            what += (" — in a double-quoted string a backslash starts a YAML escape: write LaTeX in single "
                     "quotes ('\\sigma') or as a block (|), or double the backslash")
        return Problem(display, line, f"YAML syntax error: {what}")
    return Problem(display, 1, f"YAML error: {e}")


MAX_NESTING = 50  # collections inside collections; a bank needs fewer than 10
# PyYAML's C composer recurses, and ~20,000 nested levels ([[[[…, - - - -…) crash the whole
# process. A file with few collection indicators cannot nest that deep; only a file with
# many is read as events first (the event parser keeps its own stack) and its depth bounded.
# The largest built-in file has ~1,200 indicators, so the built-in bank costs five counts.
_NESTING_SCAN_FROM = 3000


def _may_nest_deeply(text: str) -> bool:
    return (text.count("[") + text.count("{") + text.count("- ") + text.count("? ") + text.count("\t")
            > _NESTING_SCAN_FROM)


def _too_deep(text: str) -> int | None:
    """The line where collections nest more than MAX_NESTING deep, or None (read as
    events: the event parser keeps its own stack and does not recurse)."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    depth = 0
    try:
        for ev in yaml.parse(text, Loader=base):
            if isinstance(ev, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    return ev.start_mark.line + 1
            elif isinstance(ev, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass  # reported by the real parse
    return None


def _parse_yaml(text: str, display: str, problems: list[Problem]) -> Any:
    """The parsed YAML of one file, or None; every problem found goes to `problems`."""
    yaml, loader_class = _yaml_loader()
    if _may_nest_deeply(text):
        line = _too_deep(text)
        if line:
            problems.append(Problem(display, line, f"lists or mappings nested more than {MAX_NESTING} deep: "
                                                   "a bank entry needs only a few levels"))
            return None
    loader = loader_class(text)
    try:
        return loader.get_single_data()
    except _AliasUsed as e:
        if e.merge:
            problems.append(Problem(display, e.line, "merge keys (<<) are not allowed in a bank file: write each entry out in full"))
        else:
            where = _first_alias(text)
            line, name = where if where else (e.line, "…")
            problems.append(Problem(display, line, f"YAML alias '*{name}': anchors and aliases (&name, *name) "
                                                   "are not allowed in a bank file; write each text out in full"))
    except yaml.YAMLError as e:
        problems.append(_yaml_error_problem(yaml, e, text, display))
    except RecursionError:
        problems.append(Problem(display, 1, "the YAML is nested too deeply"))
    finally:
        problems.extend(Problem(display, line, msg) for line, msg in loader.notes)
        loader.dispose()
    return None


def _read_yaml(path: Path, display: str, problems: list[Problem]) -> Any:
    text = _read_bank_file(path, display, problems)
    return None if text is None else _parse_yaml(text, display, problems)


# --------------------------------------------------------------------------- validation


class _Checker:
    """Walks the parsed YAML, collecting problems and building model objects."""

    def __init__(self, display: str, problems: list[Problem], refs: list | None = None):
        self.file = display
        self.problems = problems
        # (file, line, what refers, concept id referred to), checked once all files are read
        self.refs: list[tuple[str, int, str, str]] = refs if refs is not None else []

    def ref(self, d: dict, key: str, owner: str, ids: Iterable[str]) -> None:
        for cid in ids:
            self.refs.append((self.file, self.line_of(d, key), owner, cid))

    def err(self, line: int, msg: str) -> None:
        self.problems.append(Problem(self.file, line, msg))

    @staticmethod
    def line_of(d: Any, key: str | None = None) -> int:
        if isinstance(d, _LineDict):
            if key is not None and key in d.key_lines:
                return d.key_lines[key]
            return d.line
        return 1

    def mapping(self, d: Any, where: str, line: int) -> bool:
        if not isinstance(d, dict):
            self.err(line, f"{where} must be a mapping (key: value), got {type(d).__name__}")
            return False
        return True

    def unknown_keys(self, d: dict, allowed: Iterable[str], where: str) -> None:
        allowed = set(allowed)
        for k in d:
            if k not in allowed:
                self.err(
                    self.line_of(d, k),
                    f"unknown field '{k}' in {where}{_near(str(k), allowed)} (allowed: {', '.join(sorted(allowed))})",
                )

    def bilingual(self, d: dict, key: str, where: str, required: bool = True) -> Bilingual | None:
        line = self.line_of(d, key)
        if key not in d or d[key] is None:
            if required:
                self.err(self.line_of(d), f"{where} is missing required field '{key}'")
            return None
        v = d[key]
        return self.bilingual_value(v, f"{where}.{key}", line)

    def bilingual_value(self, v: Any, where: str, line: int) -> Bilingual | None:
        if isinstance(v, str):
            self.err(line, f"{where} must give both languages (en: … and zh: …), got one plain text")
            return None
        if not isinstance(v, dict):
            self.err(line, f"{where} must be a mapping with en: and zh:")
            return None
        ok = True
        for lang in LANGS:
            text = v.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.err(self.line_of(v, lang) if lang in v else line, f"{where} is missing the '{lang}' text")
                ok = False
        extra = [k for k in v if k not in LANGS]
        if extra:
            hint = (" — a comma inside {…} splits the text: put the text in quotes"
                    if any(v[k] is None for k in extra) else " (use en and zh)")
            self.err(line, f"{where} has unknown key(s) {', '.join(repr(str(k)) for k in extra)}{hint}")
        if not ok:
            return None
        return Bilingual(en=v["en"].strip(), zh=v["zh"].strip())

    def bilingual_list(self, d: dict, key: str, where: str, required: bool = False, min_len: int = 0) -> tuple[Bilingual, ...]:
        if key not in d or d[key] is None:
            if required:
                self.err(self.line_of(d), f"{where} is missing required field '{key}'")
            return ()
        v = d[key]
        if not isinstance(v, list):
            self.err(self.line_of(d, key), f"{where}.{key} must be a list")
            return ()
        if len(v) < min_len:
            self.err(self.line_of(d, key), f"{where}.{key} needs at least {min_len} item(s)")
        out = []
        for i, item in enumerate(v):
            b = self.bilingual_value(item, f"{where}.{key}[{i + 1}]", self.line_of(item) if isinstance(item, dict) else self.line_of(d, key))
            if b:
                out.append(b)
        return tuple(out)

    def str_list(self, d: dict, key: str, where: str) -> tuple[str, ...]:
        v = d.get(key)
        if v is None:
            return ()
        if not isinstance(v, list) or not all(isinstance(x, (str, int, float)) and not isinstance(x, bool) for x in v):
            self.err(self.line_of(d, key), f"{where}.{key} must be a list of plain strings")
            return ()
        return tuple(str(x).strip() for x in v if str(x).strip())


CONCEPT_FIELDS = (
    "id", "title", "aliases", "keywords", "summary", "body", "formulas", "key_points",
    "pitfalls", "related", "example", "plot",
)


def _parse_topics(data: Any, ck: _Checker) -> list[Topic]:
    if data is None:
        return []
    if not ck.mapping(data, "topics.yaml", 1) or "topics" not in data:
        ck.err(ck.line_of(data), "topics.yaml needs a top-level 'topics:' list")
        return []
    items = data["topics"]
    if not isinstance(items, list):
        ck.err(ck.line_of(data, "topics"), "'topics' must be a list")
        return []
    out = []
    for t in items:
        line = ck.line_of(t)
        if not ck.mapping(t, "a topic", line):
            continue
        ck.unknown_keys(t, ("id", "title", "aliases", "summary"), f"topic {t.get('id', '?')}")
        tid = t.get("id")
        if not isinstance(tid, str) or not CONCEPT_ID.match(tid):
            ck.err(line, f"topic id {tid!r} must be lower-case letters, digits and _")
            continue
        title = ck.bilingual(t, "title", f"topic {tid}")
        summary = ck.bilingual(t, "summary", f"topic {tid}", required=False)
        if title:
            out.append(Topic(id=tid, title=title, aliases=ck.str_list(t, "aliases", f"topic {tid}"), summary=summary))
    return out


def _parse_concept(c: dict, topic: str, ck: _Checker) -> Concept | None:
    cid = c.get("id")
    line = ck.line_of(c)
    if not isinstance(cid, str) or not CONCEPT_ID.match(cid):
        ck.err(line, f"concept id {cid!r} must be lower-case letters, digits and _")
        return None
    where = f"concept {cid}"
    ck.unknown_keys(c, CONCEPT_FIELDS, where)
    title = ck.bilingual(c, "title", where)
    summary = ck.bilingual(c, "summary", where)
    body = ck.bilingual(c, "body", where)
    key_points = ck.bilingual_list(c, "key_points", where, required=True, min_len=1)
    pitfalls = ck.bilingual_list(c, "pitfalls", where)
    formulas = []
    fv = c.get("formulas") or []
    if not isinstance(fv, list):
        ck.err(ck.line_of(c, "formulas"), f"{where}.formulas must be a list")
        fv = []
    for i, f in enumerate(fv):
        if isinstance(f, str):
            formulas.append(Formula(latex=f.strip()))
        elif isinstance(f, dict) and isinstance(f.get("latex"), str):
            ck.unknown_keys(f, ("latex", "label"), f"{where}.formulas[{i + 1}]")
            label = ck.bilingual(f, "label", f"{where}.formulas[{i + 1}]", required=False)
            formulas.append(Formula(latex=f["latex"].strip(), label=label))
        else:
            ck.err(ck.line_of(f) if isinstance(f, dict) else ck.line_of(c, "formulas"),
                   f"{where}.formulas[{i + 1}] must be a LaTeX string or a mapping with latex: (and label:)")
    ck.ref(c, "related", f"concept {cid}: related id", ck.str_list(c, "related", where))
    for key in ("example", "plot"):
        if key in c and c[key] is not None and not isinstance(c[key], str):
            ck.err(ck.line_of(c, key), f"{where}.{key} must be a plain string")
    if not (title and summary and body and key_points):
        return None
    return Concept(
        id=cid,
        topic=topic,
        title=title,
        summary=summary,
        body=body,
        key_points=key_points,
        aliases=ck.str_list(c, "aliases", where),
        keywords=ck.str_list(c, "keywords", where),
        formulas=tuple(formulas),
        pitfalls=pitfalls,
        related=ck.str_list(c, "related", where),
        example=c.get("example"),
        plot=c.get("plot"),
        source=Source(ck.file, line),
    )


COMMON_QUESTION_FIELDS = ("id", "type", "concepts", "prompt", "explanation", "answer", "difficulty")


def _parse_question(q: dict, topic: str, ck: _Checker) -> Question | None:
    """The fields every question has; the kind (quizcli/kinds/) parses the ones it owns."""
    from .. import kinds

    qid = q.get("id")
    line = ck.line_of(q)
    if not isinstance(qid, str) or not QUESTION_ID.match(qid):
        ck.err(line, f"question id {qid!r} must be lower-case letters, digits, '_', '.' or '-'")
        return None
    where = f"question {qid}"
    qtype = q.get("type")
    kind = kinds.get(qtype) if isinstance(qtype, str) else None
    if kind is None or not kind.in_bank:
        ck.unknown_keys(q, COMMON_QUESTION_FIELDS + tuple(f for k in kinds.all_kinds().values() for f in k.fields), where)
        ck.err(ck.line_of(q, "type"), f"{where}: type must be one of {', '.join(kinds.bank_ids())}, got {qtype!r}"
                                      f"{_near(str(qtype), kinds.bank_ids())}")
        return None
    ck.unknown_keys(q, COMMON_QUESTION_FIELDS + kind.fields, where)
    concepts = ck.str_list(q, "concepts", where)
    ck.ref(q, "concepts", f"question {qid}: concept", concepts)
    if not concepts:
        ck.err(ck.line_of(q, "concepts"), f"{where} must list at least one concept id under concepts:")
    prompt = ck.bilingual(q, "prompt", where)
    explanation = ck.bilingual(q, "explanation", where)
    difficulty = q.get("difficulty", "medium")
    if difficulty not in DIFFICULTIES:
        ck.err(ck.line_of(q, "difficulty"), f"{where}: difficulty must be easy, medium or hard")
        difficulty = "medium"
    if "answer" not in q:
        ck.err(line, f"{where} is missing required field 'answer'")
        return None
    owned = kind.parse(q, q["answer"], ck, where, line)
    if owned is None or not prompt or not explanation:
        return None
    return Question(
        id=qid, topic=topic, type=kind.id, concepts=concepts, prompt=prompt,
        explanation=explanation, difficulty=difficulty, source=Source(ck.file, line), **owned,
    )


def _short(text: str, limit: int = 160) -> str:
    """A path or text cut to a readable length (a 5,000-character path stays one line)."""
    return text if len(text) <= limit else f"{text[:90]}…{text[-60:]}"


def _display(path: Path) -> str:
    try:
        shown = os.path.relpath(path)
    except ValueError:
        shown = str(path)
    if shown.startswith(".." + os.sep) or shown == "..":  # outside the current folder: the full path reads better
        shown = os.path.abspath(path)
    return _short(shown)


@dataclass
class _Run:
    """What one validation run collects across folders."""

    problems: list
    pending: list = field(default_factory=list)   # (topic id, line, checker) per topic file
    refs: list = field(default_factory=list)      # (file, line, owner, concept id)
    # ids that were written but refused (or sit in a file that did not parse): a reference
    # to one is not reported again as "does not exist", it follows from the first error
    rejected_concepts: set = field(default_factory=set)
    rejected_topics: set = field(default_factory=set)
    topics_broken: bool = False
    order: dict = field(default_factory=dict)     # file -> rank, for reporting in reading order
    bytes_read: int = 0


_ID_LINE = re.compile(r"""^[ \t-]*id:[ \t]*['"]?([^\s'"#,}]+)""", re.M)


def _ids_in(text: str) -> set[str]:
    """The ids written in a file that could not be parsed (a plain text search)."""
    return set(_ID_LINE.findall(text))


def _read_topic_file(path: Path, display: str, run: _Run) -> tuple[str | None, Any]:
    """(text, data) of one file of the folder, counting it against the folder's size limit."""
    run.order.setdefault(display, len(run.order))
    text = _read_bank_file(path, display, run.problems)
    if text is None:
        return None, None
    run.bytes_read += len(text.encode("utf-8"))
    if run.bytes_read > MAX_FOLDER_BYTES:
        run.problems.append(Problem(display, 0, f"skipped: the bank folder holds more than {_size(MAX_FOLDER_BYTES)} of YAML"))
        return None, None
    return text, _parse_yaml(text, display, run.problems)


def _parse_dir(d: Path, bank: Bank, run: _Run) -> None:
    """Parse one bank folder into `bank` (later folders override earlier ones by id)."""
    problems = run.problems
    seen_concepts: dict[str, Source] = {}
    seen_questions: dict[str, Source] = {}
    run.bytes_read = 0
    topic_files, files = _bank_listing(d, problems)
    for tp in topic_files:
        ck = _Checker(_display(tp), problems)
        text, data = _read_topic_file(tp, ck.file, run)
        if data is None:
            run.topics_broken = True
            run.rejected_topics |= _ids_in(text or "")
            continue
        for t in _parse_topics(data, ck):
            bank.topics[t.id] = t
        if isinstance(data, dict) and isinstance(data.get("topics"), list):
            run.rejected_topics |= {t.get("id") for t in data["topics"] if isinstance(t, dict) and isinstance(t.get("id"), str)} - set(bank.topics)
    for path in files:
        ck = _Checker(_display(path), problems, run.refs)
        text, data = _read_topic_file(path, ck.file, run)
        if data is None:
            run.rejected_concepts |= _ids_in(text or "")
            continue
        if not ck.mapping(data, "a bank file", 1):
            continue
        ck.unknown_keys(data, ("topic", "concepts", "questions"), "a bank file")
        topic = data.get("topic")
        if not isinstance(topic, str):
            ck.err(ck.line_of(data), "a bank file needs 'topic: <topic id>' at the top")
            run.rejected_concepts |= _ids_in(text)
            continue
        run.pending.append((topic, ck.line_of(data, "topic"), ck))
        for key, parse, seen, store in (
            ("concepts", _parse_concept, seen_concepts, bank.concepts),
            ("questions", _parse_question, seen_questions, bank.questions),
        ):
            items = data.get(key) or []
            if not isinstance(items, list):
                ck.err(ck.line_of(data, key), f"'{key}' must be a list")
                if key == "concepts":
                    run.rejected_concepts |= _ids_in(text)
                continue
            for item in items:
                if not ck.mapping(item, f"an entry of {key}", ck.line_of(data, key)):
                    continue
                try:
                    obj = parse(item, topic, ck)
                except RecursionError:
                    ck.err(ck.line_of(item), f"an entry of {key} is nested too deeply")
                    obj = None
                if obj is None:
                    if key == "concepts" and isinstance(item.get("id"), str):
                        run.rejected_concepts.add(item["id"])
                    continue
                if obj.id in seen:
                    ck.err(obj.source.line, f"duplicate id '{obj.id}' (first defined at {seen[obj.id]})")
                    continue
                seen[obj.id] = obj.source
                store[obj.id] = obj


def _cross_check(bank: Bank, run: _Run) -> None:
    problems = run.problems
    for topic, line, ck in run.pending:
        if topic not in bank.topics and topic not in run.rejected_topics and not run.topics_broken:
            ck.err(line, f"unknown topic '{topic}'{_near(topic, bank.topics)} (topics.yaml has: {', '.join(bank.topics)})")
    for file, line, owner, cid in run.refs:
        if cid not in bank.concepts and cid not in run.rejected_concepts:
            problems.append(Problem(file, line, f"{owner} '{cid}' does not exist{_near(cid, bank.concepts)}"))
    for c in bank.concepts.values():
        if c.plot is not None:
            problems.extend(_check_plot(c))


def _in_order(problems: list[Problem], order: dict) -> list[Problem]:
    """Problems by file (in reading order) and line, each once."""
    seen: set = set()
    unique = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            unique.append(p)
    first = {}
    for i, p in enumerate(unique):
        first.setdefault(p.file, i)
    return sorted(unique, key=lambda p: (order.get(p.file, len(order) + first[p.file]), p.line))


def _check_plot(c: Concept) -> list[Problem]:
    from ..core.plots import PLOTTABLE

    if c.plot not in PLOTTABLE:
        return [Problem(c.source.file, c.source.line, f"concept {c.id}: plot '{c.plot}' is not one of {', '.join(PLOTTABLE)}")]
    return []


def _near(word: str, pool: Iterable[str]) -> str:
    import difflib

    m = difflib.get_close_matches(word, list(pool), n=1)
    return f" (did you mean '{m[0]}'?)" if m else ""


def _check_math(bank: Bank, problems: list[Problem]) -> None:
    """Pre-render every LaTeX fragment; report the ones that do not convert cleanly."""
    from ..core.mathtext import collect_math, latex_to_unicode, leftover_command

    for owner, latex in collect_math(bank):
        if latex in bank.math:
            continue
        try:
            text = latex_to_unicode(latex)
        except Exception as e:  # the converter raises its own syntax errors
            problems.append(Problem(owner.source.file, owner.source.line, f"{owner.id}: formula ${latex}$ does not convert ({type(e).__name__}: {e})"))
            bank.math[latex] = latex
            continue
        bad = leftover_command(text)
        if bad:
            problems.append(Problem(owner.source.file, owner.source.line, f"{owner.id}: formula ${latex}$ renders with a raw LaTeX command {bad}"))
        bank.math[latex] = text


def _check_symbolic(bank: Bank, problems: list[Problem], full: bool = True) -> None:
    """The kinds' deep checks: a symbolic answer and its substitutions parse over the declared
    names as the grader will parse them. `full` builds the sympy expressions (bank check);
    otherwise the same grammar and bounds are checked without sympy (every load, then cached)."""
    from .. import kinds

    for q in bank.questions.values():
        kind = kinds.get(q.type)
        for msg in kind.deep_check(q, full=full) if kind else ():
            problems.append(Problem(q.source.file, q.source.line, f"question {q.id}: {msg}"))




def validate_dirs(dirs: list[Path], deep: bool = True) -> tuple[Bank, list[Problem]]:
    """Parse and check the bank folders in order; returns the bank and every problem, by
    file and line.

    Every load checks the YAML safety limits, the text (control characters, markup), the
    references, the formulas and the symbolic answers' grammar; `deep` also builds every
    symbolic answer with sympy (slower: it imports sympy)."""
    problems: list[Problem] = []
    bank = Bank()
    run = _Run(problems)
    for d in dirs:
        d = Path(d)
        bad = _folder_problem(d)
        if bad:
            run.order.setdefault(bad.file, len(run.order))
            problems.append(bad)
            continue
        _parse_dir(d, bank, run)
    _cross_check(bank, run)
    _check_math(bank, problems)
    _check_symbolic(bank, problems, full=deep)
    return bank, _in_order(problems, run.order)
