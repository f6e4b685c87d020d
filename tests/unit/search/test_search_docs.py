from pathlib import Path

from paperwire.search.fields import BM25, FIELDS, FUSION_ALPHA, FUSION_DEPTH, field_table

DOC = Path(__file__).resolve().parents[3] / "docs" / "search.md"


def test_field_weights_in_docs_match_the_declaration():
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- fields:start -->\n")[1].split("\n<!-- fields:end -->")[0]
    assert block == field_table()
    assert len(FIELDS) == block.count("`papers.")


def test_tuned_parameters_in_docs_match_the_code():
    text = DOC.read_text(encoding="utf-8")
    assert f"k1 = {BM25.k1:g}, b = {BM25.b:g}" in text
    assert f"\N{GREEK SMALL LETTER ALPHA} = {FUSION_ALPHA:g}, depth = {FUSION_DEPTH}" in text


def test_every_operator_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for operator in ("author:", "au:", "cat:", "category:", "after:", "before:", "since:", "until:"):
        assert f"`{operator}" in text or f"({operator}" in text or operator in text
