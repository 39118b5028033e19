"""The bank as ordinary commands get it: from a JSON cache of the parsed, validated bank,
keyed by the YAML files' sizes and modification times, so a warm `quizcli explain` neither
parses YAML nor imports PyYAML nor compiles the validator. On a miss, `loader` parses and
checks everything and the result is cached.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from ..core.models import Bank, Concept, Question
from .errors import BankError, Problem  # noqa: F401 (the store's errors, re-exported)

CACHE_FORMAT = 6

def builtin_bank_dir() -> Path:
    """The bank shipped with quizcli: inside the package when installed from a wheel,
    the repository's `question_bank/` for an editable install."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "question_bank"
    if packaged.is_dir():
        return packaged
    return here.parent / "question_bank"


# --------------------------------------------------------------------------- cache


def cache_dir() -> Path:
    """Where the parsed bank is cached: QUIZCLI_CACHE, else the platform's cache folder."""
    env = os.environ.get("QUIZCLI_CACHE")
    if env:
        return Path(env)
    # Computed by hand rather than with platformdirs: this runs on every start-up.
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "quizcli"


def _fingerprint(dirs: list[Path]) -> str | None:
    """Everything a cached bank depends on: the code that parses it and each YAML file's
    name, size and modification time. Compared as a plain string (no hashing on the hot path).
    None if a path cannot be looked at (a symlink loop, a path too long …): then the bank
    is validated afresh, which reports why."""
    parts = [str(CACHE_FORMAT)]
    pkg = Path(__file__).resolve().parent.parent
    # the code a cached bank was built by: the loader, the value types, the question kinds and
    # the symbolic parser that checks every load
    code = [pkg / "bank" / n for n in ("loader.py", "store.py", "search.py")]
    code += sorted((pkg / "core").glob("*.py")) + sorted((pkg / "kinds").glob("*.py")) + [pkg / "grading" / "symbolic.py"]
    try:
        for p in code:
            st = p.stat()
            parts.append(f"{p.name}:{st.st_mtime_ns}:{st.st_size}")
        for d in dirs:
            d = Path(os.path.realpath(d))
            parts.append(str(d))
            with os.scandir(d) as it:
                entries = sorted((e for e in it if Path(e.name).suffix in (".yaml", ".yml")), key=lambda e: e.name)
            for e in entries:
                st = os.stat(e.path)  # follows a symlink, as the loader does
                parts.append(f"{e.name}:{st.st_mode}:{st.st_mtime_ns}:{st.st_size}")
    except (OSError, ValueError, RuntimeError):
        return None
    return "|".join(parts)


_LOADED: dict[tuple, Bank] = {}


def load_bank(extra: list[Path] | None = None, use_cache: bool = True) -> Bank:
    """The built-in bank plus any extra folders, validated. Raises BankError with every
    problem if anything is wrong. Cached in memory and on disk in parts: a small core
    (topics, concept stubs, rendered math, question briefs) read at every start, and the
    concepts (one file each, and all together), the questions and the search index, each
    read only when a command first needs it."""
    import zlib

    dirs = [builtin_bank_dir(), *[Path(e) for e in (extra or [])]]
    key = tuple(str(d) for d in dirs)
    if key in _LOADED:
        return _LOADED[key]
    if not use_cache:
        bank = _validated(dirs)
        _LOADED[key] = bank
        return bank
    fp = _fingerprint(dirs)
    if fp is None:  # something in the folders cannot even be looked at: say what
        bank = _validated(dirs)
        _LOADED[key] = bank
        return bank
    stem = cache_dir() / f"bank-{zlib.adler32('|'.join(key).encode()):08x}"
    core = _read_part(stem.with_suffix(".json"), fp)
    if core is None:
        bank = _validated(dirs)
        from .search import index_data

        bank.search_data = index_data(bank)
        _cleanup(stem.parent)
        _write_cache(stem.with_suffix(".questions.json"), {"fingerprint": fp, "part": bank.questions_list()})
        _write_cache(stem.with_suffix(".concepts.json"), {"fingerprint": fp, "part": {c.id: c.to_dict() for c in bank.concepts.values()}})
        _write_concepts(Path(str(stem) + ".concepts"), fp, bank)
        _write_questions(Path(str(stem) + ".questions"), fp, bank)
        _write_cache(stem.with_suffix(".search.json"), {"fingerprint": fp, "part": bank.search_data})
        _write_cache(stem.with_suffix(".json"), {"fingerprint": fp, "part": bank.core_dict()})
        _LOADED[key] = bank
        return bank

    def part(suffix: str):
        data = _read_part(stem.with_suffix(suffix), fp)
        if data is None:  # a part went missing or stale under us: rebuild from the YAML
            fresh = _validated(dirs)
            if suffix == ".questions.json":
                return fresh.questions_list()
            if suffix == ".concepts.json":
                return {c.id: c.to_dict() for c in fresh.concepts.values()}
            return _search_index(fresh)
        return data

    def concept(cid: str) -> Concept:
        data = _read_part(Path(str(stem) + ".concepts") / f"{cid}.json", fp)
        if data is None:
            data = part(".concepts.json")[cid]
        return Concept.from_dict(data)

    def question(qid: str) -> Question | None:
        if "/" in qid or os.sep in qid or qid.startswith("."):  # never a path outside the cache folder
            return None
        data = _read_part(Path(str(stem) + ".questions") / f"{qid}.json", fp)
        return Question.from_dict(data) if data is not None else None  # None: read them all

    bank = Bank.from_core(core, loaders={
        "question": question,
        "concept": concept,
        "concepts": lambda: {cid: Concept.from_dict(d) for cid, d in part(".concepts.json").items()},
        "questions": lambda: Bank.questions_from_list(part(".questions.json")),
        "search": lambda: part(".search.json"),
    })
    _LOADED[key] = bank
    return bank


def _write_concepts(folder: Path, fp: str, bank: Bank) -> None:
    """One small file per concept, so `explain` reads just the one it shows."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for c in bank.concepts.values():
            _write_cache(folder / f"{c.id}.json", {"fingerprint": fp, "part": c.to_dict()})
    except OSError:
        pass


def _write_questions(folder: Path, fp: str, bank: Bank) -> None:
    """One small file per question too, so `explain` of a pasted exam question reads one."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for q in bank.questions_list():
            _write_cache(folder / f"{q['id']}.json", {"fingerprint": fp, "part": q})
    except OSError:
        pass


def _search_index(bank: Bank) -> dict:
    from .search import index_data

    return index_data(bank)


def _validated(dirs: list[Path]) -> Bank:
    from .loader import validate_dirs

    bank, problems = validate_dirs(dirs, deep=False)
    if problems:
        builtin = builtin_bank_dir()
        raise BankError(problems, [d for d in dirs if Path(d) != builtin])
    return bank


def _read_part(path: Path, fingerprint: str):
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("fingerprint") != fingerprint:
        return None
    return data.get("part")


def _cleanup(folder: Path) -> None:
    """Caches of other folder sets (e.g. an old --bank) not used for a week go."""
    import shutil
    import time

    week_ago = time.time() - 7 * 86400
    try:
        for old in folder.glob("bank-*"):
            if old.stat().st_mtime < week_ago:
                shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    except OSError:
        pass


def _write_cache(cache_file: Path, data: dict) -> None:
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cache_file)
    except OSError:
        pass  # a read-only cache folder only costs speed
