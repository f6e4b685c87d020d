"""The For You ranking function on small hand-made matrices."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from paperwire.search.personal import Profile, Weights, rank, score_rows


def _vectors(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((3, 16))
    rows = np.concatenate([centres[t] + 0.3 * rng.standard_normal((40, 16)) for t in range(3)]).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_a_paper_scores_the_same_whatever_else_is_ranked_with_it() -> None:
    vectors = _vectors()
    positives, empty = np.array([0, 1, 2]), np.array([], dtype=np.int64)
    wide = score_rows(vectors, positives, empty, np.arange(3, 120))
    narrow = score_rows(vectors, positives, empty, np.array([5, 60, 100]))
    assert np.allclose(narrow, wide[[5 - 3, 60 - 3, 100 - 3]])


def test_the_saved_topic_comes_first_and_each_pick_says_why() -> None:
    vectors = _vectors()
    ids = [f"p{i}" for i in range(len(vectors))]
    picks = rank(ids, vectors, Profile(positives=("p0", "p1")), ids, {"p0": "Zero", "p1": "One"}, limit=10)
    assert all(int(p.paper_id[1:]) < 40 for p in picks)  # topic 0 holds rows 0..39
    assert "p0" not in {p.paper_id for p in picks}
    assert picks[0].why.startswith("close to '")


def test_not_relevant_pushes_its_neighbours_down() -> None:
    vectors = _vectors()
    ids = [f"p{i}" for i in range(len(vectors))]
    liked = ("p0", "p41")  # two interests: topics 0 and 1
    before = rank(ids, vectors, Profile(positives=liked), ids, {}, limit=20)
    after = rank(ids, vectors, Profile(positives=liked, negatives=("p42", "p43", "p44")), ids, {}, limit=20)
    topic_one = lambda picks: sum(40 <= int(p.paper_id[1:]) < 80 for p in picks)  # noqa: E731
    assert topic_one(after) < topic_one(before)


def test_a_cold_profile_ranks_nothing() -> None:
    vectors = _vectors()
    ids = [f"p{i}" for i in range(len(vectors))]
    assert rank(ids, vectors, Profile(), ids, {}) == []


def test_followed_authors_papers_say_so() -> None:
    vectors = _vectors()
    ids = [f"p{i}" for i in range(len(vectors))]
    picks = rank(ids, vectors, Profile(followed_papers={"p90": "Grace Hopper"}), ids, {}, limit=3)
    assert picks[0].paper_id == "p90"
    assert picks[0].why == "by Grace Hopper, whom you follow"


def test_each_pick_is_explained_by_its_own_closest_saved_paper() -> None:
    """A reader with two interests: picks from topic 0 say "close to" the saved topic-0 paper, picks
    from topic 1 the saved topic-1 paper (the explanation is the nearest positive of that pick)."""
    vectors = _vectors()
    ids = [f"p{i}" for i in range(len(vectors))]
    titles = {"p0": "Zero", "p40": "Forty"}
    picks = rank(ids, vectors, Profile(positives=("p0", "p40")), ids, titles, limit=30)
    by_topic = {0: set(), 1: set()}
    for pick in picks:
        topic = int(pick.paper_id[1:]) // 40
        if topic in by_topic:
            by_topic[topic].add(pick.why)
    assert by_topic[0] == {"close to 'Zero', which you saved or upvoted"}
    assert by_topic[1] == {"close to 'Forty', which you saved or upvoted"}


def _one_hot(columns: list[list[int]], width: int) -> sparse.csr_matrix:
    rows = [[1.0 if c in cols else 0.0 for c in range(width)] for cols in columns]
    matrix = sparse.csr_matrix(np.array(rows, dtype=np.float32))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return sparse.csr_matrix(sparse.diags(1 / np.maximum(norms, 1e-12)) @ matrix)


def test_papers_in_the_readers_categories_rank_above_the_same_paper_elsewhere() -> None:
    """Categories only: the positives are all in category 0 (with its archive, column 2); candidates
    identical in every other way are ordered by how typical their categories are of the reader."""
    vectors = _vectors()
    categories = _one_hot([[0, 2] if i < 20 else [1, 2] for i in range(len(vectors))], 3)
    only = Weights(linear=0, knn=0, lexical=0, category=1)
    positives, empty = np.array([0, 1, 2]), np.array([], dtype=np.int64)
    score = score_rows(vectors, positives, empty, np.array([10, 100]), weights=only, categories=categories)
    assert score[0] > score[1]


def test_the_lexical_classifier_prefers_the_readers_distinctive_word_to_a_common_one() -> None:
    """Word 0 is in every paper, word 1 only in the reader's papers and one candidate, word 2 in another
    candidate beside word 0: the candidate with word 1 comes first."""
    vectors = _vectors()
    words = [[0, 1] if i < 3 else [0, 2] if i % 2 else [0] for i in range(len(vectors))]
    words[50] = [0, 1]
    lexical = _one_hot(words, 3)
    only = Weights(linear=0, knn=0, lexical=0, lexical_model=1)
    positives, empty = np.array([0, 1, 2]), np.array([], dtype=np.int64)
    score = score_rows(vectors, positives, empty, np.array([50, 51, 52]), lexical, weights=only)
    assert score[0] > score[1]
    assert score[0] > score[2]


def _corpus(papers: int, seed: int = 0) -> tuple[np.ndarray, sparse.csr_matrix, sparse.csr_matrix]:
    """`papers` unit vectors in 8 topics with TF-IDF-like rows and one or two categories each."""
    rng = np.random.default_rng(seed)
    topics = rng.integers(0, 8, papers)
    centres = rng.standard_normal((8, 24))
    vectors = (centres[topics] + 0.8 * rng.standard_normal((papers, 24))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    words = [[int(t), 8 + int(rng.integers(0, 40)), 48 + int(rng.integers(0, 40))] for t in topics]
    return vectors, _one_hot(words, 88), _one_hot([[int(t) % 4, 4] for t in topics], 5)


def test_the_score_is_the_weighted_sum_of_each_signal_standardised_on_its_own() -> None:
    """The linear signals are folded into one column per space (one pass over the rows); the result is
    still, exactly, the documented sum of weight x z(signal), each signal computed alone."""
    vectors, lexical, categories = _corpus(600)
    positives, negatives = np.array([3, 17, 40, 41]), np.array([5, 9])
    candidates = np.arange(100, 600)
    every = Weights(linear=0.5, knn=1.0, lexical=1.0, lexical_model=0.5, category=1.0, negative=0.5)
    off = {n: 0.0 for n in ("linear", "knn", "lexical", "lexical_model", "category", "negative")}
    alone = [
        Weights(**{**off, n: w})
        for n, w in (("linear", 0.5), ("knn", 1.0), ("lexical", 1.0), ("lexical_model", 0.5), ("category", 1.0))
    ] + [Weights(**{**off, "negative": 0.5})]
    together = score_rows(vectors, positives, negatives, candidates, lexical, every, categories=categories)
    parts = [score_rows(vectors, positives, negatives, candidates, lexical, w, categories=categories) for w in alone]
    assert np.allclose(together, np.sum(parts, axis=0), atol=1e-4)


def test_ranking_a_whole_large_index_keeps_the_best_papers_of_the_exact_scores(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Over more candidates than the shortlist, the max-sim signals are computed for the shortlist only;
    the feed's top 50 is the one every signal on every candidate gives."""
    from paperwire.search import personal

    vectors, lexical, categories = _corpus(6000, seed=1)
    ids = [f"p{i}" for i in range(len(vectors))]
    profile = Profile(positives=("p1", "p2", "p3", "p7", "p11"), negatives=("p20",))
    weights = Weights(linear=0.5, knn=1.0, lexical=1.0, lexical_model=0.5, category=1.0)

    def picks() -> list[str]:
        found = rank(ids, vectors, profile, ids, {}, lexical=lexical, categories=categories, weights=weights)
        return [p.paper_id for p in found]

    monkeypatch.setattr(personal, "SHORTLIST", 10_000)
    exact = picks()
    monkeypatch.setattr(personal, "SHORTLIST", 1_000)
    assert picks() == exact


def test_a_background_drawn_once_per_index_gives_the_scores_of_one_drawn_per_feed() -> None:
    """SearchIndex.for_you_background is drawn once per index generation; a feed that uses it scores as
    one that draws its own, and one drawn for another index size is not used."""
    from paperwire.search.personal import draw_background

    vectors, lexical, categories = _corpus(900, seed=2)
    positives, negatives, candidates = np.array([1, 2, 3, 500]), np.array([7]), np.arange(900)
    every = Weights(linear=0.5, knn=1.0, lexical=1.0, lexical_model=0.5, category=1.0)
    fresh = score_rows(vectors, positives, negatives, candidates, lexical, every, categories=categories)
    drawn = draw_background(vectors, lexical)
    again = score_rows(
        vectors, positives, negatives, candidates, lexical, every, categories=categories, background=drawn
    )
    assert np.allclose(fresh, again, atol=1e-5)
    other = draw_background(vectors[:800], lexical[:800])
    assert not other.fits(len(vectors), every, 0, words=True)
    mismatched = score_rows(
        vectors, positives, negatives, candidates, lexical, every, categories=categories, background=other
    )
    assert np.allclose(fresh, mismatched, atol=1e-5)


def test_a_tiny_index_whose_papers_are_all_liked_still_leaves_out_what_the_reader_dismissed() -> None:
    """Six papers, all of them liked (saved, or by the followed author), and one of the followed author's
    marked "Not relevant": no paper is left to standardise the signals by, and the ranking must still be
    finite and leave out what the reader saved and dismissed (a feed once showed the dismissed paper first)."""
    vectors = _vectors()[[0, 1, 2, 41, 42, 80]]
    ids = [f"p{i}" for i in range(len(vectors))]
    followed = {paper_id: "Grace Hopper" for paper_id in ids[2:]}
    profile = Profile(positives=("p0", "p1"), negatives=("p4",), followed_papers=followed)
    words = sparse.csr_matrix(np.eye(len(ids), 20, dtype=np.float32))  # one distinct word per paper
    picks = rank(ids, vectors, profile, ids, {}, lexical=words, limit=10)
    assert {p.paper_id for p in picks} == {"p2", "p3", "p5"}
    assert all(np.isfinite(p.score) for p in picks)
