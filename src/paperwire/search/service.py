"""SearchService: search, similar papers, and keeping the index in step with the database."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import Engine

from paperwire.caching import VersionedCache
from paperwire.config import Settings
from paperwire.domain.papers import parse_arxiv_id
from paperwire.errors import InvalidInput, NotFound
from paperwire.search import store
from paperwire.search.artifact import current_generation, load_index, published_seq, save_index, writer_lock
from paperwire.search.dense import make_embedder
from paperwire.search.explain import MIN_SHARED
from paperwire.search.fusion import best_rows
from paperwire.search.index import SearchIndex
from paperwire.search.interfaces import Embedder
from paperwire.search.keyphrases import compute_pending
from paperwire.search.query import ParsedQuery, parse_query
from paperwire.search.ranking import MODES, Ranker
from paperwire.search.suggest import spelling_suggestions
from paperwire.storage import documents, reader
from paperwire.storage import keywords as keywords_repo
from paperwire.storage.db import read_only
from paperwire.storage.reader import PaperRow

if TYPE_CHECKING:  # For You is imported when asked for: scipy and the library tables cost a cold `search` ~0.2 s
    from paperwire.search.personal import Pick

log = logging.getLogger(__name__)

SORTS = ("relevance", "date", "upvotes")
MAX_LIMIT = 120  # Hugging Face allows 120 search results
MAX_OFFSET = 10_000
Progress = Callable[[str, int, int], None]  # (stage, advance, total)
# A refresh looks for stored vectors of at most this many of the newest rows without one (one indexed
# query of <= 4 IN lists): papers the worker embedded after a refresh had indexed them.
FILL_CHECK_ROWS = 2000


@dataclass(frozen=True)
class SearchHit:
    id: str
    title: str
    score: float
    authors: str = ""
    primary_category: str | None = None
    date: str | None = None
    upvotes: int = 0


@dataclass(frozen=True)
class SearchPage:
    """One page of matches. `total` counts matches only (what passes the relevance floor); when there is
    none, `loosely_related` holds up to three nearest papers under the floor and `suggestions` spellings
    from the index vocabulary, both meant to be shown apart from (never as) results."""

    query: str
    mode: str
    sort: str
    total: int
    offset: int
    limit: int
    hits: list[SearchHit] = field(default_factory=list)
    loosely_related: list[SearchHit] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SimilarPaper:
    id: str
    title: str
    score: float
    shared_terms: list[str]  # meaningful words both papers hold (search/explain.py)

    @property
    def mainly_semantic(self) -> bool:
        """Few shared words: the likeness is in the embedding, not in the vocabulary."""
        return len(self.shared_terms) < MIN_SHARED


@dataclass(frozen=True)
class IndexLag:
    """How far this process's index is behind the database (GET /healthz)."""

    index_seq: int | None  # None: no index yet
    database_seq: int  # the newest papers.seq
    papers: int  # papers changed (seq above the index's) that the index does not reflect yet
    seconds: float  # since the index last reflected every paper; 0 when it does


@dataclass(frozen=True)
class IndexReport:
    papers: int  # documents (re)indexed in this run
    embedded: int  # new vectors computed
    total: int  # documents in the index afterwards
    seq: int
    seconds: float
    rebuilt: bool


class SearchService:
    def __init__(self, engine: Engine, *, index_dir: str | Path, embedder: Embedder | None) -> None:
        self._engine = engine
        self._index_dir = Path(index_dir)
        self._embedder = embedder
        self._index: SearchIndex | None = None
        self._generation: Path | None = None
        # Neighbours change only when a new index generation is published, not with votes or comments.
        self._similar: VersionedCache[list[SimilarPaper]] = VersionedCache(4096)
        self._caught_up_at: float | None = None  # time.time() when this process last saw a current index

    @classmethod
    def from_settings(cls, settings: Settings, engine: Engine) -> SearchService:
        return cls(engine, index_dir=settings.index_dir, embedder=make_embedder(settings))

    # --- reading -------------------------------------------------------------------------------
    def index(self) -> SearchIndex:
        """The current index, reloaded when another process has published a new generation."""
        generation = current_generation(self._index_dir)
        if self._index is None or generation != self._generation:
            self._index, self._generation = load_index(self._index_dir), generation
        return self._index

    def published_seq(self) -> int:
        """The seq of the index generation on disk (what the next search uses); 0 without one."""
        return published_seq(self._index_dir)

    @property
    def loaded(self) -> bool:
        """Whether an index is in memory (after warm() or a first search)."""
        return self._index is not None

    def ranker(self) -> Ranker:
        return Ranker(self.index(), self._embedder)

    def rank_ids(self, query: str, *, mode: str = "hybrid", limit: int = 100) -> list[str]:
        """Just the ranked ids of the matches (evaluation, saved searches): no database round trip."""
        index = self.index()
        parsed = parse_query(query)
        ranked = self.ranker().rank(parsed, mode, self._keyword_mask(index, parsed))
        return [index.ids[r] for r in ranked.rows[:limit]]

    def for_you(self, user_id: int, candidates: Sequence[str] | None = None, limit: int = 50) -> list[Pick]:
        """One reader's For You ranking (search/personal.py); empty without an index or any signal."""
        index = self.current_index()
        from paperwire.search.personal import for_you

        return [] if index is None else for_you(self._engine, index, user_id, candidates, limit)

    def _keyword_mask(self, index: SearchIndex, parsed: ParsedQuery) -> np.ndarray | None:
        """Rows whose papers carry every keyword: of the query (None when it has none)."""
        if not parsed.keywords:
            return None
        with read_only(self._engine) as conn:
            sets = [keywords_repo.ids_with_keyword(conn, k) for k in parsed.keywords]
        ids = set.intersection(*sets)
        mask = np.zeros(index.size, dtype=bool)
        mask[[index.position[i] for i in ids if i in index.position]] = True
        return mask

    def compute_keywords(self, limit: int = 2000) -> dict[str, int]:
        """Keywords and a summary for papers without current ones (search/keyphrases.py); needs an embedder."""
        if self._embedder is None:
            return {"computed": 0, "pending": 0}
        return compute_pending(self._engine, self._embedder, limit)

    def search(
        self, query: str, *, mode: str = "hybrid", sort: str = "relevance", offset: int = 0, limit: int = 20
    ) -> SearchPage:
        """The one result set of a query (page, API, feeds and CLI): matches only, in `sort` order."""
        _check_page(sort, offset, limit, mode)
        index = self.index()
        parsed = parse_query(query)
        ranked = self.ranker().rank(parsed, mode, self._keyword_mask(index, parsed))
        rows, scores = ranked.rows, ranked.scores
        page = self._sorted(index, rows, sort)[offset : offset + limit]
        loose = [int(r) for r in ranked.loose] if offset == 0 else []
        ids = [index.ids[rows[i]] for i in page]
        papers = self._papers(ids + [index.ids[r] for r in loose])
        hits = [_hit(pid, float(scores[i]), papers.get(pid)) for pid, i in zip(ids, page, strict=True)]
        nearby = [
            _hit(index.ids[r], float(s), papers.get(index.ids[r]))
            for r, s in zip(loose, ranked.loose_scores, strict=True)
        ]
        suggestions = spelling_suggestions(index, parsed.text) if not rows.size and offset == 0 else []
        return SearchPage(query, mode, sort, int(rows.size), offset, limit, hits, nearby, suggestions)

    def warm(self) -> None:
        """Load the index and the query model now (`paperwire serve` before it accepts requests), so the
        first search and paper page cost what later ones do. Without an index this is a no-op."""
        try:
            index = self.index()
        except NotFound:
            return
        index.warm()
        if self.ranker().has_semantic:
            self.search("warm up the query model", limit=1)

    def _sorted(self, index: SearchIndex, rows: np.ndarray, sort: str) -> np.ndarray:
        """Positions into rows in display order; date/upvotes re-sort the top relevance candidates."""
        if sort == "relevance":
            return np.arange(rows.size)
        if sort == "date":
            return np.argsort(-np.asarray(index.dates)[rows], kind="stable")
        with read_only(self._engine) as conn:
            upvotes = reader.upvotes_of(conn, [index.ids[r] for r in rows[:MAX_OFFSET]])
        keys = np.array([upvotes.get(index.ids[r], 0) for r in rows[:MAX_OFFSET]])
        return np.argsort(-keys, kind="stable")

    @property
    def has_embedder(self) -> bool:
        return self._embedder is not None

    def similar(self, paper_id: str, *, limit: int = 10) -> list[SimilarPaper]:
        """Nearest neighbours by embedding (lexical fallback), excluding the paper itself; cached per index
        generation."""
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}")
        generation = str(current_generation(self._index_dir))
        return self._similar.get_or_build((paper_id, limit), generation, lambda: self._neighbours(paper_id, limit))

    def _neighbours(self, paper_id: str, limit: int) -> list[SimilarPaper]:
        index, row = self.index(), self._row_of(paper_id)
        if index.has_vector[row] and self.ranker().has_semantic:
            scores = np.asarray(index.vectors) @ np.asarray(index.vectors[row])
            allowed = np.asarray(index.has_vector).copy()
        else:
            terms = [index.labels[c] for c in index.tf.indices[index.tf.indptr[row] : index.tf.indptr[row + 1]]]
            scores, allowed = index.lexical.score(" ".join(terms)), np.ones(index.size, dtype=bool)
        allowed[row] = False
        rows = best_rows(scores.astype(np.float32), limit, allowed)
        papers = self._papers([index.ids[r] for r in rows])
        return [
            SimilarPaper(
                index.ids[r],
                _title(papers.get(index.ids[r])),
                round(float(scores[r]), 4),
                index.key_terms(row, int(r)),
            )
            for r in rows
        ]

    def _papers(self, ids: list[str]) -> dict[str, PaperRow]:
        with read_only(self._engine) as conn:
            return reader.papers_by_id(conn, ids)

    def _row_of(self, paper_id: str) -> int:
        index = self.index()
        try:
            paper_id = parse_arxiv_id(paper_id).id
        except ValueError:
            paper_id = paper_id.strip()
        if paper_id not in index.position:
            raise NotFound(f"paper {paper_id[:80]!r} is not in the search index")
        return index.position[paper_id]

    # --- writing -------------------------------------------------------------------------------
    def embed_pending(self, progress: Progress | None = None) -> int:
        """Compute missing or stale vectors in committed batches (resumable). 0 without an embedder."""
        if self._embedder is None:
            return 0
        total = documents.count_missing_embeddings(self._engine, self._embedder.name)
        if progress is not None:
            progress("embed", 0, total)  # the bar appears (with its total) before the model loads
        step = None if progress is None else (lambda n: progress("embed", n, total))
        return store.embed_missing(self._engine, self._embedder, progress=step)

    def rebuild_index(self, progress: Progress | None = None) -> IndexReport:
        with writer_lock(self._index_dir):
            return self._build(rebuild=True, progress=progress)

    def update_index(self, progress: Progress | None = None) -> IndexReport:
        """Embed what is missing, then re-index papers with seq above the index's seq."""
        with writer_lock(self._index_dir):
            return self._build(rebuild=False, progress=progress)

    def refresh_index(self) -> IndexReport | None:
        """Catch the index up with papers.seq from stored vectors only (nothing is embedded: the worker
        does that), publish it and swap it in; requests keep the previous index until then. None when
        there was nothing to do, or another process sharing the index directory is writing it (this
        process loads that one's generation on its next request). Web processes call it every
        PAPERWIRE_INDEX_REFRESH_S (search/refresh.py)."""
        with writer_lock(self._index_dir, wait=False) as held:
            if not held or not self._needs_refresh():
                return None
            report = self._build(rebuild=False, progress=None, embed=False)
        self.index()  # load the new generation here, not in the next request
        return report

    def _needs_refresh(self) -> bool:
        """Papers the index lacks (all of them on a new host: it builds its own), or vectors stored since."""
        index = self.current_index()
        return self.lag().papers > 0 or (index is not None and bool(self._stored_but_missing(index)))

    def lag(self) -> IndexLag:
        """Papers the index does not reflect yet, and for how long it has not been current."""
        index, database_seq = self.current_index(), documents.max_seq(self._engine)
        behind = documents.count_documents(self._engine, after_seq=index.seq if index else 0)
        now = time.time()
        if index is not None and not behind:
            self._caught_up_at = now
            return IndexLag(index.seq, database_seq, 0, 0.0)
        since = self._caught_up_at or _built_at(self._generation) or now
        return IndexLag(index.seq if index else None, database_seq, behind, round(max(now - since, 0.0), 3))

    def _build(self, *, rebuild: bool, progress: Progress | None, embed: bool = True) -> IndexReport:
        started = time.perf_counter()
        embedded = self.embed_pending(progress) if embed else 0
        old = None if rebuild else self.current_index()
        model = self._embedder.name if self._embedder else ""
        if old is not None and old.embedder != model:
            old = None
        seq = documents.max_seq(self._engine)
        after = old.seq if old is not None else 0
        total = documents.count_documents(self._engine, after_seq=after)
        docs = []
        if progress is not None:
            progress("read", 0, total)
        for batch in documents.iter_documents(self._engine, after_seq=after):
            docs += batch
            if progress is not None:
                progress("read", len(batch), total)
        vectors = documents.load_vectors(self._engine, model, [d.id for d in docs]) if model else {}
        dim = self._embedder.dim if self._embedder else 0
        if progress is not None:
            progress("index", 0, 1)
        from paperwire.search.builder import update_index  # scipy: building only, not the query path

        index = update_index(old, docs, vectors=vectors, embedder=model, dim=dim, seq=max(seq, after))
        filled = 0
        if model and (embedded or not embed):
            index, filled = self._fill_vectors(index, model, everything=bool(embedded))
        if docs or embedded or filled or old is None:
            save_index(index, self._index_dir)
        self._caught_up_at = time.time()  # the index now reflects every paper up to seq
        if progress is not None:
            progress("index", 1, 1)
        log.info("search.index", extra={"papers": len(docs), "embedded": embedded, "rebuilt": old is None})
        return IndexReport(
            len(docs), embedded, index.size, index.seq, round(time.perf_counter() - started, 3), old is None
        )

    def _fill_vectors(self, index: SearchIndex, model: str, *, everything: bool) -> tuple[SearchIndex, int]:
        """Rows carried over without a vector get one if it has been stored since (all such rows after
        this process embedded; else the newest FILL_CHECK_ROWS of them). Returns the index and how many."""
        found = self._stored_but_missing(index, None if everything else FILL_CHECK_ROWS)
        if found:
            index.vectors, index.has_vector = np.array(index.vectors), np.array(index.has_vector)
            for paper_id, vector in found.items():
                index.vectors[index.position[paper_id]], index.has_vector[index.position[paper_id]] = vector, True
        return index, len(found)

    def _stored_but_missing(self, index: SearchIndex, newest: int | None = FILL_CHECK_ROWS) -> dict[str, np.ndarray]:
        """Stored vectors of indexed papers that the index holds no vector for (the worker embeds papers
        after they are ingested, so a refresh can index a paper before its vector exists)."""
        if not index.embedder:
            return {}
        rows = np.flatnonzero(~np.asarray(index.has_vector))
        if newest is not None:
            rows = rows[-newest:]
        return documents.load_vectors(self._engine, index.embedder, [index.ids[r] for r in rows]) if rows.size else {}

    def current_index(self) -> SearchIndex | None:
        """The current index, or None when none has been built (a corrupt one raises CorruptIndex)."""
        try:
            return self.index()
        except NotFound:
            return None


def _built_at(generation: Path | None) -> float | None:
    """When a generation was published (it reflected every paper then)."""
    try:
        return (generation / "manifest.json").stat().st_mtime if generation else None
    except OSError:
        return None


def _check_page(sort: str, offset: int, limit: int, mode: str = "hybrid") -> None:
    """Refuse bad parameters before the index is opened, so a bad value is named even without an index."""
    if mode not in MODES:
        raise InvalidInput(f"unknown search mode {mode!r}: use one of {', '.join(MODES)}")
    if sort not in SORTS:
        raise InvalidInput(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}")
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidInput(f"offset must be between 0 and {MAX_OFFSET}")


def _title(paper: PaperRow | None) -> str:
    return paper.title if paper else ""


def _hit(paper_id: str, score: float, paper: PaperRow | None) -> SearchHit:
    if paper is None:
        return SearchHit(id=paper_id, title="", score=round(score, 4))
    day = paper.announced or paper.published
    return SearchHit(
        id=paper_id,
        title=paper.title,
        score=round(score, 4),
        authors="; ".join(paper.authors),
        primary_category=paper.primary_category,
        date=day.isoformat() if day else None,
        upvotes=paper.upvotes,
    )
