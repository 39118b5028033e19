"""Our search against a well-kept segmenter and ranker (issue 12): jieba for Chinese words and
BM25 (rank_bm25's Okapi BM25) as the ranker, on the real exam questions of tests/data.

    pip install jieba rank_bm25      # only for this benchmark; quizcli does not depend on them
    python bench/search_rankers.py

Routes, each ranking the bank's questions (prompt + variants, both languages) and concepts
(titles, aliases, summary) together and taking the first result:

  ours         quizcli.bank.search.find (stemmed words, Chinese character pairs, IDF overlap
               against each phrasing, names and phrases, a question-first rule)
  bm25+pairs   BM25 over our tokens (English stems, Chinese character pairs)
  bm25+jieba   BM25 over English stems and jieba's search-mode words for Chinese

For each: first result accepted (the item's `accept` list), on-course/off-course separation at
the best single score threshold (tests/data/off_course.yaml), median time per query, and the
import + first-use cost of the segmenter.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quizcli.bank.search import _CJK, find, normalize, strip_exam_noise, tokens  # noqa: E402
from quizcli.bank.store import load_bank  # noqa: E402


def _items() -> tuple[list[dict], list[str]]:
    items = []
    for part in "abc":
        data = yaml.safe_load((ROOT / "tests" / "data" / f"exam_questions_{part}.yaml").read_text(encoding="utf-8"))
        items += data["items"] if isinstance(data, dict) else data
    off = [it["q"] for it in yaml.safe_load((ROOT / "tests" / "data" / "off_course.yaml").read_text(encoding="utf-8"))["items"]]
    return items, off


def _docs(bank) -> tuple[list[str], list[str]]:
    ids, texts = [], []
    for q in bank.questions.values():
        if q.type != "short":
            continue
        ids.append(q.id)
        texts.append(" ".join([q.prompt.en, q.prompt.zh, *q.variants]))
    for c in bank.concepts.values():
        ids.append(c.id)
        texts.append(" ".join([c.title.en, c.title.zh, *getattr(c, "aliases", ()), c.summary.en, c.summary.zh]))
    return ids, texts


def _jieba_tokens(text: str, jieba) -> list[str]:
    s = normalize(text)
    out = [t for t in tokens(_CJK.sub(" ", s))]  # English part as ours
    for run in _CJK.findall(s):
        out += [w for w in jieba.lcut_for_search(run) if w.strip()]
    return out


def _separation(on: list[float], off: list[float]) -> tuple[float, float]:
    """The threshold that classifies most questions right, and the share it gets right."""
    best = (0.0, 0.0)
    for th in sorted(set(on + off)):
        right = sum(s >= th for s in on) + sum(s < th for s in off)
        share = right / (len(on) + len(off))
        if share > best[1]:
            best = (th, share)
    return best


def main() -> None:
    bank = load_bank()
    items, off = _items()
    print(f"{len(items)} real exam questions, {len(off)} off-course questions, bank {len(bank.questions)} questions")

    # ours
    t_ours, first_ok, on_ours = [], 0, 0
    for it in items:
        t0 = time.perf_counter()
        f = find(bank, it["q"])
        t_ours.append(time.perf_counter() - t0)
        first_ok += bool(f.hits) and f.hits[0].id in it["accept"]
        on_ours += f.in_course
    off_ours = sum(not find(bank, q).in_course for q in off)
    print(f"ours        first accepted {first_ok}/{len(items)} = {first_ok / len(items):.1%}; in course {on_ours}/{len(items)}, "
          f"off-course refused {off_ours}/{len(off)}; median {1000 * statistics.median(t_ours):.1f} ms")

    from rank_bm25 import BM25Okapi

    ids, texts = _docs(bank)
    t0 = time.perf_counter()
    import jieba  # noqa: E402

    jieba.setLogLevel(60)
    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    jieba.lcut("循环神经网络")
    t_first = time.perf_counter() - t0
    for name, tok in (("bm25+pairs", tokens), ("bm25+jieba", lambda s: _jieba_tokens(s, jieba))):
        t0 = time.perf_counter()
        bm = BM25Okapi([tok(strip_exam_noise(t)) or ["_"] for t in texts])
        t_build = time.perf_counter() - t0
        ok, times, on_s = 0, [], []
        for it in items:
            t0 = time.perf_counter()
            scores = bm.get_scores(tok(strip_exam_noise(it["q"])))
            best = max(range(len(ids)), key=scores.__getitem__)
            times.append(time.perf_counter() - t0)
            ok += ids[best] in it["accept"]
            on_s.append(float(scores[best]))
        off_s = [float(max(bm.get_scores(tok(strip_exam_noise(q))))) for q in off]
        th, share = _separation(on_s, off_s)
        print(f"{name:<11} first accepted {ok}/{len(items)} = {ok / len(items):.1%}; best threshold {th:.2f} separates "
              f"{share:.1%} of on/off-course; median {1000 * statistics.median(times):.1f} ms; index built in {t_build:.2f} s")
    print(f"jieba: import {1000 * t_import:.0f} ms, first cut (dictionary load) {1000 * t_first:.0f} ms")


if __name__ == "__main__":
    main()
