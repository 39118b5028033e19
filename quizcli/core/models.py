"""Value types of the question bank: small frozen dataclasses that round-trip through dicts.

The bank is loaded once per process (from YAML, or from the parsed-JSON cache) into these
types; nothing downstream touches raw YAML dicts.
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any, Callable

LANGS = ("en", "zh")

@dataclass(frozen=True)
class Bilingual:
    """A text a student reads, in both languages (Markdown with `$...$` math allowed)."""

    en: str
    zh: str

    def t(self, lang: str) -> str:
        """The text in `lang` ('zh' or 'en'); English when the language is unknown."""
        return self.zh if lang == "zh" else self.en

    def to_dict(self) -> dict[str, str]:
        return {"en": self.en, "zh": self.zh}

    @classmethod
    def from_dict(cls, d: dict[str, str]) -> "Bilingual":
        return cls(en=d["en"], zh=d["zh"])


def _bi_or_none(d: dict | None) -> Bilingual | None:
    return Bilingual.from_dict(d) if d else None


@dataclass(frozen=True)
class Source:
    """Where an item was written: file path and 1-based line, for error messages."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Formula:
    latex: str
    label: Bilingual | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"latex": self.latex, "label": self.label.to_dict() if self.label else None}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Formula":
        return cls(latex=d["latex"], label=_bi_or_none(d.get("label")))


@dataclass(frozen=True)
class Topic:
    id: str
    title: Bilingual
    aliases: tuple[str, ...] = ()
    summary: Bilingual | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title.to_dict(),
            "aliases": list(self.aliases),
            "summary": self.summary.to_dict() if self.summary else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Topic":
        return cls(
            id=d["id"],
            title=Bilingual.from_dict(d["title"]),
            aliases=tuple(d.get("aliases") or ()),
            summary=_bi_or_none(d.get("summary")),
        )


@dataclass(frozen=True)
class Concept:
    """One examinable idea: what `quizcli explain` shows."""

    id: str
    topic: str
    title: Bilingual
    summary: Bilingual
    body: Bilingual
    key_points: tuple[Bilingual, ...]
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    formulas: tuple[Formula, ...] = ()
    pitfalls: tuple[Bilingual, ...] = ()
    related: tuple[str, ...] = ()
    example: str | None = None  # generator family for `explain --example`
    plot: str | None = None  # activation id to plot in `explain`
    source: Source | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "topic": self.topic,
            "title": self.title.to_dict(),
            "summary": self.summary.to_dict(),
            "body": self.body.to_dict(),
            "key_points": [k.to_dict() for k in self.key_points],
            "aliases": list(self.aliases),
            "keywords": list(self.keywords),
            "formulas": [f.to_dict() for f in self.formulas],
            "pitfalls": [p.to_dict() for p in self.pitfalls],
            "related": list(self.related),
            "example": self.example,
            "plot": self.plot,
            "source": [self.source.file, self.source.line] if self.source else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Concept":
        return cls(
            id=d["id"],
            topic=d["topic"],
            title=Bilingual.from_dict(d["title"]),
            summary=Bilingual.from_dict(d["summary"]),
            body=Bilingual.from_dict(d["body"]),
            key_points=tuple(Bilingual.from_dict(k) for k in d["key_points"]),
            aliases=tuple(d.get("aliases") or ()),
            keywords=tuple(d.get("keywords") or ()),
            formulas=tuple(Formula.from_dict(f) for f in d.get("formulas") or ()),
            pitfalls=tuple(Bilingual.from_dict(p) for p in d.get("pitfalls") or ()),
            related=tuple(d.get("related") or ()),
            example=d.get("example"),
            plot=d.get("plot"),
            source=Source(*d["source"]) if d.get("source") else None,
        )


@dataclass(frozen=True)
class Option:
    """One option of a choice question; `why` explains why it is right or wrong."""

    text: Bilingual
    why: Bilingual | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text.to_dict(), "why": self.why.to_dict() if self.why else None}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Option":
        return cls(text=Bilingual.from_dict(d["text"]), why=_bi_or_none(d.get("why")))


@dataclass(frozen=True)
class Question:
    """A bank question. `answer` depends on `type`:

    - short: Bilingual model answer (with `key_points`)
    - choice: int, index of the right option (0-based; authors write a letter)
    - multi: tuple[int, ...], indices of all right options
    - truefalse: bool
    - symbolic: str, model expression in the whitelist grammar, over `variables`
    - numeric: float, or a (nested) tuple of floats for vectors/matrices
    """

    id: str
    topic: str
    type: str
    concepts: tuple[str, ...]
    prompt: Bilingual
    explanation: Bilingual
    answer: Any
    options: tuple[Option, ...] = ()
    key_points: tuple[Bilingual, ...] = ()
    variables: tuple[str, ...] = ()
    substitutions: tuple[tuple[str, str], ...] = ()
    rtol: float = 1e-2
    atol: float = 1e-9
    difficulty: str = "medium"
    source: Source | None = None
    # exam questions: the other phrasings papers and students use (retrieval keys, either
    # language), and where a question of this kind comes from ("nndl exercise 4-3")
    variants: tuple[str, ...] = ()
    origin: str | None = None

    def to_dict(self) -> dict[str, Any]:
        answer = self.answer
        if isinstance(answer, Bilingual):
            answer = {"bilingual": answer.to_dict()}
        return {
            "id": self.id,
            "topic": self.topic,
            "type": self.type,
            "concepts": list(self.concepts),
            "prompt": self.prompt.to_dict(),
            "explanation": self.explanation.to_dict(),
            "answer": _listify(answer),
            "options": [o.to_dict() for o in self.options],
            "key_points": [k.to_dict() for k in self.key_points],
            "variables": list(self.variables),
            "substitutions": [list(s) for s in self.substitutions],
            "rtol": self.rtol,
            "atol": self.atol,
            "difficulty": self.difficulty,
            "source": [self.source.file, self.source.line] if self.source else None,
            "variants": list(self.variants),
            "origin": self.origin,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Question":
        answer = d["answer"]
        if isinstance(answer, dict) and "bilingual" in answer:
            answer = Bilingual.from_dict(answer["bilingual"])
        elif isinstance(answer, list):
            answer = _tuplify(answer)
        return cls(
            id=d["id"],
            topic=d["topic"],
            type=d["type"],
            concepts=tuple(d["concepts"]),
            prompt=Bilingual.from_dict(d["prompt"]),
            explanation=Bilingual.from_dict(d["explanation"]),
            answer=answer,
            options=tuple(Option.from_dict(o) for o in d.get("options") or ()),
            key_points=tuple(Bilingual.from_dict(k) for k in d.get("key_points") or ()),
            variables=tuple(d.get("variables") or ()),
            substitutions=tuple(tuple(s) for s in d.get("substitutions") or ()),
            rtol=d.get("rtol", 1e-2),
            atol=d.get("atol", 1e-9),
            difficulty=d.get("difficulty", "medium"),
            source=Source(*d["source"]) if d.get("source") else None,
            variants=tuple(d.get("variants") or ()),
            origin=d.get("origin"),
        )


def _listify(x: Any) -> Any:
    if isinstance(x, (tuple, list)):
        return [_listify(v) for v in x]
    return x


def _tuplify(x: Any) -> Any:
    if isinstance(x, (tuple, list)):
        return tuple(_tuplify(v) for v in x)
    return x


@dataclass(frozen=True)
class QuestionBrief:
    """What a list of questions shows (id, kind, prompt), without loading every question."""

    id: str
    topic: str
    type: str
    concepts: tuple[str, ...]
    prompt: Bilingual

    def to_list(self) -> list:
        return [self.id, self.topic, self.type, list(self.concepts), self.prompt.en, self.prompt.zh]

    @classmethod
    def from_list(cls, v: list) -> "QuestionBrief":
        return cls(v[0], v[1], v[2], tuple(v[3]), Bilingual(v[4], v[5]))


@dataclass(frozen=True)
class ConceptStub:
    """A concept's id, topic and title: enough to list or link it without reading it."""

    id: str
    topic: str
    title: Bilingual

    def to_list(self) -> list:
        return [self.id, self.topic, self.title.en, self.title.zh]

    @classmethod
    def from_list(cls, v: list) -> "ConceptStub":
        return cls(v[0], v[1], Bilingual(v[2], v[3]))


class LazyConcepts(Mapping):
    """Concepts by id in course order; each is read from the cache when first used, so
    `explain lstm` reads one concept, not 156."""

    def __init__(self, stubs: list[ConceptStub], load_one: Callable[[str], Concept],
                 load_all: Callable[[], dict[str, Concept]] | None = None):
        self.stubs = {s.id: s for s in stubs}
        self._loaded: dict[str, Concept] = {}
        self._load_one = load_one
        self._load_all = load_all

    def _ensure_all(self) -> None:
        """Going through every concept: read them in one go rather than one file each."""
        if self._load_all is not None and len(self._loaded) < len(self.stubs):
            self._loaded.update(self._load_all())
            self._load_all = None

    def values(self):
        self._ensure_all()
        return [self[c] for c in self.stubs]

    def items(self):
        self._ensure_all()
        return [(c, self[c]) for c in self.stubs]

    def __getitem__(self, cid: str) -> Concept:
        if cid not in self.stubs:
            raise KeyError(cid)
        c = self._loaded.get(cid)
        if c is None:
            c = self._loaded[cid] = self._load_one(cid)
        return c

    def __iter__(self):
        return iter(self.stubs)

    def __len__(self) -> int:
        return len(self.stubs)

    def __contains__(self, cid: object) -> bool:
        return cid in self.stubs


class Bank:
    """The loaded bank: topics in course order, concepts and questions by id.

    From the cache, the questions and the search index are loaded only when first used
    (`topics` and `explain` need neither in full): `loaders` maps "questions" / "search" to
    functions returning them."""

    def __init__(self, topics: dict[str, Topic] | None = None, concepts: dict[str, Concept] | None = None,
                 questions: dict[str, Question] | None = None, math: dict[str, str] | None = None,
                 search_data: dict | None = None, briefs: list[QuestionBrief] | None = None,
                 loaders: dict[str, Callable[[], Any]] | None = None, names: dict[str, str] | None = None):
        self.topics = topics if topics is not None else {}
        self.concepts = concepts if concepts is not None else {}
        # LaTeX fragment -> readable Unicode, pre-rendered at validation so `explain`
        # never imports the converter when the bank comes from the cache.
        self.math = math if math is not None else {}
        self._questions = questions
        self._search = search_data
        self._briefs = briefs
        self._names: dict[str, str] | None = names
        self._loaders = loaders or {}
        if self._questions is None and "questions" not in self._loaders:
            self._questions = {}

    @property
    def questions(self) -> dict[str, Question]:
        if self._questions is None:
            self._questions = self._loaders["questions"]()
        return self._questions

    def question(self, qid: str) -> Question:
        """One question by id, read on its own from the cache when the others are not loaded
        (`explain` of a pasted exam question shows one; parsing all 900 costs ~60 ms)."""
        if self._questions is None and "question" in self._loaders:
            q = self._loaders["question"](qid)
            if q is not None:
                return q
        return self.questions[qid]

    @property
    def search_data(self) -> dict:
        """The search index precomputed at validation (bank/search.py); {} when absent."""
        if self._search is None:
            loader = self._loaders.get("search")
            self._search = loader() if loader else {}
        return self._search

    @search_data.setter
    def search_data(self, value: dict) -> None:
        self._search = value

    def briefs(self) -> list[QuestionBrief]:
        if self._briefs is None or self._questions is not None:
            return [QuestionBrief(q.id, q.topic, q.type, q.concepts, q.prompt) for q in self.questions.values()]
        return self._briefs

    def concepts_in(self, topic_id: str) -> list[Concept]:
        return [c for c in self.concepts.values() if c.topic == topic_id]

    def stubs(self) -> list[ConceptStub]:
        if isinstance(self.concepts, LazyConcepts):
            return list(self.concepts.stubs.values())
        return [ConceptStub(c.id, c.topic, c.title) for c in self.concepts.values()]

    def stub(self, concept_id: str) -> ConceptStub | None:
        if isinstance(self.concepts, LazyConcepts):
            return self.concepts.stubs.get(concept_id)
        c = self.concepts.get(concept_id)
        return ConceptStub(c.id, c.topic, c.title) if c else None

    # ---- exact names: `explain lstm` needs no search index ----

    @staticmethod
    def name_key(text: str) -> str:
        import unicodedata

        s = unicodedata.normalize("NFKC", text).lower().replace("_", " ").replace("-", " ")
        return " ".join(s.split())

    def name_index(self) -> dict[str, str]:
        """Exact name (id, title, alias) -> concept id, for names that mean one concept."""
        if self._names is None:
            seen: dict[str, set[str]] = {}
            for c in self.concepts.values():
                for n in (c.id, c.title.en, c.title.zh, *c.aliases):
                    seen.setdefault(self.name_key(n), set()).add(c.id)
            self._names = {k: next(iter(v)) for k, v in seen.items() if len(v) == 1 and k}
        return self._names

    def exact(self, text: str) -> str | None:
        """The concept whose id, title or alias is exactly `text`, if exactly one is."""
        return self.name_index().get(self.name_key(text))

    def neighbours(self, concept_id: str, limit: int = 5) -> list[str]:
        """Concepts whose ids share a word with this one (lstm → lstm_gates, gru_vs_lstm):
        the "other close matches" of an exact hit, found without the search index."""
        words = set(concept_id.split("_"))
        topic = self.stub(concept_id).topic
        near = [s for s in self.stubs() if s.id != concept_id and words & set(s.id.split("_"))]
        near.sort(key=lambda s: (s.topic != topic, s.id))
        return [s.id for s in near[:limit]]

    def concept_count(self, topic_id: str) -> int:
        return sum(1 for s in self.stubs() if s.topic == topic_id)

    def questions_in(self, topic_id: str) -> list[Question]:
        return [q for q in self.questions.values() if q.topic == topic_id]

    def questions_for(self, concept_id: str) -> list[Question]:
        return [q for q in self.questions.values() if concept_id in q.concepts]

    def question_count(self, topic_id: str) -> int:
        return sum(1 for b in self.briefs() if b.topic == topic_id)

    def briefs_for(self, concept_id: str) -> list[QuestionBrief]:
        return [b for b in self.briefs() if concept_id in b.concepts]

    def core_dict(self) -> dict[str, Any]:
        """The cache's small part: topics, concept stubs, rendered math, question briefs."""
        return {
            "topics": [t.to_dict() for t in self.topics.values()],
            "stubs": [s.to_list() for s in self.stubs()],
            "math": self.math,
            "briefs": [b.to_list() for b in self.briefs()],
            "names": self.name_index(),
        }

    def questions_list(self) -> list[dict[str, Any]]:
        return [q.to_dict() for q in self.questions.values()]

    @staticmethod
    def questions_from_list(items: list[dict[str, Any]]) -> dict[str, Question]:
        return {q["id"]: Question.from_dict(q) for q in items}

    @classmethod
    def from_core(cls, core: dict[str, Any], loaders: dict[str, Callable[..., Any]]) -> "Bank":
        """A bank whose concepts, questions and search index are read when first used:
        loaders["concept"](id), loaders["concepts"]() (all), loaders["question"](id) (one, or
        None to read them all), loaders["questions"](), loaders["search"]()."""
        return cls(
            topics={t["id"]: Topic.from_dict(t) for t in core["topics"]},
            concepts=LazyConcepts([ConceptStub.from_list(s) for s in core["stubs"]], loaders["concept"],
                                  loaders.get("concepts")),
            math=dict(core.get("math") or {}),
            briefs=[QuestionBrief.from_list(b) for b in core.get("briefs") or []],
            names=core.get("names"),
            loaders=loaders,
        )

    def to_dict(self) -> dict[str, Any]:
        return {**self.core_dict(), "concepts": [c.to_dict() for c in self.concepts.values()],
                "questions": self.questions_list(), "search": self.search_data}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Bank":
        return cls(
            topics={t["id"]: Topic.from_dict(t) for t in d["topics"]},
            concepts={c["id"]: Concept.from_dict(c) for c in d["concepts"]},
            questions=cls.questions_from_list(d["questions"]),
            math=dict(d.get("math") or {}),
            search_data=d.get("search") or {},
        )
