"""Spelling suggestions from the index vocabulary, for a query that matched nothing.

A query word is suspect when its stem is not in the index (or occurs in fewer than MIN_DF papers). Its
candidates are readable index words of a similar length that occur in at least MIN_DF papers, ranked by
difflib's similarity ratio (>= CUTOFF) and then by how many papers hold them. A suggestion is the whole
query with the suspect words replaced, so it can be offered as a link.
"""

from __future__ import annotations

import difflib

import numpy as np

from paperwire.search.index import MIN_DF, SearchIndex
from paperwire.search.text import STOP_WORDS, stem_words, words

CUTOFF = 0.75
MAX_SUGGESTIONS = 3


def spelling_suggestions(index: SearchIndex, text: str) -> list[str]:
    """Up to MAX_SUGGESTIONS corrected queries, best first; [] when no word looks misspelt or nothing is close."""
    query_words = words(text)
    corrections: dict[int, list[str]] = {}
    for position, word in enumerate(query_words):
        if word in STOP_WORDS or len(word) < 3 or word.isdigit() or _known(index, word):
            continue
        close = _close_words(index, word)
        if close:
            corrections[position] = close
    if not corrections:
        return []
    suggestions: list[str] = []
    for choice in range(MAX_SUGGESTIONS):
        suggestion = " ".join(_pick(corrections.get(n), word, choice) for n, word in enumerate(query_words))
        if suggestion not in suggestions:
            suggestions.append(suggestion)
    return suggestions


def _pick(options: list[str] | None, word: str, choice: int) -> str:
    return word if not options else options[min(choice, len(options) - 1)]


def _plausible(index: SearchIndex, word: str, length: int) -> list[str]:
    """The index words of `length` that can reach CUTOFF: difflib's ratio 2*M/T is at most its quick_ratio,
    the letters both words hold counted with multiplicity, so words under CUTOFF by that bound are dropped
    with a few numpy passes instead of one difflib comparison each (the result is the same)."""
    group = index.words_by_length.get(length)
    if group is None or len(group) == 0:
        return []
    shared = np.zeros(len(group), dtype=np.int64)
    for letter in set(word):
        shared += np.minimum(np.char.count(group, letter), word.count(letter))
    keep = 2.0 * shared >= CUTOFF * (len(word) + length) - 1e-9  # slack: never drop a word on rounding
    return group[keep].tolist()  # type: ignore[no-any-return]


def _known(index: SearchIndex, word: str) -> bool:
    column = index.lexical.vocab.get(stem_words([word])[0])
    return column is not None and int(index.document_frequency[column]) >= MIN_DF


def _close_words(index: SearchIndex, word: str) -> list[str]:
    pool = [w for length in range(len(word) - 2, len(word) + 3) for w in _plausible(index, word, length)]
    close = difflib.get_close_matches(word, pool, n=10, cutoff=CUTOFF)
    frequency = index.word_frequency
    ranked = sorted(close, key=lambda w: (-round(difflib.SequenceMatcher(None, word, w).ratio(), 2), -frequency[w]))
    return ranked[:MAX_SUGGESTIONS]
