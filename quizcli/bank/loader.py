"""Parse and validate the YAML question bank.

`validate_dirs` parses every file fresh and returns every problem found, each with its
file and line (what `quizcli bank check` prints). Ordinary commands go through
`store.load_bank`, which serves a cached copy and calls this module only on a miss.

YAML is only ever read with PyYAML's *safe* loader (the C one where present).
"""
from __future__ import annotations

import os
import re
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


# --------------------------------------------------------------------------- YAML


class _LineDict(dict):
    """A mapping that remembers its own line and the line of each key."""

    line: int = 0
    key_lines: dict


def _yaml_loader():
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class LineLoader(base):  # type: ignore[misc, valid-type]
        pass

    def construct_map(loader, node):
        data = _LineDict()
        data.line = node.start_mark.line + 1
        data.key_lines = {}
        yield data
        loader.flatten_mapping(node)
        for key_node, _ in node.value:
            data.key_lines[loader.construct_object(key_node)] = key_node.start_mark.line + 1
        data.update(loader.construct_mapping(node))

    LineLoader.add_constructor("tag:yaml.org,2002:map", construct_map)
    return yaml, LineLoader


def _read_yaml(path: Path, display: str, problems: list[Problem]) -> Any:
    yaml, loader = _yaml_loader()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        problems.append(Problem(display, 1, f"not UTF-8 text ({e.reason} at byte {e.start})"))
        return None
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(x for x in (e.context, e.problem) if x)
        problems.append(Problem(display, line, f"YAML syntax error: {what}"))
    except yaml.YAMLError as e:
        problems.append(Problem(display, 1, f"YAML error: {e}"))
    return None


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
                    f"unknown field '{k}' in {where} (allowed: {', '.join(sorted(allowed))})",
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
        ck.err(ck.line_of(q, "type"), f"{where}: type must be one of {', '.join(kinds.bank_ids())}, got {qtype!r}")
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


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _bank_files(d: Path) -> list[Path]:
    return sorted(p for p in d.iterdir() if p.suffix in (".yaml", ".yml") and p.name not in ("topics.yaml", "topics.yml"))


def _parse_dir(d: Path, bank: Bank, problems: list[Problem], pending: list[tuple[Any, str, _Checker]], refs: list) -> None:
    """Parse one bank folder into `bank` (later folders override earlier ones by id)."""
    seen_concepts: dict[str, Source] = {}
    seen_questions: dict[str, Source] = {}
    for name in ("topics.yaml", "topics.yml"):
        tp = d / name
        if tp.exists():
            ck = _Checker(_display(tp), problems)
            for t in _parse_topics(_read_yaml(tp, ck.file, problems), ck):
                bank.topics[t.id] = t
    for path in _bank_files(d):
        ck = _Checker(_display(path), problems, refs)
        data = _read_yaml(path, ck.file, problems)
        if data is None:
            continue
        if not ck.mapping(data, "a bank file", 1):
            continue
        ck.unknown_keys(data, ("topic", "concepts", "questions"), "a bank file")
        topic = data.get("topic")
        if not isinstance(topic, str):
            ck.err(ck.line_of(data), "a bank file needs 'topic: <topic id>' at the top")
            continue
        pending.append((topic, ck.file, ck))
        for key, parse, seen, store in (
            ("concepts", _parse_concept, seen_concepts, bank.concepts),
            ("questions", _parse_question, seen_questions, bank.questions),
        ):
            items = data.get(key) or []
            if not isinstance(items, list):
                ck.err(ck.line_of(data, key), f"'{key}' must be a list")
                continue
            for item in items:
                if not ck.mapping(item, f"an entry of {key}", ck.line_of(data, key)):
                    continue
                obj = parse(item, topic, ck)
                if obj is None:
                    continue
                if obj.id in seen:
                    ck.err(obj.source.line, f"duplicate id '{obj.id}' (first defined at {seen[obj.id]})")
                    continue
                seen[obj.id] = obj.source
                store[obj.id] = obj


def _cross_check(bank: Bank, problems: list[Problem], pending: list[tuple[str, str, _Checker]], refs: list) -> None:
    for topic, file, ck in pending:
        if topic not in bank.topics:
            ck.err(1, f"unknown topic '{topic}' (topics.yaml has: {', '.join(bank.topics)})")
    for file, line, owner, cid in refs:
        if cid not in bank.concepts:
            problems.append(Problem(file, line, f"{owner} '{cid}' does not exist{_near(cid, bank.concepts)}"))
    for c in bank.concepts.values():
        if c.plot is not None:
            problems.extend(_check_plot(c))


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


def _check_symbolic(bank: Bank, problems: list[Problem]) -> None:
    """The kinds' deep checks (a symbolic answer parses in the safe grammar, …)."""
    from .. import kinds

    for q in bank.questions.values():
        kind = kinds.get(q.type)
        for msg in kind.deep_check(q) if kind else ():
            problems.append(Problem(q.source.file, q.source.line, f"question {q.id}: {msg}"))


def validate_dirs(dirs: list[Path], deep: bool = True) -> tuple[Bank, list[Problem]]:
    """Parse and check the bank folders in order; returns the bank and every problem.

    `deep` also converts every formula and parses every symbolic answer (slower: it
    imports the LaTeX converter and sympy)."""
    problems: list[Problem] = []
    bank = Bank()
    pending: list = []
    refs: list = []
    for d in dirs:
        d = Path(d)
        if not d.is_dir():
            problems.append(Problem(_display(d), 0, "not a folder"))
            continue
        _parse_dir(d, bank, problems, pending, refs)
    _cross_check(bank, problems, pending, refs)
    _check_math(bank, problems)
    if deep:
        _check_symbolic(bank, problems)
    return bank, problems


