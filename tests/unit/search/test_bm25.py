import numpy as np

from paperwire.search.bm25 import LexicalIndex, bm25_weights, build_tf, field_counts
from paperwire.search.fields import FIELDS
from paperwire.search.fusion import best_rows, fuse


def _index(docs: list[list[str]]) -> LexicalIndex:
    vocab: dict[str, int] = {}
    tf = build_tf((field_counts(texts) for texts in docs), vocab)
    return LexicalIndex(bm25_weights(tf), vocab)


def test_field_weights_come_from_the_declaration():
    counts = field_counts(["graph", "graph", "graph"])
    assert counts == {"graph": sum(f.weight for f in FIELDS)}


def test_title_match_outranks_abstract_match():
    index = _index([["cats", "graph theory", ""], ["graph", "cats and dogs", ""]])
    assert list(best_rows(index.score("graph"), 2, positive=True)) == [1, 0]


def test_rare_terms_weigh_more_and_unknown_terms_score_zero():
    index = _index([["alpha beta", "", ""], ["alpha", "", ""], ["alpha", "", ""]])
    scores = index.score("alpha beta zzz")
    assert scores[0] > scores[1] == scores[2] > 0
    assert not index.score("zzz").any()


def test_fusion_unions_both_lists_and_normalises():
    lexical = np.array([3.0, 0.0, 1.0, 0.0], np.float32)
    semantic = np.array([0.1, 0.9, 0.2, 0.5], np.float32)
    rows, scores = fuse(lexical, semantic, alpha=0.5, depth=2)
    assert set(rows[:2]) == {0, 1}
    assert set(rows) == {0, 1, 2, 3}
    assert scores.tolist() == [0.5, 0.5, 0.0, 0.0]


def test_best_rows_respects_mask_and_order():
    scores = np.array([0.5, 0.9, 0.1, 0.7], np.float32)
    allowed = np.array([True, False, True, True])
    assert list(best_rows(scores, 2, allowed)) == [3, 0]
