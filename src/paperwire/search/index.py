"""The in-memory search index: lexical BM25, keyword filters, phrase text, dates and vectors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from paperwire.search.bm25 import LexicalIndex
from paperwire.search.compressed import Postings, as_scipy
from paperwire.search.explain import meaningful
from paperwire.search.query import ParsedQuery
from paperwire.search.text import tokenize

Mask = npt.NDArray[np.bool_]
NO_DATE = 0  # dates are stored as proleptic ordinals; 0 means unknown
MIN_DF = 3  # spelling suggestions only offer words that this many papers hold


@dataclass
class KeywordIndex:
    """Exact-token postings (docs x tokens, CSC, no weights) for author and category filters."""

    postings: Postings  # CSC
    vocab: Mapping[str, int]

    def rows_with(self, token: str) -> Mask:
        mask = np.zeros(self.postings.shape[0], dtype=bool)
        column = self.vocab.get(token)
        if column is not None:
            start, end = self.postings.indptr[column], self.postings.indptr[column + 1]
            mask[self.postings.indices[start:end]] = True
        return mask

    def rows_with_all(self, tokens: list[str]) -> Mask:
        mask = np.ones(self.postings.shape[0], dtype=bool)
        for token in tokens:
            mask &= self.rows_with(token)
        return mask


@dataclass
class SearchIndex:
    ids: list[str]
    seq: int
    tf: Postings  # CSR: weighted term frequencies (docs x terms), kept for updates and key terms
    lexical: LexicalIndex
    labels: Sequence[str]  # column -> a readable surface word for the stem
    authors: KeywordIndex
    categories: KeywordIndex
    dates: npt.NDArray[np.int32]
    phrase_text: npt.NDArray[np.uint8]  # every doc's phrase_key text, concatenated (utf-8)
    phrase_offsets: npt.NDArray[np.int64]
    vectors: npt.NDArray[np.float32]  # (docs x dim); zero rows where has_vector is False
    has_vector: Mask
    embedder: str = ""
    content_hashes: Sequence[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.ids)

    @cached_property
    def position(self) -> dict[str, int]:
        return {paper_id: row for row, paper_id in enumerate(self.ids)}

    def filter_mask(self, query: ParsedQuery) -> Mask | None:
        """Rows allowed by author:, cat:, after:/before: and "phrases"; None when nothing filters."""
        if not query.has_filters and not query.phrases:
            return None
        mask = np.ones(self.size, dtype=bool)
        for author in query.authors:
            mask &= self.authors.rows_with_all(author.split())
        if query.categories:
            mask &= np.logical_or.reduce([self.categories.rows_with(c) for c in query.categories])
        if query.after is not None:
            mask &= self.dates >= query.after.toordinal()
        if query.before is not None:
            mask &= (self.dates <= query.before.toordinal()) & (self.dates != NO_DATE)
        for phrase in query.phrases:
            mask &= self.lexical.docs_with_all(tokenize(phrase))
            mask[np.flatnonzero(mask)] = [self._contains(int(row), phrase) for row in np.flatnonzero(mask)]
        return mask

    def _contains(self, row: int, phrase: str) -> bool:
        start, end = self.phrase_offsets[row], self.phrase_offsets[row + 1]
        text = bytes(self.phrase_text[start:end]).decode("utf-8")
        return f" {phrase} " in text

    def date_of(self, row: int) -> date | None:
        value = int(self.dates[row])
        return None if value == NO_DATE else date.fromordinal(value)

    @cached_property
    def idf(self) -> npt.NDArray[np.float64]:
        df = np.diff(self.lexical.weights.indptr).astype(np.float64)
        idf: npt.NDArray[np.float64] = np.log1p((self.size - df + 0.5) / (df + 0.5))
        return idf

    @cached_property
    def tfidf(self) -> Any:
        """Unit-length TF-IDF rows, a scipy CSR matrix (For You's lexical signal, search/personal.py). scipy is
        imported here, not at module level: the query path of `paperwire search` never needs it."""
        from scipy import sparse

        weighted = sparse.csr_matrix(as_scipy(self.tf).multiply(self.idf[np.newaxis, :]))
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        return sparse.csr_matrix(sparse.diags(1 / np.maximum(norms, 1e-12)) @ weighted)

    @cached_property
    def for_you_background(self) -> Any:
        """For You's sample of this index's papers and its Gram matrices (search/personal.py `Background`),
        drawn once per index generation instead of once per feed."""
        from paperwire.search.personal import draw_background

        return draw_background(self.vectors, self.tfidf)

    @cached_property
    def category_rows(self) -> Any:
        """Papers x category tokens ('cs.lg' and its archive 'cs'), 1 where the paper is in it: a scipy CSR
        matrix, For You's category signal (search/personal.py)."""
        from scipy import sparse

        rows = sparse.csr_matrix(as_scipy(self.categories.postings), dtype=np.float32)
        rows.data[:] = 1.0
        return rows

    @cached_property
    def document_frequency(self) -> npt.NDArray[np.int64]:
        df: npt.NDArray[np.int64] = np.diff(self.lexical.weights.indptr)
        return df

    @cached_property
    def word_frequency(self) -> dict[str, int]:
        """Readable index words (letters only, >= 3 long, df >= MIN_DF) and their document frequency."""
        frequency: dict[str, int] = {}
        df = self.document_frequency
        labels = self.labels
        for column in np.flatnonzero(df >= MIN_DF).tolist():  # most terms are rarer: skip them in numpy
            label = labels[column]
            if len(label) >= 3 and label.isalpha():
                frequency[label] = max(frequency.get(label, 0), int(df[column]))
        return frequency

    @cached_property
    def words_by_length(self) -> dict[int, npt.NDArray[np.str_]]:
        """The readable words of `word_frequency` by length, as numpy string arrays (search/suggest.py
        counts letters over a whole group at once)."""
        groups: dict[int, list[str]] = {}
        for word in self.word_frequency:
            groups.setdefault(len(word), []).append(word)
        return {length: np.array(group, dtype=np.str_) for length, group in groups.items()}

    def warm(self) -> None:
        """Read the memory-mapped arrays once and build the lookup tables a first request would build."""
        float(np.asarray(self.vectors).sum())
        float(self.lexical.weights.data.sum())
        _ = self.position, self.idf, self.words_by_length

    def key_terms(self, row: int, other: int, limit: int = 8) -> list[str]:
        """Meaningful terms both documents share (search/explain.py: no LaTeX, numbers, fragments or stock
        words), ranked by the product of their tf-idf weights; one label per word."""
        first, second = self._row_weights(row), self._row_weights(other)
        shared = [c for c in set(first).intersection(second) if meaningful(self.labels[c])]
        ranked = sorted(shared, key=lambda column: (-first[column] * second[column], column))
        return list(dict.fromkeys(self.labels[column] for column in ranked))[:limit]

    def _row_weights(self, row: int) -> dict[int, float]:
        start, end = self.tf.indptr[row], self.tf.indptr[row + 1]
        columns, values = self.tf.indices[start:end], self.tf.data[start:end]
        return {int(c): float(v * self.idf[c]) for c, v in zip(columns, values, strict=True)}
