"""Build or incrementally update a SearchIndex from documents (the service reads them from the DB)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy import sparse

from paperwire.search.bm25 import LexicalIndex, bm25_weights, build_tf, field_counts
from paperwire.search.compressed import Postings, as_scipy
from paperwire.search.fields import FIELDS
from paperwire.search.index import NO_DATE, KeywordIndex, SearchIndex
from paperwire.search.text import fold, phrase_key, words
from paperwire.storage.documents import IndexDocument


def field_texts(doc: IndexDocument) -> list[str]:
    return [getattr(doc, spec.column) for spec in FIELDS]


def category_tokens(categories_text: str) -> list[str]:
    """'cs.LG stat.ML' -> ['cs.lg', 'cs', 'stat.ml', 'stat']: cat:cs matches the whole archive."""
    tokens: list[str] = []
    for category in fold(categories_text).split():
        tokens += [category, category.split(".")[0]]
    return tokens


def _keyword_rows(token_lists: Sequence[Sequence[str]], vocab: dict[str, int]) -> sparse.csr_matrix:
    return build_tf((dict.fromkeys(tokens, 1.0) for tokens in token_lists), vocab)


def _pad(matrix: sparse.csr_matrix, rows: np.ndarray, columns: int) -> sparse.csr_matrix:
    kept = matrix[rows] if matrix.shape[0] else matrix
    return sparse.csr_matrix((kept.data, kept.indices, kept.indptr), shape=(kept.shape[0], columns))


def _stack(old: Postings | None, rows: np.ndarray, new: sparse.csr_matrix) -> sparse.csr_matrix:
    if old is None:
        return new
    top = _pad(sparse.csr_matrix(as_scipy(old)), rows, new.shape[1])
    return sparse.vstack([top, new], format="csr")


def _phrase_blob(
    old: SearchIndex | None, rows: np.ndarray, docs: Sequence[IndexDocument]
) -> tuple[np.ndarray, np.ndarray]:
    texts: list[bytes] = []
    if old is not None:
        for row in rows:
            texts.append(bytes(old.phrase_text[old.phrase_offsets[row] : old.phrase_offsets[row + 1]]))
    for doc in docs:
        texts.append(f" {phrase_key(doc.title)} \x1f {phrase_key(doc.abstract)} ".encode())
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(t) for t in texts])
    return np.frombuffer(b"".join(texts), dtype=np.uint8).copy(), offsets


def update_index(
    old: SearchIndex | None,
    docs: Sequence[IndexDocument],
    *,
    vectors: Mapping[str, np.ndarray],
    embedder: str,
    dim: int,
    seq: int,
) -> SearchIndex:
    """Replace or add `docs`; rows of other documents (and their vectors) are carried over from `old`.

    The caller passes old=None when the embedder changed: vectors of two models cannot be mixed.
    """
    changed = {doc.id for doc in docs}
    rows = np.array([r for r, pid in enumerate(old.ids) if pid not in changed] if old else [], dtype=np.int64)
    vocab = dict(old.lexical.vocab) if old else {}
    labels = dict(zip(old.lexical.vocab, old.labels, strict=True)) if old else {}
    tf = _stack(old.tf if old else None, rows, build_tf((field_counts(field_texts(d), labels) for d in docs), vocab))
    author_vocab = dict(old.authors.vocab) if old else {}
    authors = _stack(
        old.authors.postings if old else None, rows, _keyword_rows([words(d.authors_text) for d in docs], author_vocab)
    )
    category_vocab = dict(old.categories.vocab) if old else {}
    categories = _stack(
        old.categories.postings if old else None,
        rows,
        _keyword_rows([category_tokens(d.categories_text) for d in docs], category_vocab),
    )
    phrase_text, phrase_offsets = _phrase_blob(old, rows, docs)
    new_vectors, new_has = _vectors(docs, vectors, dim)
    return SearchIndex(
        ids=[old.ids[r] for r in rows] + [d.id for d in docs] if old else [d.id for d in docs],
        seq=seq,
        tf=tf,
        lexical=LexicalIndex(bm25_weights(tf), vocab),
        labels=[labels[term] for term in vocab],
        authors=KeywordIndex(authors.tocsc(), author_vocab),
        categories=KeywordIndex(categories.tocsc(), category_vocab),
        dates=np.concatenate(
            [
                np.asarray(old.dates)[rows] if old else np.zeros(0, np.int32),
                np.array([d.date.toordinal() if d.date else NO_DATE for d in docs], np.int32),
            ]
        ),
        phrase_text=phrase_text,
        phrase_offsets=phrase_offsets,
        vectors=np.vstack([np.asarray(old.vectors)[rows], new_vectors]) if old is not None else new_vectors,
        has_vector=np.concatenate([np.asarray(old.has_vector)[rows], new_has]) if old is not None else new_has,
        embedder=embedder,
        content_hashes=([old.content_hashes[r] for r in rows] if old else []) + [d.content_hash for d in docs],
    )


def _vectors(
    docs: Sequence[IndexDocument], vectors: Mapping[str, np.ndarray], dim: int
) -> tuple[np.ndarray, np.ndarray]:
    matrix = np.zeros((len(docs), dim), dtype=np.float32)
    has = np.zeros(len(docs), dtype=bool)
    for row, doc in enumerate(docs):
        vector = vectors.get(doc.id)
        if vector is not None and vector.shape == (dim,):
            matrix[row], has[row] = vector, True
    return matrix, has
