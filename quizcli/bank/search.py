"""Find the concept a student means: by id, alias, title in either language, a typo, or
a whole pasted exam question.

Scoring, highest first:
1. the query *is* a name of the concept (id, title, alias): decisive;
2. names and keywords of the concept that appear *inside* the query (a pasted question
   contains "zero initialisation" or "批量归一化"), longer phrases weighing more;
3. overlap of words (English, lightly stemmed) and character pairs (Chinese) between the
   query and the concept's names, keywords and summary, weighted by rarity (IDF);
4. for short queries, typo tolerance: close spellings of names and words (difflib).
Pure Python, no index on disk: ~170 concepts score in a few milliseconds.
"""
from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass

from ..core.models import Bank, Bilingual, Concept

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+")
_SPELLING = (
    (re.compile(r"isation"), "ization"),
    (re.compile(r"ise(s|d)?\b"), r"ize\1"),
    (re.compile(r"ising\b"), "izing"),
    (re.compile(r"centred\b"), "centered"),
    (re.compile(r"modelling\b"), "modeling"),
    (re.compile(r"labelled\b"), "labeled"),
)
_EN_STOP = frozenset(
    """a an the of to in on for and or is are was be been can could cannot can't cant why what which
    how does do did not no with by from as at it its this that these those we you your i me my
    explain describe define briefly please about when where there their them they than then so
    such into use used using between difference differences compare comparison answer question
    give brief main role function s t vs versus one two all any each only also would should
    will has have had more most less very much""".split()
)
# Question scaffolding in Chinese exam questions; removed before pairing characters.
_ZH_STOP = (
    "为什么", "什么是", "什么", "如何", "怎么", "怎样", "请简述", "请说明", "简述", "试述", "说明",
    "解释", "论述", "请问", "分析", "比较", "有哪些", "哪些", "是否", "可以", "能否", "为何",
    "的", "了", "吗", "呢", "是", "和", "与", "及", "在", "中", "请", "一下", "一个", "其",
)


_CJK_ASCII = re.compile(r"(?<=[\u3400-\u9fff])(?=[a-z0-9])|(?<=[a-z0-9])(?=[\u3400-\u9fff])")


def normalize(text: str) -> str:
    """Lower-case, full-width to ASCII, British to American spelling, punctuation to spaces."""
    s = unicodedata.normalize("NFKC", text).lower()
    s = s.replace("’", "'").replace("×", "x")
    s = re.sub(r"(?<=\d) ?x ?(?=\d)", "x", s)  # "1 × 1" as "1x1"
    for pat, rep in _SPELLING:
        s = pat.sub(rep, s)
    s = re.sub(r"[-_/·,.;:!?()\[\]{}\"'“”‘’？！，。；：（）、《》<>]+", " ", s)
    s = _CJK_ASCII.sub(" ", s)  # "使用relu而不是sigmoid": the English names are words of their own
    return re.sub(r"\s+", " ", s).strip()


def _stem(w: str) -> str:
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def tokens(text: str) -> list[str]:
    """English words (stemmed, stop words removed) and Chinese character pairs."""
    s = normalize(text)
    out = [_stem(w) for w in _WORD.findall(s) if w not in _EN_STOP]
    for run in _CJK.findall(s):
        for stop in _ZH_STOP:
            run = run.replace(stop, " ")
        for part in run.split():
            if len(part) == 1:
                out.append(part)
            out.extend(part[i:i + 2] for i in range(len(part) - 1))
    return out


@dataclass(frozen=True)
class Match:
    concept_id: str
    score: float


# Glue words that join the parts of a compound Chinese name ("为什么循环神经网络不能直接用批量归一化"):
# the parts ("循环神经网络", "批量归一化") are searched as phrases of their own.
_ZH_GLUE = re.compile("为什么|为何|不能|不可|直接|用于|使用|采用|中的|之间|以及|与|和|及|的|用|中|在|对")


def _stem_words(s: str) -> str:
    return " ".join(_stem(w) if w.isascii() else w for w in s.split())


def _segments(name: str) -> list[str]:
    # Chinese only: English questions are served well by stemmed word overlap, and
    # English parts ("neural network") are too generic to be phrases of their own.
    if not _CJK.search(name):
        return []
    glue = _ZH_GLUE
    parts = [p.strip() for p in glue.split(name)]
    # only substantial parts (4+ characters); shorter ones are already counted by the
    # character-pair overlap
    parts = [p for p in parts if len(p) >= 4 and p != name]
    return parts if len(parts) >= 2 else []


GENERIC_SEGMENTS = frozenset({"神经网络", "深度神经网络", "人工神经网络", "深度学习", "机器学习"})


class _Index:
    """What search needs, precomputed: built once when the bank is validated and cached
    with it (building it costs ~0.2 s of text processing; loading it ~5 ms)."""

    def to_dict(self) -> dict:
        """Compact form for the cache: only what cannot be derived quickly; bags as token
        lists per weight (3 weights are used), idf and name lookups rebuilt on load."""
        bags = {}
        for cid, bag in self.bags.items():
            by_w: dict[str, list[str]] = {}
            for tok, w in bag.items():
                by_w.setdefault(repr(w), []).append(tok)
            bags[cid] = by_w
        return {"ids": self.ids, "names": {k: sorted(v) for k, v in self.names.items()},
                "phrases": self.phrases, "segments": self.segments, "bags": bags,
                "questions": self.q_texts, "question_concepts": self.q_concepts}

    @classmethod
    def from_dict(cls, d: dict) -> "_Index":
        idx = cls.__new__(cls)
        idx.ids, idx.phrases, idx.segments = d["ids"], d["phrases"], d["segments"]
        idx.names = {k: set(v) for k, v in d["names"].items()}
        idx.by_name = {}
        for cid, names in idx.names.items():
            for name in names:
                idx.by_name.setdefault(name, []).append(cid)
        idx.bags = {cid: {tok: float(w) for w, toks in by_w.items() for tok in toks} for cid, by_w in d["bags"].items()}
        idx.q_texts = d.get("questions") or {}
        idx.q_concepts = d.get("question_concepts") or {}
        idx._finish()
        return idx

    def __init__(self, bank: Bank):
        self.ids = list(bank.concepts)
        self.names: dict[str, set[str]] = {}
        self.phrases: dict[str, list[str]] = {}
        self.segments: dict[str, list[str]] = {}
        self.by_name: dict[str, list[str]] = {}
        self.bags: dict[str, dict[str, float]] = {}
        for c in bank.concepts.values():
            names = {normalize(x) for x in (c.id, c.title.en, c.title.zh, *c.aliases)}
            names.discard("")
            self.names[c.id] = names
            self.phrases[c.id] = sorted(names | {normalize(k) for k in c.keywords} - {""}, key=len, reverse=True)
            self.phrases[c.id] = [_stem_words(x) for x in self.phrases[c.id]]
            segs = {_stem_words(x) for n in (c.title.zh, c.title.en, *c.aliases) for x in _segments(normalize(n))}
            self.segments[c.id] = sorted(segs - set(self.phrases[c.id]), key=len, reverse=True)
            for name in names:
                self.by_name.setdefault(name, []).append(c.id)
            bag: dict[str, float] = {}
            for text, w in self._weighted_texts(c):
                for tok in tokens(text):
                    bag[tok] = max(bag.get(tok, 0.0), w)
            self.bags[c.id] = bag
        # the course's own name ("神经网络" of 深度神经网络的训练流程) says nothing about which
        # concept is asked: it is not a segment of its own
        self.segments = {cid: [x for x in segs if x not in GENERIC_SEGMENTS] for cid, segs in self.segments.items()}
        # exam questions (the kinds a student answers in sentences): each phrasing a document
        self.q_texts: dict[str, list[list[str]]] = {}
        self.q_concepts: dict[str, list[str]] = {}
        for q in bank.questions.values():
            if q.key_points and isinstance(q.answer, Bilingual):
                texts = [q.prompt.en, q.prompt.zh, *q.variants]
                self.q_texts[q.id] = [sorted(set(tokens(strip_exam_noise(t)))) for t in texts]
                self.q_concepts[q.id] = list(q.concepts)
        self._finish()

    def _finish(self) -> None:
        """Rarity weights and the typo vocabulary, from the bags."""
        df: dict[str, int] = {}
        for bag in self.bags.values():
            for tok in bag:
                df[tok] = df.get(tok, 0) + 1
        n = max(len(self.ids), 1)
        self.idf = {tok: math.log(1 + n / d) for tok, d in df.items()}
        self.avg_len = sum(len(b) for b in self.bags.values()) / n if self.bags else 1.0
        # rarity over every text (concepts and question phrasings), for question matching
        # and for telling whether a query is about this course at all
        docs = [set(b) for b in self.bags.values()] + [set(t) for ts in self.q_texts.values() for t in ts]
        qdf: dict[str, int] = {}
        for doc in docs:
            for tok in doc:
                qdf[tok] = qdf.get(tok, 0) + 1
        m = max(len(docs), 1)
        self.vocab_idf = {tok: math.log(1 + m / d) for tok, d in qdf.items()}
        self.oov_idf = math.log(1 + m / 0.5)

    @property
    def vocab(self) -> list[str]:
        """English words long enough to be misspelt (only the typo path needs them)."""
        if not hasattr(self, "_vocab"):
            self._vocab = sorted({t for t in self.idf if t.isascii() and len(t) > 3})
        return self._vocab

    @staticmethod
    def _weighted_texts(c: Concept):
        yield c.id.replace("_", " "), 1.0
        yield c.title.en, 1.0
        yield c.title.zh, 1.0
        for a in c.aliases:
            yield a, 1.0
        for k in c.keywords:
            yield k, 0.8
        yield c.summary.en, 0.3
        yield c.summary.zh, 0.3


def _index_for(bank: Bank) -> _Index:
    idx = getattr(bank, "_search_index", None)
    if idx is None:
        idx = _Index.from_dict(bank.search_data) if bank.search_data else _Index(bank)
        bank._search_index = idx  # type: ignore[attr-defined]
    return idx


def index_data(bank: Bank) -> dict:
    """The search index as plain data, for the bank cache."""
    return _Index(bank).to_dict()


def _contains(query: str, phrase: str) -> bool:
    if not phrase:
        return False
    if _CJK.search(phrase):
        return phrase in query
    return f" {phrase} " in f" {query} "


def _phrase_score(q: str, phrases: list[str], weight: float = 1.0) -> tuple[float, list[str]]:
    matched: list[str] = []
    for p in phrases:
        if len(p) >= 2 and _contains(q, p) and not any(p in m for m in matched):
            matched.append(p)
    score = 0.0
    for p in matched:
        units = len(p) if _CJK.search(p) else 2 * len(p.split()) + len(p) / 8
        score += weight * 4.0 * units ** 1.2
    return score, matched


def search(bank: Bank, query: str, limit: int = 6) -> list[Match]:
    """Concepts matching `query`, best first (empty when nothing is close)."""
    idx = _index_for(bank)
    q = normalize(query)
    if not q:
        return []
    q_tokens = set(tokens(query))
    exact = set(idx.by_name.get(q, ()))
    q = _stem_words(q)
    scores: dict[str, float] = {}
    for cid in idx.ids:
        s = 100.0 if cid in exact else 0.0
        ps, matched = _phrase_score(q, idx.phrases[cid])
        s += ps
        if idx.segments[cid]:
            seg_score, _ = _phrase_score(q, [x for x in idx.segments[cid] if not any(x in m for m in matched)], 0.8)
            s += seg_score
        bag = idx.bags[cid]
        norm = 0.5 + 0.5 * len(bag) / idx.avg_len
        s += sum(idx.idf[t] * bag[t] for t in q_tokens if t in bag) / norm
        if s > 0:
            scores[cid] = s
    short = len(q.split()) <= 3 and len(q) <= 24
    if short and not exact and max(scores.values(), default=0.0) < 20:
        _add_typo_scores(idx, q, q_tokens, scores)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ranked or ranked[0][1] < 3.0:
        return []
    top = ranked[0][1]
    return [Match(cid, sc) for cid, sc in ranked[:limit] if sc >= 0.35 * top]


def _add_typo_scores(idx: _Index, q: str, q_tokens: set[str], scores: dict[str, float]) -> None:
    """Typo tolerance for short queries that matched nothing well ('droput', 'bacth norm')."""
    typo_tokens: dict[str, float] = {}
    for tok in q_tokens:
        if tok.isascii() and tok not in idx.idf and len(tok) > 3:
            for near in difflib.get_close_matches(tok, idx.vocab, n=2, cutoff=0.8):
                typo_tokens[near] = 0.7
    for cid in idx.ids:
        bag = idx.bags[cid]
        norm = 0.5 + 0.5 * len(bag) / idx.avg_len
        s = sum(idx.idf[t] * bag[t] * w for t, w in typo_tokens.items() if t in bag) / norm
        best = 0.0
        for name in idx.names[cid]:
            sm = difflib.SequenceMatcher(None, q, name)
            if sm.real_quick_ratio() >= 0.75 and sm.quick_ratio() >= 0.75:
                best = max(best, sm.ratio())
        if best >= 0.75:
            s += 30.0 * best
        if s > 0:
            scores[cid] = scores.get(cid, 0.0) + s


def suggest(bank: Bank, query: str, n: int = 3) -> list[str]:
    """Nearest concept ids by spelling, for a query that matched nothing."""
    q = normalize(query).replace(" ", "_")
    pool = list(bank.concepts)
    out = difflib.get_close_matches(q, pool, n=n, cutoff=0.4)
    if len(out) < n:
        by_title = {normalize(c.title.en): c.id for c in bank.concepts.values()}
        for m in difflib.get_close_matches(normalize(query), list(by_title), n=n, cutoff=0.4):
            if by_title[m] not in out:
                out.append(by_title[m])
    return out[:n]


def resolve_topic(bank: Bank, name: str) -> str | None:
    """The topic id a student means by `name`: an id, an alias, or a title in either language."""
    q = normalize(name)
    for t in bank.topics.values():
        if q in {normalize(x) for x in (t.id, t.title.en, t.title.zh, *t.aliases)}:
            return t.id
    return None


def suggest_topic(bank: Bank, name: str) -> list[str]:
    q = normalize(name)
    pool: dict[str, str] = {}
    for t in bank.topics.values():
        for x in (t.id, t.title.en, t.title.zh, *t.aliases):
            pool.setdefault(normalize(x), t.id)
    out: list[str] = []
    for m in difflib.get_close_matches(q, list(pool), n=6, cutoff=0.5):
        if pool[m] not in out:
            out.append(pool[m])
    return out[:3]


# ----------------------------------------------------------------------------- exam questions

# What a paper adds around a question: numbering, marks, instructions.
_NOISE = [
    re.compile(r"^\s*(?:习题|练习|exercise|problem|question)\s*[0-9]+(?:[-.．][0-9]+)*\s*[:：.]?", re.I),  # "习题 5-2", "Exercise 3.4"
    re.compile(r"^\s*(?:第\s*[0-9一二三四五六七八九十]+\s*[题问]|[0-9一二三四五六七八九十]+\s*[.、．)）]|\(?[0-9]+\)|[a-z][.)])\s*", re.I),
    re.compile(r"[（(]\s*[0-9]+\s*(?:分|points?|pts?|marks?)\s*[)）]", re.I),
    re.compile(r"\[\s*[0-9]+\s*(?:分|points?|pts?|marks?)\s*\]", re.I),
    re.compile(r"^\s*(?:请简述|请简要说明|请说明|请解释|请分析|请论述|简述|试分析|试述|试说明|试比较|论述|简要说明|简答题?[:：]?|问答题?[:：]?)"),
    re.compile(r"^\s*(?:briefly\s+(?:explain|describe|discuss)|explain\s+briefly|discuss\s+briefly|in\s+your\s+own\s+words,?)\b", re.I),
    re.compile(r"\\[A-Za-z]+"),  # LaTeX commands: the symbols they stand for are noise to matching
    re.compile(r"[$*#`>|]+"),  # Markdown and math delimiters
]


def strip_exam_noise(text: str) -> str:
    """The question without what a paper adds: '3.（10分）请简述…' → '…'."""
    s = unicodedata.normalize("NFKC", text).strip()
    for _ in range(3):  # numbering, then marks, then an instruction may follow each other
        before = s
        for pat in _NOISE:
            s = pat.sub(" ", s).strip()
        if s == before:
            break
    return re.sub(r"\s+", " ", s)


@dataclass(frozen=True)
class Hit:
    """One ranked result: a bank question (kind "question") or a concept (kind "concept")."""

    kind: str
    id: str
    score: float


@dataclass(frozen=True)
class Found:
    """What `explain` found for a text: ranked hits (questions and concepts together), and
    whether the text is about this course at all."""

    hits: list[Hit]
    in_course: bool
    coverage: float  # share of the query's rarity-weighted words the bank knows (0–1)

    @property
    def question(self) -> Hit | None:
        return self.hits[0] if self.hits and self.hits[0].kind == "question" else None


# A pasted question counts as a bank question when its words and the question's overlap this
# much (F1 of rarity-weighted word overlap, 0–1); below, the concept ranking answers.
QUESTION_MATCH = 0.55
_ASKS = re.compile(r"[?？]|为什么|为何|如何|怎么|怎样|什么|哪些|是否|\b(?:why|how|what|which|when|explain|compare|describe)\b", re.I)
QUESTION_SURE = 0.75
# A text is about this course when it matches a bank question, or when most of its
# rarity-weighted words are the course's and the best concept scores well; calibrated on
# off-course questions (tests/foundation/test_exam_questions.py): near misses from computer
# science ("what is a binary search tree") reach a concept score of about 10, course
# questions score 15 and more.
IN_COURSE = 0.3
IN_COURSE_SCORE = 12.0
IN_COURSE_SCORE_KNOWN = 8.0  # when nearly every word is the course's


def _named_in(query: str, name: str) -> bool:
    """`name` stands in `query` as a whole word (an English name may touch Chinese characters:
    为什么vae生成…)."""
    if _CJK.search(name):
        return name in query
    return re.search(r"(?<![a-z0-9])" + re.escape(name) + r"(?![a-z0-9])", query) is not None


def _similarity(idx: _Index, q: set[str], doc: frozenset[str], doc_mass: float, q_mass: float) -> float:
    """F1 of the rarity-weighted overlap between a query's words and one phrasing's."""
    if not q or not doc:
        return 0.0
    idf = idx.vocab_idf
    shared = sum(idf.get(t, idx.oov_idf) for t in q & doc)
    if not shared:
        return 0.0
    cq = shared / q_mass
    cd = shared / doc_mass
    return 2 * cq * cd / (cq + cd)


def _question_docs(idx: _Index) -> dict[str, list[tuple[frozenset[str], float]]]:
    """Each question's phrasings as token sets with their rarity mass, built once per index."""
    docs = getattr(idx, "_q_docs", None)
    if docs is None:
        idf = idx.vocab_idf
        docs = {qid: [(frozenset(t), sum(idf.get(x, idx.oov_idf) for x in t)) for t in texts if t]
                for qid, texts in idx.q_texts.items()}
        # which questions a word occurs in: a query is compared only with those sharing a word
        postings: dict[str, set[str]] = {}
        for qid, texts in docs.items():
            for toks, _ in texts:
                for t in toks:
                    postings.setdefault(t, set()).add(qid)
        idx._q_docs, idx._q_postings = docs, postings
    return docs


def find(bank: Bank, query: str, limit: int = 6) -> Found:
    """Questions and concepts for a text, ranked together: a pasted exam question is matched
    first against the bank's questions and their variants (both languages), then concepts."""
    idx = _index_for(bank)
    cleaned = strip_exam_noise(query)
    q_tokens = {t for t in tokens(cleaned) if not (t.isascii() and len(t) == 1)}  # 'a', 'b', 'x': no signal
    idf = idx.vocab_idf
    total = sum(idf.get(t, idx.oov_idf) for t in q_tokens)
    known = sum(idf[t] for t in q_tokens if t in idf)
    for t in q_tokens - set(idf):  # a misspelt course word ("rleu") still counts as the course's
        if t.isascii() and len(t) > 3 and difflib.get_close_matches(t, idx.vocab, n=1, cutoff=0.75):
            known += idx.oov_idf
    coverage = known / total if total else 0.0
    exact = bank.exact(cleaned)
    concepts = [Match(exact, 100.0)] if exact else search(bank, cleaned, limit=limit)
    questions = []
    near_concepts = {m.concept_id for m in concepts[:5]}
    # a concept's own name ("tanh", "batch normalization") asks for the concept page; a short
    # query is an exam question only when it matches one closely
    words = len([t for t in q_tokens if t.isascii()]) + len([t for t in q_tokens if not t.isascii()]) // 2
    # (a short text that asks something, "Transformer训练时的学习率是如何设定的?", is a question)
    asks = words >= 2 and _ASKS.search(cleaned) is not None  # "what is tanh" still asks for the concept page
    need = 2.0 if exact else (QUESTION_SURE if words <= 3 and not asks else QUESTION_MATCH)
    docs = _question_docs(idx)
    q_mass = sum(idf.get(t, idx.oov_idf) for t in q_tokens)
    candidates = set().union(*(idx._q_postings.get(t, ()) for t in q_tokens)) if q_tokens and not exact else set()
    for qid in sorted(candidates):
        sim = max((_similarity(idx, q_tokens, toks, mass, q_mass) for toks, mass in docs[qid]), default=0.0)
        # a question about another concept that merely shares the wording ("ReLU 的优缺点" vs
        # "Sigmoid 的优缺点") is not the question asked, unless the match is close
        if sim >= need and (sim >= QUESTION_SURE or set(idx.q_concepts.get(qid, ())) & near_concepts):
            questions.append(Hit("question", qid, round(sim, 3)))
    questions.sort(key=lambda h: (-h.score, h.id))
    top = concepts[0].score if concepts else 0.0
    hits = questions[:3] + [Hit("concept", m.concept_id, round(m.score / max(top, 1e-9), 3)) for m in concepts]
    # two of the course's own names in one question ("why are VAE samples blurrier than GAN
    # samples") say it is about the course even when no entry scores high
    q_norm = _stem_words(normalize(cleaned))
    stemmed = getattr(idx, "_stemmed_names", None)
    if stemmed is None:
        stemmed = idx._stemmed_names = [(cid, [_stem_words(n) for n in names if len(n) >= 2]) for cid, names in idx.names.items()]
    named = {cid for cid, names in stemmed if any(n in q_norm and _named_in(q_norm, n) for n in names)}
    in_course = bool(exact) or bool(questions) or (coverage >= IN_COURSE and top >= IN_COURSE_SCORE) or \
        (coverage >= 0.9 and top >= IN_COURSE_SCORE_KNOWN) or (len(named) >= 2 and coverage >= IN_COURSE) or \
        (len(named) >= 1 and coverage >= 0.9)  # 为什么用BN层: every word known, one of them a course name
    return Found(hits=hits[:limit + 3], in_course=in_course, coverage=round(coverage, 3))
