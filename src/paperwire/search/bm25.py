"""BM25F-style lexical scoring over a sparse inverted index.

Term frequencies from each field are multiplied by the field weight (fields.py) and summed into one
pseudo-document; BM25 weights are precomputed per (doc, term) into a CSC matrix so a query is the sum
of its terms' columns (np.bincount over the posting slices) and top-k is an argpartition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from paperwire.search.compressed import Postings
from paperwire.search.fields import BM25, FIELDS, BM25Params, SearchField
from paperwire.search.text import analyse, tokenize

Scores = npt.NDArray[np.float32]


def field_counts(
    texts: Sequence[str], labels: dict[str, str] | None = None, fields: Sequence[SearchField] = FIELDS
) -> dict[str, float]:
    """Weighted term frequencies of one document; texts in FIELDS order. Fills labels[stem] = a word."""
    counts: dict[str, float] = {}
    for spec, text in zip(fields, texts, strict=True):
        surface, stems = analyse(text)
        for word, term in zip(surface, stems, strict=True):
            counts[term] = counts.get(term, 0.0) + spec.weight
            if labels is not None and term not in labels:
                labels[term] = word
    return counts


def build_tf(docs: Iterable[Mapping[str, float]], vocab: dict[str, int]) -> Any:
    """Rows of weighted term frequencies (a scipy CSR matrix); `vocab` grows with new terms."""
    from scipy import sparse  # building only: the query path reads Compressed postings (compressed.py)

    indptr, indices, data = [0], [], []
    for counts in docs:
        for term, value in counts.items():
            indices.append(vocab.setdefault(term, len(vocab)))
            data.append(value)
        indptr.append(len(indices))
    shape = (len(indptr) - 1, len(vocab))
    return sparse.csr_matrix(
        (np.asarray(data, np.float32), np.asarray(indices, np.int32), np.asarray(indptr, np.int64)), shape=shape
    )


def bm25_weights(tf: Any, params: BM25Params = BM25) -> Any:
    """Precomputed idf * tf (k1 + 1) / (tf + k1 (1 - b + b dl / avgdl)), as scipy CSC for column sums."""
    from scipy import sparse

    tf = tf.tocsr()
    n_docs = max(tf.shape[0], 1)
    lengths = np.asarray(tf.sum(axis=1)).ravel()
    avgdl = float(lengths.mean()) if lengths.size and lengths.mean() > 0 else 1.0
    df = np.bincount(tf.indices, minlength=tf.shape[1]).astype(np.float64)
    idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
    row_of = np.repeat(np.arange(tf.shape[0]), np.diff(tf.indptr))
    norm = params.k1 * (1 - params.b + params.b * lengths[row_of] / avgdl)
    values = idf[tf.indices] * tf.data * (params.k1 + 1) / (tf.data + norm)
    weights = sparse.csr_matrix((values.astype(np.float32), tf.indices, tf.indptr), shape=tf.shape)
    return weights.tocsc()


@dataclass
class LexicalIndex:
    """BM25 weights (docs x terms, CSC) and the term -> column map."""

    weights: Postings  # CSC
    vocab: Mapping[str, int]

    @property
    def size(self) -> int:
        return int(self.weights.shape[0])

    def term_ids(self, terms: Iterable[str]) -> list[int]:
        return [self.vocab[t] for t in terms if t in self.vocab]

    def score_terms(self, terms: Sequence[str]) -> Scores:
        """BM25 score of every document for these (already analysed) query terms; repeats count."""
        columns = self.term_ids(terms)
        if not columns:
            return np.zeros(self.size, dtype=np.float32)
        indptr, indices, data = self.weights.indptr, self.weights.indices, self.weights.data
        rows = np.concatenate([indices[indptr[c] : indptr[c + 1]] for c in columns])
        values = np.concatenate([data[indptr[c] : indptr[c + 1]] for c in columns])
        return np.bincount(rows, weights=values, minlength=self.size).astype(np.float32)

    def coverage(self, terms: Sequence[str]) -> Scores:
        """Share of the query's idf weight that each document contains (distinct terms; a term the index
        has never seen counts with the idf of df = 0, so matching only the common words of a query whose
        rare words are unknown stays low). 1.0 = every query term present."""
        distinct = list(dict.fromkeys(terms))
        if not distinct:
            return np.zeros(self.size, dtype=np.float32)
        n = self.size
        unseen = float(np.log1p((n + 0.5) / 0.5))
        indptr, indices = self.weights.indptr, self.weights.indices
        matched = np.zeros(n, dtype=np.float64)
        total = 0.0
        for term in distinct:
            column = self.vocab.get(term)
            if column is None:
                total += unseen
                continue
            rows = indices[indptr[column] : indptr[column + 1]]
            idf = float(np.log1p((n - rows.size + 0.5) / (rows.size + 0.5)))
            matched[rows] += idf
            total += idf
        return (matched / max(total, 1e-12)).astype(np.float32)

    def score(self, text: str) -> Scores:
        return self.score_terms(tokenize(text))

    def docs_with_all(self, terms: Sequence[str]) -> npt.NDArray[np.bool_]:
        """Rows that contain every one of these terms."""
        mask = np.ones(self.size, dtype=bool)
        for term in terms:
            column = self.vocab.get(term)
            present = np.zeros(self.size, dtype=bool)
            if column is not None:
                present[self.weights.indices[self.weights.indptr[column] : self.weights.indptr[column + 1]]] = True
            mask &= present
        return mask
