from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperwire.errors import InvalidInput
from paperwire.search.query import MAX_QUERY_CHARS, parse_query
from paperwire.search.service import SearchService


def test_operators_phrases_and_words_are_separated():
    query = parse_query('author:"Alan Turing" cat:cs.LG after:2025-01 before:2025-06-30 "neural nets" graphs')
    assert query.authors == ("alan turing",)
    assert query.categories == ("cs.lg",)
    assert (query.after, query.before) == (date(2025, 1, 1), date(2025, 6, 30))
    assert query.phrases == ("neural nets",)
    assert query.text == "neural nets graphs"


def test_partial_dates_cover_the_whole_period():
    query = parse_query("after:2024 before:2024-02")
    assert (query.after, query.before) == (date(2024, 1, 1), date(2024, 2, 29))


def test_arxiv_id_and_urls_are_recognised():
    assert parse_query("https://arxiv.org/pdf/2501.00003v2").arxiv_id == "2501.00003"
    assert parse_query("arXiv:2501.00003").arxiv_id == "2501.00003"


def test_unbalanced_quote_runs_to_the_end():
    assert parse_query('"neural nets').phrases == ("neural nets",)


def test_unknown_operator_is_plain_text():
    assert parse_query("foo:bar").text == "foo:bar"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("author:", "needs a value"),
        ("after:yesterday", "bad date"),
        ("before:2025-02-30", "no such day"),
        ("x" * (MAX_QUERY_CHARS + 1), "too long"),
        ("author:!!!", "no letters"),
    ],
)
def test_bad_input_raises_invalid_input_with_a_clear_message(raw, message):
    with pytest.raises(InvalidInput, match=message):
        parse_query(raw)


QUERY_TEXT = st.one_of(
    st.text(max_size=60),
    st.lists(
        st.sampled_from(
            [
                '"',
                "author:",
                "cat:",
                "after:",
                "before:",
                "2025-01-01",
                "cs.LG",
                "🙂",
                "diffusion",
                " ",
                "-",
                "arxiv.org/abs/",
                "2501.00001",
                ":",
                "\x00",
                "Ω",
            ]
        ),
        max_size=12,
    ).map("".join),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=QUERY_TEXT, mode=st.sampled_from(["hybrid", "lexical", "semantic"]))
def test_any_input_returns_results_or_invalid_input(service: SearchService, raw: str, mode: str):
    try:
        page = service.search(raw, mode=mode)
    except InvalidInput as error:
        message = str(error)
    else:
        message = "ok"
        assert page.total >= len(page.hits)
    assert message


def test_huge_and_empty_queries(service: SearchService):
    assert service.search("").total == 0
    assert service.search("diffusion " * 300).hits
    with pytest.raises(InvalidInput):
        service.search("a" * 10_000)
