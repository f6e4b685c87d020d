"""arXiv ids, author keys and code links."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperwire.domain.papers import (
    PaperRecord,
    author_key,
    find_code_links,
    is_category,
    normalize_author,
    parse_arxiv_id,
    readable_text,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2401.12345", ("2401.12345", None)),
        ("2401.12345v3", ("2401.12345", 3)),
        ("0704.0001", ("0704.0001", None)),
        ("arXiv:2401.12345", ("2401.12345", None)),
        ("hep-th/9901001", ("hep-th/9901001", None)),
        ("math.AG/0301001v2", ("math.AG/0301001", 2)),
        ("https://arxiv.org/abs/2401.12345v2", ("2401.12345", 2)),
        ("http://arxiv.org/pdf/2401.12345.pdf", ("2401.12345", None)),
        ("  https://www.arxiv.org/abs/hep-th/9901001  ", ("hep-th/9901001", None)),
    ],
)
def test_parse_arxiv_id_accepts_ids_and_urls(text: str, expected: tuple[str, int | None]) -> None:
    parsed = parse_arxiv_id(text)
    assert (parsed.id, parsed.version) == expected


@pytest.mark.parametrize("text", ["", "2401", "12345.6789", "https://evil.example/abs/2401.12345", "../etc/passwd"])
def test_parse_arxiv_id_rejects_everything_else(text: str) -> None:
    with pytest.raises(ValueError, match="not an arXiv id"):
        parse_arxiv_id(text)


@given(st.text(max_size=200))
def test_parse_arxiv_id_never_raises_anything_but_value_error(text: str) -> None:
    with contextlib.suppress(ValueError):
        parse_arxiv_id(text)


def test_author_name_forms_share_a_key() -> None:
    assert author_key("Smith, John") == author_key("John Smith") == author_key("J. Smith") == "smith j"
    assert normalize_author("Smith, John") == "John Smith"
    assert normalize_author("  Ada   Lovelace ") == "Ada Lovelace"


def test_code_links_are_found_once_and_cleaned() -> None:
    links = find_code_links("Code at https://github.com/org/repo.", "also https://github.com/org/repo.git")
    assert links == ("https://github.com/org/repo",)


@pytest.mark.parametrize("category", ["cs.LG", "hep-th", "math.AG", "astro-ph.GA", "cond-mat.stat-mech", "quant-ph"])
def test_arxiv_category_ids_are_categories(category: str) -> None:
    assert is_category(category)


@pytest.mark.parametrize("code", ["68T05, 68T07", "68T05", "I.2.7", "", "x" * 40])
def test_msc_and_acm_codes_are_not_categories(code: str) -> None:
    assert not is_category(code)


def test_cleaned_record_keeps_only_category_ids_once() -> None:
    record = PaperRecord(
        id="2501.00001", title="t", abstract="a", categories=("cs.LG", "68T05, 68T07", "cs.LG", "I.2.7")
    )
    assert record.cleaned().categories == ("cs.LG",)


def test_latex_text_commands_outside_math_read_as_their_argument() -> None:
    text = r"a reasoning step \emph{before} a \textbf{\textit{trajectory}}; 95\% of R\&D, see \url{x.org}"
    assert readable_text(text) == "a reasoning step before a trajectory; 95% of R&D, see x.org"


def test_math_and_escaped_dollars_stay_as_written_for_the_math_renderer() -> None:
    text = r"loss $\mathcal{L} = \text{KL}(p \| q)$ and \(\emph{x}\) cost \$5"
    assert readable_text(text) == text
    assert readable_text(r"an \unknown{command} stays") == r"an \unknown{command} stays"
