"""For You: the one ranking of papers for one reader, used by /for-you, /api/for-you, the private
Atom feed and the digest's "Recommended for you" section.

The reader's profile is what they did here: positives are saved papers, upvotes and the papers of
authors they follow; negatives are their "Not relevant" clicks. Each candidate gets

    score = w_linear * z(linear) + w_knn * z(knn) + w_lexical * z(lexical) + w_lexical_model * z(ridge)
            + w_category * z(category) - w_negative * z(near_negative) + w_followed * [by a followed author]

where z() standardises a signal by its spread over papers sampled from the whole index, `linear` is
a class-balanced ridge classifier trained on the embeddings (positives against explicit negatives and
those sampled papers), `knn` the cosine to the closest single positive (max-sim: a reader with two
interests keeps both), `lexical` the TF-IDF cosine to the sum of the positives' term vectors, `ridge` the
same kind of classifier as `linear` over the TF-IDF rows, `category` the log-odds of the paper's arXiv
categories among the positives against the whole index, and `near_negative` the cosine to the closest
"Not relevant" paper. The weights are tuned by bench/for_you.py on earlier cut dates than the ones it
reports (docs/benchmarks.md). Everything is numpy over the matrices the search index already holds in
memory, so one reader's feed over the whole index is a few matrix products.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sqlalchemy import Connection, Engine

from paperwire.search.index import NO_DATE, SearchIndex
from paperwire.storage import library, newest, reader
from paperwire.storage.db import read_only

Rows = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Weights:
    """Defaults: the weights bench/for_you.py chose on its tuning cuts (2025-05-05, 05-19, 06-02) with the
    real vectors of the first 20,480 cs papers, run of 2026-12-03 (docs/benchmarks.md): a feed over all
    74,728 papers takes ~20 ms on a quiet machine (2026-12-08), within the 50 ms budget since the linear
    signals fold into one pass and the background is drawn once per index. negative and followed are not
    measured by that task and are set by hand. lexical_knn stays off: it won no weight."""

    linear: float = 0.5
    knn: float = 1.0
    lexical: float = 1.0
    lexical_knn: float = 0.0  # TF-IDF cosine to the closest single positive
    lexical_model: float = 0.5  # a class-balanced ridge classifier on the TF-IDF rows (kernel form)
    category: float = 1.0  # log-odds of the paper's arXiv categories among the positives vs the index
    category_prior: float = 2.0  # pseudo-papers of smoothing towards the index's category rates
    lexical_l2: float = 1.0
    negative: float = 0.5
    followed: float = 1.5
    sampled_negatives: int = 400  # papers drawn from the index as the classifier's background class
    l2: float = 1.0


WEIGHTS = Weights()


@dataclass(frozen=True)
class Profile:
    """What one reader did: ids in the order they happened, newest first."""

    positives: tuple[str, ...] = ()
    negatives: tuple[str, ...] = ()
    followed_papers: dict[str, str] = field(default_factory=dict)  # paper id -> the followed author's name
    searched_papers: dict[str, str] = field(default_factory=dict)  # paper id -> the followed search

    @property
    def is_cold(self) -> bool:
        return not self.positives and not self.followed_papers


@dataclass(frozen=True)
class Pick:
    paper_id: str
    score: float
    why: str


SHORTLIST = 4096  # candidates that get the max-sim signals when a feed ranks more than this (score_rows)


def _z(values: Floats, reference: Floats) -> Floats:
    """Standardise by a reference sample drawn from the whole index (not by the candidates), so a
    paper's score does not depend on which other papers are ranked with it: the digest's pool and
    the page's two weeks order the papers they share the same way."""
    spread = float(reference.std()) if len(reference) else 0.0
    return (values - reference.mean()) / spread if spread > 1e-12 else np.zeros_like(values)


@dataclass(frozen=True, eq=False)  # arrays
class Background:
    """The papers drawn from the index for every reader alike (a fixed seed), and what the classifiers
    need of them: the classifiers learn from the first half (the background class), the other half is the
    reference the signals are standardised by (the papers a classifier was fitted to push down would
    understate its spread). Computed once per index generation (`SearchIndex.for_you_background`), not
    once per feed: the two Gram matrices are most of the cost of fitting the classifiers (~15 ms of a
    74,728-paper feed)."""

    papers: int  # rows of the index it was drawn from
    sampled: int
    seed: int
    train: Rows
    reference: Rows
    dense_gram: Floats  # [x 1]^T [x 1] over the train rows (the bias column last)
    dense_sum: Floats  # [x 1]^T 1
    train_words: sparse.csr_matrix | None  # TF-IDF rows of the train rows
    word_gram: Floats | None  # their dot products (train x train)

    def fits(self, papers: int, weights: Weights, seed: int, *, words: bool) -> bool:
        return (self.papers, self.sampled, self.seed) == (papers, weights.sampled_negatives, seed) and (
            self.word_gram is not None or not words
        )


def _with_bias(vectors: npt.NDArray[np.float32], rows: Rows) -> Floats:
    x = vectors[rows].astype(np.float64)
    return np.hstack([x, np.ones((len(rows), 1))])


def draw_background(
    vectors: npt.NDArray[np.float32],
    lexical: sparse.csr_matrix | None,
    sampled: int = WEIGHTS.sampled_negatives,
    seed: int = 0,
) -> Background:
    """The background of an index: 2 x `sampled` rows drawn without replacement. An index too small to
    spare `sampled // 4` rows for the reference is its own reference (every row, the train rows too): a
    reference of a handful of rows, or none, has no spread to standardise by."""
    drawn = np.random.default_rng(seed).choice(len(vectors), size=min(2 * sampled, len(vectors)), replace=False)
    train, reference = drawn[:sampled], drawn[sampled:]
    if len(reference) < max(sampled // 4, 2):
        reference = np.arange(len(vectors), dtype=np.int64)
    x = _with_bias(vectors, train)
    words = lexical[train] if lexical is not None else None
    gram = (words @ words.T).toarray().astype(np.float64) if words is not None else None
    return Background(len(vectors), sampled, seed, train, reference, x.T @ x, x.sum(axis=0), words, gram)


def _class_weights(positives: int, others: int) -> tuple[float, float]:
    """Class-balanced row weights (positive rows, other rows): each class weighs half of all rows."""
    total = positives + others
    return 0.5 / max(positives, 1) * total, 0.5 / max(others, 1) * total


def _linear(
    vectors: npt.NDArray[np.float32], positives: Rows, negatives: Rows, background: Background, kept: Mask, l2: float
) -> Floats:
    """A class-balanced ridge classifier (targets +1/-1) of the positives against the negatives and the
    kept background rows: one 385 x 385 solve, a few milliseconds (logistic regression by Newton's method
    needs one such solve per step, too slow for the 50 ms budget of a feed). The background's part of the
    Gram matrix comes precomputed; the rows it loses to the positives are subtracted. Returns the weights
    with the bias last."""
    liked, disliked, dropped = (_with_bias(vectors, rows) for rows in (positives, negatives, background.train[~kept]))
    w_pos, w_other = _class_weights(len(positives), len(negatives) + int(kept.sum()))
    gram = w_pos * liked.T @ liked + w_other * (disliked.T @ disliked + background.dense_gram - dropped.T @ dropped)
    target = w_pos * liked.sum(axis=0) - w_other * (disliked.sum(axis=0) + background.dense_sum - dropped.sum(axis=0))
    ridge = l2 * np.eye(gram.shape[0])
    ridge[-1, -1] = 1e-6  # the bias is all but free; a little keeps tiny inputs solvable
    w: Floats = np.linalg.solve(gram + ridge, target)
    return w


def _take(matrix: Any, rows: Rows) -> Any:
    """matrix[rows], without the copy when `rows` is every row in order."""
    if len(rows) == matrix.shape[0] and (len(rows) == 0 or (rows[0] == 0 and bool((np.diff(rows) == 1).all()))):
        return matrix
    return matrix[rows]


def score_rows(
    vectors: npt.NDArray[np.float32],
    positives: Rows,
    negatives: Rows,
    candidates: Rows,
    lexical: sparse.csr_matrix | None = None,
    weights: Weights = WEIGHTS,
    seed: int = 0,
    categories: sparse.csr_matrix | None = None,
    background: Background | None = None,
) -> Floats:
    """Scores of the candidate rows (higher is better). `vectors` rows are unit length; `lexical`, when
    given, has unit-length TF-IDF rows aligned with `vectors`; `categories`, when given, is 1 where a
    paper is in a category (search/index.py `SearchIndex.category_rows`); `background`, when given and
    drawn from these matrices with these weights' sample size and `seed`, saves drawing it again."""
    words_needed = lexical is not None and bool(weights.lexical_model)
    if background is None or not background.fits(len(vectors), weights, seed, words=words_needed):
        background = draw_background(vectors, lexical if words_needed else None, weights.sampled_negatives, seed)
    kept = ~np.isin(background.train, positives)
    reference = background.reference
    trainable = len(positives) > 0 and len(negatives) + int(kept.sum()) > 0
    if not trainable:  # nothing to tell apart (a tiny index that is all positives)
        w = np.zeros(vectors.shape[1] + 1)
    else:
        w = _linear(vectors, positives, negatives, background, kept, weights.l2)
    liked = vectors[positives].astype(np.float32)
    disliked = vectors[negatives].astype(np.float32) if len(negatives) and weights.negative else None
    profile = None
    if lexical is not None and weights.lexical:
        summed = np.asarray(lexical[positives].sum(axis=0)).ravel()
        norm = float(np.linalg.norm(summed))
        profile = (summed / norm).astype(np.float32) if norm > 0 else None
    word_weights = None
    if lexical is not None and weights.lexical_model and trainable:
        word_weights = _lexical_model(lexical, positives, negatives, background, kept, weights.lexical_l2)
    category_weights = None
    if categories is not None and weights.category:
        category_weights = _category_log_odds(categories, positives, weights.category_prior)
    # sparse x sparse: 119 ms against 327 ms for sparse x dense at 74,728 rows (measured, one BLAS thread)
    closest_words = lexical[positives].T.tocsc() if lexical is not None and weights.lexical_knn else None
    liked_columns = len(liked) if weights.knn else 0

    # Most signals are linear in a paper's row (the classifier, the TF-IDF profile and ridge, the category
    # log-odds), and so is a weighted sum of their standardised values: w1 * (a1.x - m1) / s1 + w2 * (a2.x - m2)
    # / s2 = (w1 a1 / s1 + w2 a2 / s2).x - const. So the spreads come from the small reference sample first,
    # and the candidates then need one column per space (dense, TF-IDF, categories) for all the linear signals
    # together: the cost of a pass over every row grows with its columns, so the ridge and category signals
    # cost a feed their fitting, not another pass.
    linear_dense = [(weights.linear, w[:-1].astype(np.float32))]
    linear_words = [
        (weight, column)
        for weight, column in ((weights.lexical, profile), (weights.lexical_model, word_weights))
        if column is not None
    ]
    linear_categories = [(weights.category, category_weights)] if category_weights is not None else []
    sample = _take(vectors, reference)
    sample_words = _take(lexical, reference) if lexical is not None else None
    sample_categories = _take(categories, reference) if categories is not None else None

    def folded(terms: list[tuple[float, Any]], matrix: Any) -> tuple[Any, float]:
        """The one column and constant that give sum(weight * z(matrix @ column)) over the terms."""
        column = None
        offset = 0.0
        for weight, values in terms:
            found = np.asarray(matrix @ values, dtype=np.float64).ravel()
            spread = float(found.std()) if len(found) else 0.0
            if not weight or not spread > 1e-12:  # no spread (or no reference) to standardise by
                continue
            part = (weight / spread) * values.astype(np.float64)
            column = part if column is None else column + part
            offset += weight * float(found.mean()) / spread
        return (None if column is None else column.astype(np.float32)), offset

    dense_column, dense_offset = folded(linear_dense, sample)
    word_column, word_offset = folded(linear_words, sample_words) if linear_words else (None, 0.0)
    category_column, category_offset = (
        folded(linear_categories, sample_categories) if linear_categories else (None, 0.0)
    )
    # The max-sim signals: the liked papers (only when that signal has a weight) and the disliked ones as
    # the columns of one matrix, one product for both.
    against = [liked.T[:, :liked_columns]] + ([disliked.T] if disliked is not None else [])
    nearest = np.hstack(against).astype(np.float32) if liked_columns or disliked is not None else None

    def maxima(chosen: Any, words: Any) -> list[tuple[float, Floats]]:
        """(weight, values) per max-sim signal for these rows."""
        both = chosen @ nearest if nearest is not None else None
        found: list[tuple[float, Any]] = []
        if liked_columns and both is not None:
            found.append((weights.knn, both[:, :liked_columns].max(axis=1)))
        if closest_words is not None and words is not None:
            found.append((weights.lexical_knn, np.asarray((words @ closest_words).max(axis=1).todense()).ravel()))
        if disliked is not None and both is not None:
            found.append((-weights.negative, both[:, liked_columns:].max(axis=1)))
        return [(weight, np.asarray(values, dtype=np.float64)) for weight, values in found]

    # One pass over every candidate per space for the folded linear signals (_take: a view when the
    # candidates are every row; 74,728 x 384 is 115 MB) ...
    score = np.zeros(len(candidates))
    if dense_column is not None:
        score += np.asarray(_take(vectors, candidates) @ dense_column, dtype=np.float64) - dense_offset
    if word_column is not None and lexical is not None:
        score += np.asarray(_take(lexical, candidates) @ word_column, dtype=np.float64).ravel() - word_offset
    if category_column is not None and categories is not None:
        score += np.asarray(_take(categories, candidates) @ category_column, dtype=np.float64).ravel() - category_offset
    reference_maxima = maxima(sample, sample_words)
    if not reference_maxima:
        return score
    # ... and the max-sim signals (one column per liked or disliked paper) for the SHORTLIST best of them
    # only, when there are more: a paper that far down the linear signals does not reach a feed's top 50.
    # The others get each max-sim signal's lowest value on the shortlist, so they stay below it in the
    # linear order. A feed's own candidates (two weeks, a digest's pool) are fewer, so this changes nothing
    # there; it bounds the cost of ranking a whole index.
    near = np.arange(len(candidates))
    if len(candidates) > SHORTLIST:
        near = np.argpartition(-score, SHORTLIST - 1)[:SHORTLIST]
    shortlisted = candidates[near]
    for (weight, values), (_, reference_values) in zip(
        maxima(vectors[shortlisted], lexical[shortlisted] if lexical is not None else None),
        reference_maxima,
        strict=True,
    ):
        standard = weight * _z(values, reference_values)
        if len(near) < len(candidates):
            extra = np.full(len(candidates), float(standard.min()))
            extra[near] = standard
            score += extra
        else:
            score += standard
    return score


def _lexical_model(
    lexical: sparse.csr_matrix, positives: Rows, negatives: Rows, background: Background, kept: Mask, l2: float
) -> npt.NDArray[np.float32]:
    """A class-balanced ridge classifier (targets +1/-1) over sparse TF-IDF rows, solved in its kernel
    form: one n x n system for the n training papers (a few hundred), not one per vocabulary word; the
    background's block of the kernel comes precomputed. The weight of each word is what it adds to a
    paper's score."""
    if background.train_words is None or background.word_gram is None:
        raise ValueError("the For You background was drawn without the TF-IDF rows the lexical model needs")
    head = lexical[np.concatenate([positives, negatives])]
    tail = background.train_words[np.flatnonzero(kept)]
    across = (head @ tail.T).toarray().astype(np.float64)
    gram = np.block(
        [
            [(head @ head.T).toarray().astype(np.float64), across],
            [across.T, background.word_gram[np.ix_(kept, kept)]],
        ]
    )
    gram += 1.0  # an unpenalised-ish bias feature
    w_pos, w_other = _class_weights(len(positives), len(negatives) + int(kept.sum()))
    weight = np.concatenate([np.full(len(positives), w_pos), np.full(len(negatives) + int(kept.sum()), w_other)])
    target = np.concatenate([np.ones(len(positives)), -np.ones(len(weight) - len(positives))])
    alpha = np.linalg.solve(gram + np.diag(l2 / weight), target)
    found = np.asarray(head.T @ alpha[: head.shape[0]]).ravel() + np.asarray(tail.T @ alpha[head.shape[0] :]).ravel()
    result: npt.NDArray[np.float32] = found.astype(np.float32)
    return result


def _category_log_odds(categories: sparse.csr_matrix, positives: Rows, prior: float) -> npt.NDArray[np.float32]:
    """Per category, how much more often the positives are in it than the index's papers are (Bernoulli
    naive Bayes: the log-odds of being in it, minus those of not being in it), the positives' counts
    smoothed by `prior` pseudo-papers at the index's rates. A paper's signal is the sum over its categories."""
    papers = categories.shape[0]
    rate = (np.asarray(categories.sum(axis=0)).ravel() + 0.5) / (papers + 1.0)
    counts = np.asarray(categories[positives].sum(axis=0)).ravel()
    liked = (counts + prior * rate) / (len(positives) + prior)
    found: npt.NDArray[np.float32] = (np.log(liked / rate) - np.log((1 - liked) / (1 - rate))).astype(np.float32)
    return found


def closest_positive(vectors: npt.NDArray[np.float32], positives: Rows, rows: Rows) -> Rows:
    """Per row, the index into `positives` of the most similar one (the "close to ..." of a pick); asked
    only for the picks shown, not for every candidate."""
    if not len(rows):
        return np.zeros(0, dtype=np.int64)
    nearest: Rows = (vectors[rows] @ vectors[positives].T).argmax(axis=1).astype(np.int64)
    return nearest


def rank(
    ids: Sequence[str],
    vectors: npt.NDArray[np.float32],
    profile: Profile,
    candidates: Sequence[str],
    titles: dict[str, str],
    *,
    lexical: sparse.csr_matrix | None = None,
    categories: sparse.csr_matrix | None = None,
    limit: int = 50,
    weights: Weights = WEIGHTS,
    position: dict[str, int] | None = None,
    background: Background | None = None,
) -> list[Pick]:
    """The reader's best `limit` candidates, each with why. Papers the reader already saved, upvoted or
    marked "Not relevant" are left out; so are candidates without a vector (not embedded yet)."""
    position = position if position is not None else {paper_id: row for row, paper_id in enumerate(ids)}
    liked = list(dict.fromkeys([*profile.positives, *profile.followed_papers]))
    positives = np.array([position[p] for p in liked if p in position], dtype=np.int64)
    if profile.is_cold or not len(positives):
        return []
    if candidates is ids:  # the whole index: no per-paper Python work
        rows = np.arange(len(ids), dtype=np.int64)
    else:
        rows = np.array([position[p] for p in dict.fromkeys(candidates) if p in position], dtype=np.int64)
    seen = np.array([position[p] for p in {*profile.positives, *profile.negatives} if p in position], dtype=np.int64)
    keep = ~np.isin(rows, seen)
    if not keep.any():
        return []
    negatives = np.array([position[p] for p in profile.negatives if p in position], dtype=np.int64)
    score = score_rows(
        vectors, positives, negatives, rows, lexical, weights, categories=categories, background=background
    )
    followed = np.array([position[p] for p in profile.followed_papers if p in position], dtype=np.int64)
    score += weights.followed * np.isin(rows, followed)
    score[~keep] = -np.inf
    top = min(limit, int(keep.sum()))
    best = np.argpartition(-score, top - 1)[:top] if top < len(score) else np.arange(len(score))
    order = best[np.argsort(-score[best], kind="stable")]
    nearest = closest_positive(vectors, positives, rows[order])
    return [
        Pick(ids[rows[i]], float(score[i]), _why(ids[rows[i]], ids[positives[n]], profile, titles))
        for i, n in zip(order, nearest, strict=True)
    ]


def _why(paper_id: str, closest: str, profile: Profile, titles: dict[str, str]) -> str:
    if paper_id in profile.followed_papers:
        return f"by {profile.followed_papers[paper_id]}, whom you follow"
    if paper_id in profile.searched_papers:
        return f"in your followed search '{profile.searched_papers[paper_id]}'"
    title = titles.get(closest, closest)
    return f"close to '{title[:90]}', which you {'saved or upvoted' if closest in profile.positives else 'follow'}"


RECENT_DAYS = 14  # For You ranks the papers of the index's last two weeks
FOLLOWED_AUTHOR_PAPERS = 200


def load_profile(conn: Connection, user_id: int) -> Profile:
    """The reader's signals, read from the library, votes and follows tables."""
    saved = [item["paper_id"] for item in library.saved_items(conn, user_id, limit=1000)]
    voted = [row.id for row in reader.papers_voted_by(conn, user_id, limit=1000)]
    followed: dict[str, str] = {}
    labels = [follow.label for follow in library.follows_of(conn, user_id, "author")]
    spellings = reader.find_authors_of(conn, labels)
    groups = [[author["id"] for author in spellings[label]] for label in labels]
    for label, ids in zip(labels, newest.newest_of_authors(conn, groups, FOLLOWED_AUTHOR_PAPERS), strict=True):
        followed.update({paper_id: label for paper_id in ids if paper_id not in followed})
    negatives = tuple(library.not_relevant_ids(conn, user_id))
    return Profile(tuple(dict.fromkeys([*saved, *voted])), negatives, followed)


def recent_ids(index: SearchIndex, days: int = RECENT_DAYS) -> list[str]:
    """The index's papers dated within `days` of its newest paper."""
    dated = index.dates[index.dates != NO_DATE]
    if not len(dated):
        return []
    newest = int(dated.max())
    rows = np.flatnonzero((index.dates != NO_DATE) & (index.dates > newest - days))
    return [index.ids[row] for row in rows]


def for_you(
    engine: Engine, index: SearchIndex, user_id: int, candidates: Sequence[str] | None = None, limit: int = 50
) -> list[Pick]:
    """THE For You ranking: the page, the API, the feed and the digest all call this."""
    with read_only(engine) as conn:
        profile = load_profile(conn, user_id)
        pool = list(candidates) if candidates is not None else recent_ids(index)
        if profile.is_cold or not index.has_vector.any():
            return []
        known = [p for p in [*profile.positives, *profile.followed_papers] if p in index.position]
        titles = {row.id: row.title for row in reader.papers_by_id(conn, known[:2000]).values()}
    usable = [p for p in pool if p in index.position and index.has_vector[index.position[p]]]
    return rank(
        index.ids,
        index.vectors,
        profile,
        usable,
        titles,
        lexical=index.tfidf,
        categories=index.category_rows,
        limit=limit,
        position=index.position,
        background=index.for_you_background,
    )
