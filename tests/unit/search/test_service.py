from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from paperwire.errors import InvalidInput, NotFound
from paperwire.search.dense import HashingEmbedder
from paperwire.search.service import SearchService
from paperwire.storage.tables import paper_embeddings

from .conftest import paper, save_papers


def ids(page) -> list[str]:
    return [hit.id for hit in page.hits]


def test_lexical_search_finds_stemmed_words(service: SearchService):
    page = service.search("generating images", mode="lexical")
    assert ids(page)[0] in {"2501.00001", "2501.00005"}
    assert page.hits[0].title
    assert page.hits[0].score > 0


@pytest.mark.parametrize("mode", ["hybrid", "lexical", "semantic"])
def test_arxiv_id_or_url_finds_that_paper_first(service: SearchService, mode: str):
    assert ids(service.search("https://arxiv.org/abs/2501.00004v1", mode=mode)) == ["2501.00004"]


def test_author_category_and_date_filters(service: SearchService):
    assert set(ids(service.search("author:turing models"))) <= {"2501.00001", "2501.00003"}
    assert ids(service.search('author:"alan turing" language', mode="lexical")) == ["2501.00003"]
    assert ids(service.search("author:chatelet")) == ["2501.00005"]
    assert set(ids(service.search("cat:cs.CL"))) == {"2501.00003", "2501.00004"}
    assert ids(service.search("cat:stat generation")) == ["2501.00005"]
    page = service.search("after:2025-02-01 before:2025-04-30 language models", mode="lexical")
    assert set(ids(page)) == {"2501.00003", "2501.00004"}


def test_filters_apply_in_the_semantic_retriever_too(service: SearchService):
    assert set(ids(service.search("cat:cs.CV generation", mode="semantic"))) <= {"2501.00001", "2501.00006"}


def test_exact_phrase_requires_adjacent_words(service: SearchService):
    assert set(ids(service.search('"state of the art"', mode="lexical"))) == {"2501.00003", "2501.00006"}
    assert set(ids(service.search('"State-of-the-art"'))) == {"2501.00003", "2501.00006"}
    assert ids(service.search('"art state"', mode="lexical")) == []


def test_sort_by_date_and_upvotes_and_pagination(service: SearchService):
    by_date = service.search("models", sort="date", mode="lexical")
    dates = [hit.date for hit in by_date.hits]
    assert dates == sorted(dates, reverse=True)
    by_votes = service.search("models", sort="upvotes", mode="lexical")
    votes = [hit.upvotes for hit in by_votes.hits]
    assert votes == sorted(votes, reverse=True)
    first, second = (service.search("models", mode="lexical", limit=1, offset=n) for n in (0, 1))
    assert first.total == second.total >= 2
    assert ids(first) != ids(second)


def test_bad_mode_sort_and_page_raise_invalid_input(service: SearchService):
    for kwargs in ({"mode": "fuzzy"}, {"sort": "random"}, {"limit": 0}, {"offset": -1}):
        with pytest.raises(InvalidInput):
            service.search("models", **kwargs)


def test_similar_excludes_itself_and_explains_the_match(service: SearchService):
    similar = service.similar("2501.00001", limit=3)
    assert "2501.00001" not in [p.id for p in similar]
    assert similar[0].id == "2501.00005"
    assert "diffusion" in similar[0].shared_terms
    with pytest.raises(NotFound):
        service.similar("2599.99999")


def test_update_picks_up_new_and_changed_papers(service: SearchService, search_engine: Engine):
    save_papers(
        search_engine,
        [
            paper("2501.00007", "Quantum annealing schedules", "Annealing on qubits."),
            paper("2501.00002", "Graph transformers", "Attention over graph nodes."),
        ],
    )
    report = service.update_index()
    assert (report.papers, report.embedded, report.total, report.rebuilt) == (2, 2, 7, False)
    assert ids(service.search("quantum annealing"))[0] == "2501.00007"
    assert "2501.00002" not in ids(service.search("molecules", mode="lexical"))
    assert service.update_index().papers == 0


class CountingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def embed_documents(self, texts):
        self.calls += len(texts)
        return super().embed_documents(texts)


def test_rebuild_reuses_stored_vectors(service: SearchService, search_engine: Engine, tmp_path: Path):
    counting = CountingEmbedder()
    fresh = SearchService(search_engine, index_dir=tmp_path / "other", embedder=counting)
    assert fresh.rebuild_index().total == 6
    assert counting.calls == 0
    with search_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(paper_embeddings)).scalar_one() == 6


def test_changed_content_is_re_embedded_once(service: SearchService, search_engine: Engine):
    save_papers(search_engine, [paper("2501.00003", "Language models reason", "New abstract.")])
    assert service.embed_pending() == 1
    assert service.embed_pending() == 0


def test_without_embedder_hybrid_falls_back_and_semantic_is_refused(search_engine: Engine, tmp_path: Path):
    from .conftest import CORPUS

    save_papers(search_engine, CORPUS)
    plain = SearchService(search_engine, index_dir=tmp_path / "plain", embedder=None)
    plain.rebuild_index()
    assert ids(plain.search("graph molecules"))[0] == "2501.00002"
    with pytest.raises(InvalidInput, match="semantic"):
        plain.search("graph", mode="semantic")
    assert plain.similar("2501.00001")[0].id == "2501.00005"


@pytest.mark.parametrize("mode", ["hybrid", "lexical", "semantic"])
def test_gibberish_matches_nothing_and_lists_at_most_three_loosely_related(service: SearchService, mode: str):
    page = service.search("asdkjhqwe zzxq", mode=mode)
    assert (page.total, page.hits) == (0, [])
    assert len(page.loosely_related) <= 3
    assert service.rank_ids("asdkjhqwe zzxq", mode=mode) == []


def test_lexical_floor_needs_enough_of_the_query_not_one_common_word(service: SearchService):
    # "models" occurs in four papers, "bridges" in one: the floor keeps the paper that has the rare word
    page = service.search("schrodinger bridges models", mode="lexical")
    assert ids(page) == ["2501.00005"]
    assert page.total == 1


def test_stop_words_alone_match_nothing(service: SearchService):
    page = service.search("of the", mode="lexical")
    assert (page.total, page.hits) == (0, [])


@pytest.mark.parametrize("sort", ["date", "upvotes"])
@pytest.mark.parametrize("mode", ["hybrid", "lexical", "semantic"])
def test_sorted_search_orders_only_the_matches(service: SearchService, sort: str, mode: str):
    relevance = service.search("diffusion image generation", mode=mode)
    by_sort = service.search("diffusion image generation", mode=mode, sort=sort)
    assert relevance.total >= 1
    assert by_sort.total == relevance.total
    assert set(ids(by_sort)) == set(ids(relevance))


def test_total_counts_matches_and_pages_cover_them(service: SearchService):
    page = service.search("language models", mode="hybrid", limit=1)
    everything = service.search("language models", mode="hybrid", limit=100)
    assert page.total == everything.total == len(everything.hits) >= 2
    assert service.rank_ids("language models") == ids(everything)


def test_similar_papers_share_only_meaningful_terms(search_engine: Engine, tmp_path: Path):
    save_papers(
        search_engine,
        [
            paper(
                "2502.00001", "Score matching in $\\mathbb{R}^n$", "Trade-offs of f and q, 1 2 3: diffusion samplers."
            ),
            paper(
                "2502.00002", "Samplers for $\\mathbb{R}^d$", "Trade-offs of f and q, 1 2 3: diffusion samplers again."
            ),
        ],
    )
    fresh = SearchService(search_engine, index_dir=tmp_path / "idx", embedder=HashingEmbedder())
    fresh.rebuild_index()
    [neighbour] = fresh.similar("2502.00001", limit=1)
    assert {"samplers", "diffusion"} <= set(neighbour.shared_terms)
    assert not {"mathbb", "offs", "f", "q", "1", "2", "3"} & set(neighbour.shared_terms)
    assert not neighbour.mainly_semantic


def test_warm_loads_the_index_before_the_first_search(service: SearchService, tmp_path: Path, search_engine: Engine):
    fresh = SearchService(search_engine, index_dir=tmp_path / "index", embedder=HashingEmbedder())
    assert not fresh.loaded
    fresh.warm()
    assert fresh.loaded
    empty = SearchService(search_engine, index_dir=tmp_path / "none", embedder=HashingEmbedder())
    empty.warm()  # no index yet: nothing to load, no error
    assert not empty.loaded
