"""Sheet assembly as a library call: which items, in which order, with which points and
codes, for one sheet or a set of parallel forms.

- Balance: items are spread evenly over the chosen topics (±1) and over the question kinds
  (kinds a student sees as one — a bank calculation and a generated one — count as one), or
  by quotas (`per_topic`, `kind_quotas`). No two items of the same family, or on the same
  concept and kind, and no item that gives another away (two objective items on a shared
  concept, or items on a shared concept whose wordings overlap), unless `n` exceeds what the
  topics hold: then the rules are relaxed one by one, never to a repeated bank question.
- Parallel forms: form A is the selection; every other form keeps A's structure slot by slot
  (section, kind, points, concept): a generated item becomes the same family with another
  seed, a bank item another question of the same kind on the same concept where one exists,
  else the same question with its options shuffled.
- Codes: every item carries `A-07·k3f2` (form, number, token): the token names the question
  or family (a 4-character hash) and, after a dot, its variant (the seed and difficulty of a
  generated item, the option order of a shuffled one), so `decode` rebuilds the item, answer
  and worked solution from the code alone.
"""
from __future__ import annotations

import hashlib
import math
import random
import re
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from .. import kinds
from ..core.models import Bank, Question
from ..core.session import Item
from ..core.sheet import Sheet
from .exam import SECTIONS, section_of
from .items import _families_for

DIFFICULTIES = ("easy", "medium", "hard")
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_SECTION_ORDER = {s.id: j for j, s in enumerate(SECTIONS)}


class SheetError(ValueError):
    """A request that cannot make a sheet; carries both languages."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en, self.zh = en, zh

    def t(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


# ----------------------------------------------------------------------------- candidates


@dataclass(frozen=True)
class _Cand:
    """A bank question or a whole family, before a seed is drawn."""

    key: str  # question id, or the family id
    topic: str
    kind: str
    concepts: tuple[str, ...]
    question: Question | None = None
    family: str | None = None
    words: frozenset[str] = frozenset()

    @property
    def cls(self) -> str:
        return kind_class(self.kind)

    @property
    def section(self) -> str:
        return kinds.get(self.kind).section.value


_STOP = frozenset("the and for with that this what which when why how does are is was its from into than then each of "
                  "a an in on to by as at be or it not can give".split())


def _words(text: str) -> frozenset[str]:
    text = re.sub(r"\$[^$]*\$", " ", text.lower())
    return frozenset(w for w in re.findall(r"[a-z][a-z0-9\-]{2,}", text) if w not in _STOP)


def kind_class(kind_id: str) -> str:
    """The kinds a student sees as one kind share a class: their English label
    ("calculation" for a bank numeric item and a generated problem)."""
    return kinds.get(kind_id).label.en


def kind_classes(admitted: Iterable[str]) -> list[str]:
    out: list[str] = []
    for k in kinds.all_kinds().values():
        if k.id in admitted and kind_class(k.id) not in out:
            out.append(kind_class(k.id))
    return out


def _candidates(bank: Bank, topics: set[str], concepts: set[str], admitted: frozenset[str]) -> list[_Cand]:
    from .. import generators

    out = []
    for q in bank.questions.values():
        if q.type not in admitted:
            continue
        if concepts and not set(q.concepts) & concepts:
            continue
        if not concepts and q.topic not in topics:
            continue
        out.append(_Cand(q.id, q.topic, q.type, q.concepts, question=q, words=_words(q.prompt.en)))
    if "generated" in admitted:
        for fid in _families_for(topics, concepts, bank):
            fam = generators.get(fid).family
            out.append(_Cand(fid, fam.topic, "generated", fam.concepts, family=fid, words=frozenset()))
    return out


def _gives_away(a: _Cand, b: _Cand) -> bool:
    """Could one of the two answer the other? Two objective items on a shared concept (a
    choice's right option is often a true/false statement's claim), or any two items on a
    shared concept whose wordings overlap by half."""
    if not set(a.concepts) & set(b.concepts):
        return False
    if a.section == b.section == "objective":
        return True
    if a.words and b.words:
        return len(a.words & b.words) / min(len(a.words), len(b.words)) >= 0.5
    return False


def _conflicts(c: _Cand, o: _Cand, level: int) -> bool:
    """Does `c` clash with the already chosen `o` at strictness `level`? 0: no concept
    twice; 1: no concept twice in one kind; 2: no family twice and nothing given away;
    3: only no bank question twice."""
    if c.question is not None and o.key == c.key:
        return True  # a bank question never twice on a sheet
    if level >= 3:
        return False
    if c.family and c.family == o.family:
        return True
    if _gives_away(c, o):
        return True
    if level == 0 and c.concepts[:1] == o.concepts[:1]:
        return True
    return level == 1 and c.cls == o.cls and c.concepts[:1] == o.concepts[:1]


def water_fill(n: int, caps: dict[str, int]) -> dict[str, int]:
    """`n` spread as evenly as the capacities allow (each share ±1 of the others unless
    capped), remainder to the earliest keys; what no capacity holds is left unassigned."""
    out = {k: 0 for k in caps}
    left = n
    open_keys = [k for k in caps if caps[k] > 0]
    while left > 0 and open_keys:
        share = max(1, left // len(open_keys))
        progressed = False
        for k in list(open_keys):
            if left == 0:
                break
            take = min(share, caps[k] - out[k], left)
            if take > 0:
                out[k] += take
                left -= take
                progressed = True
            if out[k] >= caps[k]:
                open_keys.remove(k)
        if not progressed:
            break
    return out


def parse_quotas(text: str | None, what: str) -> dict[str, int]:
    """'choice=8,short=4' → {'choice': 8, 'short': 4}; SheetError on anything else."""
    if not text:
        return {}
    out: dict[str, int] = {}
    for part in text.replace("，", ",").split(","):
        if not part.strip():
            continue
        name, eq, value = part.partition("=")
        name = name.strip().lower()
        try:
            v = int(value.strip()) if eq else -1
        except ValueError:
            v = -1
        if not name or v < 0:
            raise SheetError(f"{what}: '{part.strip()}' is not NAME=COUNT (e.g. choice=8,short=4)",
                             f"{what}：'{part.strip()}' 不是 名称=数量 的形式（如 choice=8,short=4）")
        out[name] = v
    return out


def parse_points(text: str | None) -> dict[str, float]:
    """'objective=2,short=6,truefalse=1' → points per section id or kind id."""
    if not text:
        return {}
    out: dict[str, float] = {}
    sections = {s.id for s in SECTIONS}
    for part in text.replace("，", ",").split(","):
        if not part.strip():
            continue
        name, eq, value = part.partition("=")
        name = name.strip().lower()
        try:
            v = float(value.strip()) if eq else -1.0
        except ValueError:
            v = -1.0
        if not (name in sections or kinds.get(name)) or not (0 <= v <= 1000) or v != v:
            names = ", ".join(sorted(sections | set(kinds.ids())))
            raise SheetError(f"--points: '{part.strip()}' is not NAME=POINTS with NAME one of {names}",
                             f"--points：'{part.strip()}' 不是 名称=分值 的形式（名称可为 {names}）")
        out[name] = v
    return out


def quota_classes(quotas: dict[str, int], admitted: frozenset[str]) -> dict[str, int]:
    """--kinds names (kind ids, section ids, or --kind groups) → counts per kind class."""
    out: dict[str, int] = {}
    for name, count in quotas.items():
        ids: set[str] = set()
        if kinds.get(name):
            ids = {name}
        elif name in {s.id for s in SECTIONS}:
            ids = {k.id for k in kinds.all_kinds().values() if k.section.value == name}
        elif name in kinds.groups():
            ids = set(kinds.admitted(name))
        ids &= admitted
        if not ids:
            names = ", ".join(sorted(set(kinds.ids()) | {s.id for s in SECTIONS}))
            raise SheetError(f"--kinds: no kind '{name}' on this sheet (kinds: {names})",
                             f"--kinds：本卷没有题型 '{name}'（可用：{names}）")
        for cls in kind_classes(ids):
            out[cls] = out.get(cls, 0) + count
    return out


# ----------------------------------------------------------------------------- selection


def _select(cands: list[_Cand], n: int, rng: random.Random, topic_quota: dict[str, int],
            class_quota: dict[str, int], strict_quota: bool) -> list[_Cand]:
    """Greedy: each pick meets both quotas under the strictest rules that allow it; the
    rules are relaxed (0 → 1 → 2 → 3) before a quota is given up, except the last level."""
    chosen: list[_Cand] = []
    t_left, c_left = dict(topic_quota), dict(class_quota)
    order = list(cands)
    rng.shuffle(order)
    blocked: list[set[int]] = [set(), set(), set(), set()]  # candidate positions clashing at each level
    # (level, quotas met: 2 both, 1 the topic's, 0 none): the rules give way before the balance
    attempts = [(0, 2), (1, 2), (0, 1), (1, 1), (0, 0), (1, 0), (2, 2), (2, 1), (2, 0), (3, 2), (3, 1), (3, 0)]
    relaxed = 0
    for _ in range(n):
        pick = None
        # the scarcest kind and topic first: what few candidates remain is taken while it can be
        avail_c: dict[str, int] = {}
        avail_t: dict[str, int] = {}
        for i, c in enumerate(order):
            if i not in blocked[0]:
                avail_c[c.cls] = avail_c.get(c.cls, 0) + 1
                avail_t[c.topic] = avail_t.get(c.topic, 0) + 1
        for level, need in attempts:
            best, best_score = None, None
            for i, c in enumerate(order):
                if i in blocked[level]:
                    continue
                if strict_quota and c_left.get(c.cls, 0) <= 0:
                    continue
                tq, cq = t_left.get(c.topic, 0) > 0, c_left.get(c.cls, 0) > 0
                if need == 2 and not (tq and cq) or need == 1 and not tq:
                    continue
                score = (t_left.get(c.topic, 0) + c_left.get(c.cls, 0),
                         -(avail_c.get(c.cls, 0) - c_left.get(c.cls, 0)),
                         -(avail_t.get(c.topic, 0) - t_left.get(c.topic, 0)))
                if best_score is None or score > best_score:
                    best, best_score = i, score
            if best is not None:
                pick = best
                break
        if pick is None:
            break
        relaxed += level
        p = order[pick]
        chosen.append(p)
        t_left[p.topic] = t_left.get(p.topic, 0) - 1
        c_left[p.cls] = c_left.get(p.cls, 0) - 1
        for i, c in enumerate(order):
            for level in range(4):
                if i not in blocked[level] and _conflicts(c, p, level):
                    blocked[level].add(i)
    return chosen, relaxed


def _best_selection(cands, n, seed, topic_quota, class_quota, strict, tries: int | None = None) -> list[_Cand]:
    """The greedy selection from several seeded orders: the one closest to the quotas (topics
    first, then kinds) with the fewest relaxed rules; the first perfect one is taken. (Fewer
    tries for a long sheet, whose every try costs more.)"""
    if tries is None:
        tries = 16 if n <= 40 else 4 if n <= 150 else 2
    best, best_score = None, None
    for t in range(tries):
        chosen, relaxed = _select(cands, n, random.Random(f"{seed}/select/{t}"), topic_quota, class_quota, strict)
        tc: dict[str, int] = {}
        cc: dict[str, int] = {}
        for c in chosen:
            tc[c.topic] = tc.get(c.topic, 0) + 1
            cc[c.cls] = cc.get(c.cls, 0) + 1
        score = (n - len(chosen), sum(abs(tc.get(k, 0) - v) for k, v in topic_quota.items()),
                 sum(abs(cc.get(k, 0) - v) for k, v in class_quota.items()), relaxed)
        if best_score is None or score < best_score:
            best, best_score = chosen, score
        if score[1:] == (0, 0, 0) and score[0] == 0:
            break
    return best


def _order(chosen: list[_Cand], classes: list[str], topics: list[str]) -> list[_Cand]:
    ci = {c: j for j, c in enumerate(classes)}
    ti = {t: j for j, t in enumerate(topics)}
    return sorted(chosen, key=lambda c: (_SECTION_ORDER[c.section], ci.get(c.cls, 99), ti.get(c.topic, 99)))


# ----------------------------------------------------------------------------- codes


def token(base_id: str) -> str:
    """Four base-36 characters naming a question id or a family id."""
    h = int(hashlib.sha1(base_id.encode("utf-8")).hexdigest(), 16) % 36 ** 4
    return _b36(h, 4)


def _b36(v: int, width: int = 1) -> str:
    s = ""
    while v:
        v, r = divmod(v, 36)
        s = _B36[r] + s
    return s.rjust(width, "0")


def form_letter(j: int) -> str:
    """0 → A, 25 → Z, 26 → AA, …"""
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def _perm_unrank(rank: int, n: int) -> list[int]:
    items = list(range(n))
    out = []
    for i in range(n, 0, -1):
        f = math.factorial(i - 1)
        j, rank = divmod(rank, f)
        out.append(items.pop(j))
    return out


def _base_id(item: Item) -> str:
    return item.problem.family if item.problem is not None else item.id


def code_of(item: Item, form: str, number: int, perm_rank: int = 0) -> str:
    v = item.problem.seed * 3 + DIFFICULTIES.index(item.problem.difficulty) if item.problem is not None else perm_rank
    tail = f".{_b36(v)}" if v else ""
    return f"{form}-{number:02d}·{token(_base_id(item))}{tail}"


_CODE = re.compile(r"^\s*(?:([A-Za-z]{1,3})-(\d{1,3})\s*[·.:_ ]\s*)?([0-9a-zA-Z]{4})(?:\.([0-9a-zA-Z]+))?\s*$")


class BadCode(ValueError):
    def __init__(self, code: str, candidates: tuple[str, ...] = ()):
        super().__init__(code)
        self.code, self.candidates = code, candidates


@dataclass(frozen=True)
class Decoded:
    item: Item
    form: str | None
    number: int | None


def shuffled(q: Question, perm: Sequence[int]) -> Question:
    """The question with its options in the order `perm` (perm[i] = old index shown at i)."""
    kind = kinds.get(q.type)
    item = Item.of_question(q)
    right = kind.right_options(item)
    opts = tuple(q.options[p] for p in perm)
    new_right = sorted(perm.index(r) for r in right)
    answer = tuple(new_right) if kind.multiple else new_right[0]
    return replace(q, options=opts, answer=answer)


def _shuffle_ok(q: Question) -> bool:
    """Options that refer to each other ('all of the above', '以上') keep their order."""
    if len(q.options) < 2:
        return False
    for o in q.options:
        t = (o.text.en + " " + o.text.zh).lower()
        if re.search(r"\babove\b|\bnone of\b|\bboth\b|以上|都不|均不", t):
            return False
    return True


def item_of(bank: Bank, base: str, variant: int) -> Item:
    from .. import generators

    if base in bank.questions:
        q = bank.questions[base]
        if variant:
            n = len(q.options)
            if not q.options or variant >= math.factorial(n):
                raise ValueError(base)
            q = shuffled(q, _perm_unrank(variant, n))
        return Item.of_question(q)
    seed, d = divmod(variant, 3)
    return Item.of_problem(generators.generate(base, seed, DIFFICULTIES[d]))


def decode(bank: Bank, code: str) -> Decoded:
    """The item a code names (BadCode when it names nothing, or several things)."""
    from .. import generators

    m = _CODE.match(code.replace("·", "."))
    if not m and "·" in code:
        m = _CODE.match(code)
    if not m:
        raise BadCode(code)
    form, number, tok, var = m.group(1), m.group(2), m.group(3).lower(), m.group(4)
    matches = [qid for qid in bank.questions if token(qid) == tok] + [f for f in generators.families() if token(f) == tok]
    if not matches:
        raise BadCode(code)
    if len(matches) > 1:
        raise BadCode(code, tuple(matches))
    try:
        variant = int(var.lower(), 36) if var else 0
        item = item_of(bank, matches[0], variant)
    except (ValueError, KeyError, IndexError):
        raise BadCode(code) from None
    return Decoded(item, form.upper() if form else None, int(number) if number else None)


# ----------------------------------------------------------------------------- the set


@dataclass(frozen=True)
class Built:
    """Forms with their items, codes and points (parallel tuples per form)."""

    forms: tuple[tuple[str, tuple[Item, ...], tuple[str, ...], tuple[float, ...]], ...]


def default_points() -> dict[str, float]:
    return {s.id: float(s.points) for s in SECTIONS}


def points_for(item: Item, points: dict[str, float]) -> float:
    if item.kind in points:
        return points[item.kind]
    return points.get(section_of(item).id, float(section_of(item).points))


def build(bank: Bank, topics: Sequence[str] = (), concepts: Sequence[str] = (), *, n: int = 20, seed: int = 1,
          kind: str = "mixed", difficulty: str = "medium", per_topic: int | None = None,
          kind_quotas: dict[str, int] | None = None, points: dict[str, float] | None = None,
          forms: int = 1, progress=None) -> Built:
    """The items of `forms` parallel forms (see the module docstring). `progress(done, total)`
    is called after each form. SheetError when nothing fits."""
    from .. import generators

    admitted = kinds.admitted(kind)
    topics_l, concepts_s = list(topics), set(concepts)
    cands = _candidates(bank, set(topics_l), concepts_s, admitted)
    if not cands:
        raise SheetError("Nothing to put on a sheet there with that --kind.", "这些主题下没有符合该 --kind 的题目。")
    topic_order = topics_l or sorted({c.topic for c in cands}, key=lambda t: list(bank.topics).index(t) if t in bank.topics else 99)
    topic_order = [t for t in topic_order if any(c.topic == t for c in cands)]
    classes = kind_classes(admitted)
    caps_t = {t: sum(1 for c in cands if c.topic == t) for t in topic_order}
    caps_c = {cl: sum(1 for c in cands if c.cls == cl) for cl in classes}
    strict = False
    if kind_quotas:
        class_quota = quota_classes(kind_quotas, admitted)
        n = sum(class_quota.values())
        strict = True
    if per_topic and kind_quotas and n != per_topic * len(topic_order):
        raise SheetError(f"--per-topic {per_topic} over {len(topic_order)} topics makes {per_topic * len(topic_order)} questions, "
                         f"--kinds {n}: give one of them, or make them agree",
                         f"--per-topic {per_topic} 共 {len(topic_order)} 个主题，即 {per_topic * len(topic_order)} 题，"
                         f"而 --kinds 合计 {n} 题：请只给其一，或使二者一致")
    if per_topic:
        n = per_topic * len(topic_order)
        topic_quota = {t: per_topic for t in topic_order}
    else:
        topic_quota = water_fill(n, caps_t)
    if not kind_quotas:
        class_quota = water_fill(n, caps_c)
    chosen = _order(_best_selection(cands, n, seed, topic_quota, class_quota, strict), classes, topic_order)
    pts = dict(default_points(), **(points or {}))

    out = []
    used_seeds: dict[str, set[int]] = {}
    used_count: dict[str, int] = {}
    pool_by_slot: dict[tuple[str, str], list[Question]] = {}
    for c in cands:
        if c.question is not None:
            pool_by_slot.setdefault((c.kind, c.concepts[0]), []).append(c.question)
    for j in range(forms):
        letter = form_letter(j)
        frng = random.Random(f"{seed}/form/{j}")
        items: list[Item] = []
        codes: list[str] = []
        used_here: set[str] = set()
        for i, c in enumerate(chosen, 1):
            rank = 0
            if c.family:
                seen = used_seeds.setdefault(c.family, set())
                s = frng.randrange(1, 10_000)
                while s in seen:
                    s = frng.randrange(1, 10_000)
                seen.add(s)
                it = Item.of_problem(generators.generate(c.family, s, difficulty))
            else:
                if j == 0:
                    q = c.question
                else:
                    alts = [q for q in pool_by_slot.get((c.kind, c.concepts[0]), []) if q.id not in used_here]
                    if not alts:
                        alts = [c.question]
                    least = min(used_count.get(q.id, 0) for q in alts)
                    q = frng.choice([q for q in alts if used_count.get(q.id, 0) == least])
                used_here.add(q.id)
                if used_count.get(q.id, 0) and _shuffle_ok(q):
                    m = len(q.options)
                    rank = frng.randrange(1, math.factorial(m))
                    q = shuffled(q, _perm_unrank(rank, m))
                used_count[q.id] = used_count.get(q.id, 0) + 1
                it = Item.of_question(q)
            items.append(it)
            codes.append(code_of(it, letter, i, rank))
        out.append((letter, tuple(items), tuple(codes), tuple(points_for(it, pts) for it in items)))
        if progress:
            progress(j + 1, forms)
    return Built(tuple(out))


def sheets_of(built: Built, *, title: str, topics: tuple[str, ...], seed: int, command: str, lang: str,
              second: str | None = None, date: str | None = None, space: str = "normal",
              students: Sequence[str] | None = None) -> list[Sheet]:
    """One sheet per form; with a roster, one per student, the forms dealt out in turn
    (student 1 form A, student 2 form B, …, then A again)."""
    many = len(built.forms) > 1
    out = []
    count = max(len(built.forms), len(students or ()))
    for j in range(count):
        letter, items, codes, pts = built.forms[j % len(built.forms)]
        student = students[j] if students and j < len(students) else None
        out.append(Sheet(title=title, topics=topics, items=items, seed=seed, command=command, lang=lang,
                         date=date, form=letter if many else None, codes=codes, points=pts,
                         student=student, space=space, second=second))
    return out


def distinct_forms(sheets: Sequence[Sheet]) -> list[Sheet]:
    """Each form once (the keys of a roster dealt several copies of each form)."""
    seen: set = set()
    out = []
    for s in sheets:
        if s.form not in seen:
            seen.add(s.form)
            out.append(replace(s, student=None))
    return out


def sheet_data(sheet: Sheet, lang: str) -> dict:
    """A sheet as data: {"items": [{"code", "id", "topic", "concepts", "kind", "points", "answer"}, …]}."""
    return {"items": [item_data(it, code, pts, lang) for it, code, pts in zip(sheet.items, sheet.codes, sheet.points)]}


def item_data(it: Item, code: str, pts: float | None, lang: str) -> dict:
    d = {"code": code, "id": it.id, "topic": it.topic, "concepts": list(it.concepts), "kind": it.kind,
         "points": pts, "answer": kinds.of(it).expected(it, lang)}
    if pts is None:
        d.pop("points")
    return d


def structure(sheet: Sheet) -> list[tuple]:
    """What parallel forms share, slot by slot: (section, kind, points, family or primary concept)."""
    return [(section_of(it).id, it.kind, p, it.problem.family if it.problem is not None else it.concepts[0])
            for it, p in zip(sheet.items, sheet.points)]
