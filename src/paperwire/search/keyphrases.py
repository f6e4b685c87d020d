"""Keywords and a one-sentence summary of a paper, computed locally with the shipped embedder.

Keywords: candidate phrases are runs of up to three content words of the title and abstract (split at
stop words, punctuation and math); each candidate is embedded and scored by cosine similarity to the
embedded paper, then maximal marginal relevance picks `count` of them, trading relevance against
similarity to the phrases already picked (`diversity`). Summary: the abstract sentence closest to the
centroid of all its sentences' embeddings (the most central sentence). No generative model is used.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine

from paperwire.search.interfaces import Embedder, Vectors
from paperwire.search.text import STOP_WORDS
from paperwire.storage.db import read_only

METHOD = "mmr-keyphrases+central-sentence"
# Words that rarely head a key phrase in abstracts, on top of the search stop words.
_WEAK_TEXT = """
paper propose proposed proposes present presents show shows shown use used uses using based new
novel approach method methods result results work works study studies existing different various
several however also can may well first second one two three via within without across towards
toward thus achieve achieves achieved demonstrate demonstrates experiments extensive significantly
outperforms state-of-the-art sota recent recently large small high low effective efficient problem
problems leverage leverages reduce reduces improve improves introduce introduces enable enables provide
provides make makes making every mitigate mitigates address addresses consistently remains remain
"""
_VERB_ENDINGS = ("ed", "ing", "izes", "ises", "ates")
_WEAK = frozenset(_WEAK_TEXT.split())
_MATH = re.compile(r"\$[^$]*\$|\\\(.*?\\\)|\\\[.*?\\\]")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9]|[A-Za-z]")
_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”]|\s-\s")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[$\\])")
MAX_CANDIDATES = 48


@dataclass(frozen=True)
class Digest:
    keywords: tuple[str, ...]
    summary: str | None


def _chunks(text: str) -> list[list[str]]:
    """Runs of words between stop words, weak words and punctuation (math removed)."""
    runs: list[list[str]] = []
    for piece in _BREAK.split(_MATH.sub(" . ", text)):
        run: list[str] = []
        for word in _WORD.findall(piece):
            low = word.lower()
            if low in STOP_WORDS or low in _WEAK or len(low) < 2 or low.isdigit():
                if run:
                    runs.append(run)
                run = []
            else:
                run.append(word)
        if run:
            runs.append(run)
    return runs


def candidates(title: str, abstract: str, limit: int = MAX_CANDIDATES) -> list[str]:
    """Distinct 1-3 word phrases, most frequent first (title words count double), acronyms kept as written."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for weight, text in ((2, title), (1, abstract)):
        for run in _chunks(text):
            for size in (1, 2, 3):
                for start in range(len(run) - size + 1):
                    words = run[start : start + size]
                    phrase = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
                    if size == 1 and len(phrase) < 3:
                        continue
                    if size > 1 and words[0].lower().endswith(_VERB_ENDINGS) and words[0].lower() not in title.lower():
                        continue  # "reduces frame-wise latency", "introducing unsafe weights": verb phrases
                    counts[phrase] += weight
                    first.setdefault(phrase, len(first))
    ranked = sorted(counts, key=lambda p: (-counts[p] * (1 + 0.5 * p.count(" ")), first[p]))
    return ranked[:limit]


def mmr(doc: Vectors, vectors: Vectors, count: int, diversity: float) -> list[int]:
    """Maximal marginal relevance: indices of `count` rows of `vectors`, relevant to `doc` yet unlike
    each other (diversity 0 = relevance only, 1 = novelty only)."""
    relevance = vectors @ doc
    chosen: list[int] = []
    remaining = list(range(len(vectors)))
    while remaining and len(chosen) < count:
        if chosen:
            redundancy = (vectors[remaining] @ vectors[chosen].T).max(axis=1)
        else:
            redundancy = np.zeros(len(remaining), dtype=np.float32)
        scores = (1 - diversity) * relevance[remaining] - diversity * redundancy
        best = remaining[int(np.argmax(scores))]
        chosen.append(best)
        remaining.remove(best)
    return chosen


def sentences(abstract: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(" ".join(abstract.split())) if len(s.split()) >= 4]


def central_sentence(abstract: str, embedder: Embedder) -> str | None:
    """The sentence whose embedding is closest to the mean of all the abstract's sentence embeddings."""
    found = sentences(abstract)
    if len(found) <= 1:
        return found[0] if found else None
    vectors = embedder.embed_documents(found)
    centroid = vectors.mean(axis=0)
    return found[int(np.argmax(vectors @ centroid))]


def digest(title: str, abstract: str, embedder: Embedder, count: int = 6, diversity: float = 0.5) -> Digest:
    """Keywords (MMR over candidate phrases) and the most central abstract sentence."""
    phrases = candidates(title, abstract)
    if not phrases:
        return Digest((), central_sentence(abstract, embedder))
    doc = embedder.embed_documents([f"{title}. {abstract}"])[0]
    picked = mmr(doc, embedder.embed_documents(phrases), count, diversity)
    return Digest(tuple(phrases[i] for i in picked), central_sentence(abstract, embedder))


def compute_pending(engine: Engine, embedder: Embedder, limit: int = 2000, batch: int = 50) -> dict[str, int]:
    """Keywords and summaries for up to `limit` papers that lack current ones, committed per batch."""
    from paperwire.storage import keywords as repo

    done = 0
    while done < limit:
        with read_only(engine) as conn:
            todo = repo.pending(conn, min(batch, limit - done))
        if not todo:
            break
        rows = []
        for paper in todo:
            found = digest(paper["title"], paper["abstract"], embedder)
            rows.append((paper["id"], list(found.keywords), found.summary, paper["content_hash"]))
        with engine.begin() as conn:
            repo.save(conn, rows)
        done += len(rows)
    with read_only(engine) as conn:
        return {"computed": done, "pending": repo.count_pending(conn)}
