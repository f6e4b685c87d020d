"""PostgreSQL itself as the shared search engine (pgvector HNSW + full-text search) against paperwire's
per-host index: quality on SciFact and arxiv-dev, latency / build / disk at 300k rows.

Usage (run under `nice -n 15`; one step per command, each under 10 minutes on 2 cores):
    python bench/pgvector.py embed                    # product embedder over both corpora and all queries, cached
    python bench/pgvector.py quality --dataset scifact --split train --sweep   # tune on train only
    python bench/pgvector.py quality --dataset scifact --split test            # then score test once
    python bench/pgvector.py quality --dataset arxiv-dev
    python bench/pgvector.py product --dataset scifact    # paperwire's own eval path, cached vectors
    python bench/pgvector.py latency --size 300000        # pgvector vs the per-host index, same queries

Database: PGV_DSN (default postgresql://postgres@127.0.0.1:5432/pgv_bench, a database with
`CREATE EXTENSION vector`). Results: JSON under bench/results/ (gitignored); figures in docs/scaling.md.

The shared engine, as the product's hybrid search would look inside PostgreSQL:
- documents(id, title, abstract, tsv tsvector GENERATED from setweight(title, 'A') || abstract 'english',
  GIN index; emb vector(384), HNSW vector_cosine_ops);
- lexical: ts_rank_cd(weights, tsv, websearch/plainto query with OR between terms) over the GIN matches,
  top `depth`; semantic: ORDER BY emb <=> q LIMIT depth through HNSW (hnsw.ef_search >= depth);
- hybrid: the product's fusion (docs/search.md): min-max normalise each retriever over its own top list,
  alpha * sem + (1 - alpha) * lex over the union, in one SQL statement (two CTEs).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import struct
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
CACHE = RESULTS / "pgv-cache"
SHARED = Path(os.environ.get("PAPERWIRE_SHARED_DATA", "/work/shared/data"))
SCIFACT = SHARED / "beir-scifact"
ARXIV_DEV = RESULTS / "arxiv-dev"  # written by bench/arxiv_dev/build.py --out bench/results/arxiv-dev
DSN = os.environ.get("PGV_DSN", "postgresql://postgres@127.0.0.1:5432/pgv_bench")
DIM = 384


# ----------------------------------------------------------------------------------------------- data
def dataset_dir(name: str) -> Path:
    if name == "scifact":
        return SCIFACT
    if name == "arxiv-dev":
        if not (ARXIV_DEV / "corpus.jsonl").exists():
            sys.path.insert(0, str(HERE / "arxiv_dev"))
            import build

            build.write(ARXIV_DEV, SHARED / "arxiv-daily/arxiv-daily-cs_2025-03-18_2026-07-01.jsonl.gz")
        return ARXIV_DEV
    if name == "arxiv-dev-judged":  # the 1,758 judged papers only (docs/search.md reports this protocol too)
        judged_dir = RESULTS / "arxiv-dev-judged"
        if not (judged_dir / "corpus.jsonl").exists():
            source = dataset_dir("arxiv-dev")
            with (HERE / "arxiv_dev/judgments.tsv").open(encoding="utf-8") as handle:
                judged = {line.split("\t")[1] for line in handle if line.strip() and not line.startswith("query-id")}
            (judged_dir / "qrels").mkdir(parents=True, exist_ok=True)
            lines = (source / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
            kept = [line for line in lines if json.loads(line)["_id"] in judged]
            (judged_dir / "corpus.jsonl").write_text("\n".join(kept) + "\n", encoding="utf-8")
            for part in ("queries.jsonl", "qrels/test.tsv"):
                (judged_dir / part).write_bytes((source / part).read_bytes())
        return judged_dir
    raise SystemExit(f"unknown dataset {name!r}: use scifact or arxiv-dev")


def splits(name: str) -> tuple[str, ...]:
    return ("train", "test") if name == "scifact" else ("test",)  # arxiv-dev: 62 queries, one split


def embedder() -> Any:
    from paperwire.search.dense import MiniLMEmbedder

    return MiniLMEmbedder(cache_dir=CACHE / "models")


def doc_text(title: str, text: str) -> str:
    """As search/store.py embedding_text composes a paper."""
    return f"{title}. {text}" if title else text


def _key(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class VectorCache:
    """text -> product-embedder vector, kept as one .npy + keys .json per (set, model)."""

    def __init__(self, name: str, model_name: str) -> None:
        self.base = CACHE / f"{name}-{model_name}"
        self.vectors: dict[str, np.ndarray] = {}
        if self.base.with_suffix(".npy").exists():
            keys = json.loads(self.base.with_suffix(".json").read_text())
            matrix = np.load(self.base.with_suffix(".npy"))
            self.vectors = dict(zip(keys, matrix, strict=True))

    def save(self) -> None:
        CACHE.mkdir(parents=True, exist_ok=True)
        keys = list(self.vectors)
        np.save(self.base.with_suffix(".npy"), np.stack([self.vectors[k] for k in keys]).astype(np.float32))
        self.base.with_suffix(".json").write_text(json.dumps(keys))


class CachedEmbedder:
    """The product embedder with a text-keyed cache in front: same name, dim and floor, same vectors."""

    def __init__(self, inner: Any, docs: VectorCache, queries: VectorCache) -> None:
        self.inner, self.docs, self.queries = inner, docs, queries
        self.misses = 0
        self.strict = False  # True: never embed a document (the latency run must reuse stored vectors)

    @property
    def name(self) -> str:
        return str(self.inner.name)

    @property
    def dim(self) -> int:
        return int(self.inner.dim)

    @property
    def min_cosine(self) -> float:
        return float(self.inner.min_cosine)

    def embed_documents(self, texts: Any) -> np.ndarray:
        keys = [_key(t) for t in texts]
        missing = [t for t, k in zip(texts, keys, strict=True) if k not in self.docs.vectors]
        if missing and self.strict:
            raise SystemExit(f"{len(missing)} documents would be embedded: the stored vectors do not match")
        if missing:
            self.misses += len(missing)
            for text, vector in zip(missing, self.inner.embed_documents(missing), strict=True):
                self.docs.vectors[_key(text)] = vector
        return np.stack([self.docs.vectors[k] for k in keys]).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        key = _key(text)
        if key not in self.queries.vectors:
            self.misses += 1
            self.queries.vectors[key] = self.inner.embed_query(text)
        return np.asarray(self.queries.vectors[key], dtype=np.float32)


def cached_embedder(name: str) -> CachedEmbedder:
    inner = embedder()
    name = name.removesuffix("-judged")  # the judged papers are a subset of arxiv-dev: one cache
    return CachedEmbedder(inner, VectorCache(f"{name}-docs", inner.name), VectorCache(f"{name}-queries", inner.name))


def cmd_embed(args: argparse.Namespace) -> None:
    from paperwire.search.evaluate import load_beir

    for name in args.datasets:
        model = cached_embedder(name)
        data = {split: load_beir(dataset_dir(name), split) for split in splits(name)}
        corpus = next(iter(data.values())).corpus
        texts = [doc_text(d.title, d.text) for d in corpus]
        todo = [t for t in texts if _key(t) not in model.docs.vectors]
        started = time.perf_counter()
        for start in range(0, len(todo), 1024):
            model.embed_documents(todo[start : start + 1024])
            model.docs.save()
            print(f"  {name} docs: {start + len(todo[start : start + 1024])}/{len(todo)}", file=sys.stderr, flush=True)
        for split in data.values():
            for text in split.queries.values():
                model.embed_query(text)
        model.queries.save()
        print(f"{name}: {len(todo)} docs embedded in {time.perf_counter() - started:.0f} s", file=sys.stderr)


# ------------------------------------------------------------------------------------- the shared engine
@dataclass(frozen=True)
class PgConfig:
    """One setting of the PostgreSQL engine; the defaults are the values chosen on SciFact train."""

    rank: str = "bm25"  # bm25 (postings table, below) | ts_rank_cd | ts_rank (built-in, no idf)
    weights: str = "{0.1,0.2,0.4,1.0}"  # {D,C,B,A}: abstract D, title A
    norm: int = 0  # ts_rank normalization flags
    alpha: float = 0.45  # the product's FUSION_ALPHA
    depth: int = 1000  # the product's FUSION_DEPTH; hnsw.ef_search is capped at 1000 by pgvector
    ef_search: int = 1000
    hybrid_cosine: float = 0.46  # the product's hybrid floor (min_cosine 0.31 + margin 0.15)
    min_cosine: float = 0.31  # the product's semantic floor


HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64

# query lexemes of the 'english' config, OR-ed (the product's lexical side matches any query term);
# the lexemes are already stemmed, so the text -> tsquery cast must not stem them again
TSQUERY = (
    "(SELECT coalesce(string_agg(quote_literal(lexeme), ' | '), '')::tsquery"
    " FROM unnest(to_tsvector('english', %(text)s)))"
)


BM25_K1, BM25_B, TITLE_WEIGHT = 1.2, 0.75, 3  # the product's (docs/search.md, search/fields.py)


def _lexical_sql(table: str, config: PgConfig) -> str:
    """(row, s, passes) of the top `depth` lexical candidates; passes: the product's lexical floor."""
    if config.rank != "bm25":
        return (
            f"SELECT row, {config.rank}('{config.weights}'::float4[], tsv, tq, {config.norm}) AS s, true AS passes"
            f" FROM {table}, (SELECT {TSQUERY} AS tq) q WHERE tsv @@ tq ORDER BY s DESC LIMIT {config.depth}"
        )
    # BM25 in plain SQL over <table>_post (lexeme, row, w = the BM25 tf part, precomputed) and <table>_terms
    # (lexeme, idf): the product's formula and idf-coverage floor min(0.75, 1.1 / (n - 1)); a query term the
    # corpus lacks counts with the idf of df = 0
    return (
        f"WITH qi AS (SELECT qt.lexeme, coalesce(t.idf, (SELECT idf0 FROM {table}_meta)) AS idf"
        f"   FROM (SELECT DISTINCT lexeme FROM unnest(to_tsvector('english', %(text)s))) qt"
        f"   LEFT JOIN {table}_terms t USING (lexeme)),"
        f" tot AS (SELECT sum(idf) AS total, count(*) AS n FROM qi)"
        f" SELECT p.row, sum(qi.idf * p.w) AS s,"
        f"   (tot.n = 1 OR sum(qi.idf) >= least(0.75, 1.1 / greatest(tot.n - 1, 1)) * tot.total) AS passes"
        f" FROM qi JOIN {table}_post p USING (lexeme), tot"
        f" GROUP BY p.row, tot.n, tot.total ORDER BY s DESC LIMIT {config.depth}"
    )


def bm25_tables(conn: Any, table: str) -> None:
    """<table>_post / _terms / _meta from the stored tsvector (title positions weigh TITLE_WEIGHT, as BM25F)."""
    for suffix in ("post", "terms", "meta"):
        conn.execute(f"DROP TABLE IF EXISTS {table}_{suffix}")
    conn.execute(
        f"CREATE TABLE {table}_post AS"
        f" WITH tf AS (SELECT d.row, u.lexeme, sum(CASE WHEN w = 'A' THEN {TITLE_WEIGHT} ELSE 1 END)::real AS tf"
        f"   FROM {table} d, unnest(d.tsv) u, unnest(u.weights) w GROUP BY d.row, u.lexeme),"
        f" len AS (SELECT row, sum(tf) AS len FROM tf GROUP BY row), avg AS (SELECT avg(len) AS a FROM len)"
        f" SELECT tf.lexeme, tf.row,"
        f"   (tf.tf * {BM25_K1 + 1} / (tf.tf + {BM25_K1} * ({1 - BM25_B} + {BM25_B} * len.len / avg.a)))::real AS w"
        f" FROM tf JOIN len USING (row), avg ORDER BY tf.lexeme, tf.row"
    )
    conn.execute(f"CREATE INDEX {table}_post_lexeme ON {table}_post (lexeme) INCLUDE (row, w)")
    count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    conn.execute(
        f"CREATE TABLE {table}_terms AS SELECT lexeme, ln(1 + ({count} - df + 0.5) / (df + 0.5))::real AS idf"
        f" FROM (SELECT lexeme, count(*) AS df FROM {table}_post GROUP BY lexeme) d"
    )
    conn.execute(f"ALTER TABLE {table}_terms ADD PRIMARY KEY (lexeme)")
    conn.execute(f"CREATE TABLE {table}_meta AS SELECT ln(1 + ({count} + 0.5) / 0.5)::real AS idf0")
    conn.execute(f"VACUUM ANALYZE {table}_post")  # visibility map: index-only scans of the postings
    conn.execute(f"VACUUM ANALYZE {table}_terms")


def _semantic_sql(table: str, config: PgConfig) -> str:
    return (
        f"SELECT row, 1 - (emb <=> %(vec)s::vector) AS s, false AS passes FROM {table}"
        f" ORDER BY emb <=> %(vec)s::vector LIMIT {config.depth}"
    )


def _normalised(name: str) -> str:
    return (
        f"SELECT row, s, passes, CASE WHEN max(s) OVER () - min(s) OVER () < 1e-9 THEN 1.0"
        f" ELSE (s - min(s) OVER ()) / (max(s) OVER () - min(s) OVER ()) END AS n FROM {name}"
    )


def hybrid_sql(table: str, config: PgConfig, limit: int) -> str:
    """The product's fusion (search/fusion.py) in one statement: min-max over each top list, union, floor."""
    return (
        f"WITH lex AS MATERIALIZED ({_lexical_sql(table, config)}),"
        f" sem AS MATERIALIZED ({_semantic_sql(table, config)}),"
        f" ln AS ({_normalised('lex')}), sn AS ({_normalised('sem')})"
        f" SELECT row, {config.alpha} * coalesce(sn.n, 0) + {1 - config.alpha} * coalesce(ln.n, 0) AS f"
        f" FROM ln FULL JOIN sn USING (row)"
        f" WHERE ln.passes OR sn.s >= {config.hybrid_cosine}"
        f" ORDER BY f DESC, row LIMIT {limit}"
    )


def mode_sql(table: str, mode: str, config: PgConfig, limit: int) -> str:
    if mode == "hybrid":
        return hybrid_sql(table, config, limit)
    if mode == "lexical":
        return f"SELECT row FROM ({_lexical_sql(table, config)}) t WHERE passes ORDER BY s DESC, row LIMIT {limit}"
    floor = -2.0 if mode == "knn" else config.min_cosine  # knn: the HNSW top list itself (recall check)
    return f"SELECT row FROM ({_semantic_sql(table, config)}) t WHERE s >= {floor} ORDER BY s DESC, row LIMIT {limit}"


def vector_literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in np.asarray(vector, dtype=np.float32).tolist()) + "]"


def connect() -> Any:
    import psycopg

    conn = psycopg.connect(DSN, autocommit=True)
    conn.execute("SET jit = off")  # per-query JIT compilation costs more than it saves on these statements
    return conn


def _copy_binary(rows: list[tuple[int, str, str, str]], vectors: np.ndarray) -> Iterator[bytes]:
    """COPY ... (FORMAT binary) stream: row int4, id/title/abstract text, emb vector (dim, unused, float4 BE)."""
    yield b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
    head = struct.pack(">hh", DIM, 0)
    chunk: list[bytes] = []
    for (row, doc_id, title, abstract), vector in zip(rows, vectors, strict=True):
        parts = [struct.pack(">hii", 5, 4, row)]
        for text in (doc_id, title, abstract):
            data = text.replace("\x00", " ").encode()
            parts.append(struct.pack(">i", len(data)) + data)
        parts.append(struct.pack(">i", 4 + 4 * DIM) + head + vector.astype(">f4").tobytes())
        chunk.append(b"".join(parts))
        if len(chunk) >= 2000:
            yield b"".join(chunk)
            chunk = []
    yield b"".join(chunk) + struct.pack(">h", -1)


def build_table(
    conn: Any,
    table: str,
    rows: list[tuple[int, str, str, str]],
    vectors: np.ndarray,
    *,
    parallel: int = 2,
    skip: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Create `table`, load it by binary COPY, build the GIN and HNSW indexes; times and sizes."""
    report: dict[str, Any] = {"rows": len(rows), "hnsw_m": HNSW_M, "hnsw_ef_construction": HNSW_EF_CONSTRUCTION}
    if "load" not in skip:
        report["load_s"] = _load(conn, table, rows, vectors)
    conn.execute("SET maintenance_work_mem = '3GB'")  # the HNSW graph must fit, or the build slows down
    conn.execute(f"SET max_parallel_maintenance_workers = {parallel}")
    if "hnsw" not in skip:
        conn.execute(f"DROP INDEX IF EXISTS {table}_emb")
    if "gin" not in skip:
        conn.execute(f"DROP INDEX IF EXISTS {table}_tsv")
    hnsw = (
        f"CREATE INDEX {table}_emb ON {table} USING hnsw (emb vector_cosine_ops)"
        f" WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})"
    )
    steps: list[tuple[str, Any]] = [
        ("gin", lambda: conn.execute(f"CREATE INDEX {table}_tsv ON {table} USING gin (tsv)")),
        ("bm25", lambda: bm25_tables(conn, table)),
        ("hnsw", lambda: conn.execute(hnsw)),
    ]
    for name, step in steps:
        if name in skip:
            continue
        started = time.perf_counter()
        step()
        report[f"{name}_build_s"] = round(time.perf_counter() - started, 1)
        print(f"  {table}: {name} index in {report[f'{name}_build_s']} s", file=sys.stderr, flush=True)
    conn.execute(f"VACUUM ANALYZE {table}")
    sizes = conn.execute(
        f"SELECT pg_table_size('{table}'), pg_relation_size(to_regclass('{table}_tsv')),"
        f" pg_relation_size(to_regclass('{table}_emb')),"
        f" pg_total_relation_size('{table}'), pg_total_relation_size(to_regclass('{table}_post')),"
        f" pg_total_relation_size(to_regclass('{table}_terms'))"
    ).fetchone()
    names = ("table", "gin", "hnsw", "total", "bm25_postings", "bm25_terms")
    report.update({f"{k}_mib": round((v or 0) / 2**20, 1) for k, v in zip(names, sizes, strict=True)})
    return report


def _load(conn: Any, table: str, rows: list[tuple[int, str, str, str]], vectors: np.ndarray) -> float:
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute(
        f"CREATE TABLE {table} (row int PRIMARY KEY, id text NOT NULL, title text NOT NULL, abstract text NOT NULL,"
        f" emb vector({DIM}) NOT NULL,"
        " tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', title), 'A')"
        " || setweight(to_tsvector('english', abstract), 'D')) STORED)"
    )
    started = time.perf_counter()
    with (
        conn.cursor() as cur,
        cur.copy(f"COPY {table} (row, id, title, abstract, emb) FROM STDIN (FORMAT binary)") as copy,
    ):
        for block in _copy_binary(rows, vectors):
            copy.write(block)
    return round(time.perf_counter() - started, 1)


class PgSearch:
    """Ranked document ids of one mode from the PostgreSQL engine."""

    def __init__(self, conn: Any, table: str, ids: list[str], config: PgConfig) -> None:
        self.conn, self.table, self.ids, self.config = conn, table, ids, config
        conn.execute(f"SET hnsw.ef_search = {config.ef_search}")

    def rows(self, mode: str, text: str, vector: np.ndarray, limit: int = 100) -> list[int]:
        sql = mode_sql(self.table, mode, self.config, limit)
        params = {"text": text, "vec": vector_literal(vector)}
        return [r[0] for r in self.conn.execute(sql, params).fetchall()]

    def ranked(self, mode: str, text: str, vector: np.ndarray, limit: int = 100) -> list[str]:
        return [self.ids[r] for r in self.rows(mode, text, vector, limit)]


# ------------------------------------------------------------------------------------------------ quality
def _dataset(name: str, split: str) -> Any:
    from paperwire.search.evaluate import load_beir

    return load_beir(dataset_dir(name), split)


def quality_table(conn: Any, name: str, model: CachedEmbedder) -> tuple[str, list[str]]:
    """q_<dataset>: the corpus with the product's stored vectors (built once; the corpus is the same per split)."""
    table = "q_" + name.replace("-", "_")
    corpus = _dataset(name, splits(name)[0]).corpus
    ids = [d.id for d in corpus]
    exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()[0]
    if not exists or conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] != len(corpus):
        vectors = model.embed_documents([doc_text(d.title, d.text) for d in corpus])
        rows = [(i, d.id, d.title or "", d.text or "") for i, d in enumerate(corpus)]
        print(json.dumps(build_table(conn, table, rows, vectors)), file=sys.stderr)
    return table, ids


# built-in ranking functions have no idf: five ts_rank_cd settings on SciFact train gave 0.30-0.44 nDCG@10
# (docs/scaling.md) at ~100 s a setting, so the sweep keeps the best of them beside BM25 in SQL
SWEEP = [PgConfig(rank="bm25"), PgConfig(rank="ts_rank_cd", norm=1)]


def cmd_quality(args: argparse.Namespace) -> None:
    from paperwire.search.evaluate import evaluate_run

    model = cached_embedder(args.dataset)
    conn = connect()
    table, ids = quality_table(conn, args.dataset, model)
    data = _dataset(args.dataset, args.split)
    base = PgConfig(**json.loads(args.config)) if args.config else PgConfig()
    out: dict[str, Any] = {"dataset": args.dataset, "split": args.split, "load_average": os.getloadavg()}

    def score(config: PgConfig, mode: str) -> dict[str, float]:
        engine = PgSearch(conn, table, ids, config)
        vectors = {text: model.embed_query(text) for text in data.queries.values()}
        return evaluate_run(lambda text: engine.ranked(mode, text, vectors[text]), data.queries, data.qrels)

    if args.sweep:
        lexical = []
        for config in SWEEP:
            metrics = score(config, "lexical")
            lexical.append({"config": asdict(config), **metrics})
            print(f"lexical {config.rank} {config.weights} norm {config.norm}: {metrics['ndcg@10']:.4f}", flush=True)
        best = PgConfig(**max(lexical, key=lambda r: r["ndcg@10"])["config"])
        hybrid = []
        for alpha in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7):
            config = PgConfig(**{**asdict(best), "alpha": alpha})
            metrics = score(config, "hybrid")
            hybrid.append({"config": asdict(config), **metrics})
            print(f"hybrid alpha {alpha}: {metrics['ndcg@10']:.4f}", flush=True)
        out.update(lexical_sweep=lexical, hybrid_sweep=hybrid)
        base = PgConfig(**max(hybrid, key=lambda r: r["ndcg@10"])["config"])
    out["config"] = asdict(base)
    out["modes"] = {mode: score(base, mode) for mode in ("lexical", "semantic", "hybrid")}
    for mode, metrics in out["modes"].items():
        print(
            f"pgvector {args.dataset} {args.split} {mode}: nDCG@10 {metrics['ndcg@10']:.4f}"
            f" R@100 {metrics['recall@100']:.4f} p50 {metrics['latency_ms_p50']:.1f} ms",
            flush=True,
        )
    print(f"chosen: {json.dumps(asdict(base))}")
    _save(f"pgv-quality-{args.dataset}-{args.split}{'-sweep' if args.sweep else ''}", out)


def cmd_product(args: argparse.Namespace) -> None:
    """paperwire's own eval path (`paperwire eval beir`: scratch SQLite, index rebuild, Ranker), cached vectors."""
    from paperwire.search.beir import run_beir

    model = cached_embedder(args.dataset)
    started = time.perf_counter()
    results = run_beir(dataset_dir(args.dataset), embedder=model, split=args.split)
    for mode, metrics in results.items():
        print(
            f"paperwire {args.dataset} {args.split} {mode}: nDCG@10 {metrics['ndcg@10']:.4f}"
            f" R@100 {metrics['recall@100']:.4f} p50 {metrics['latency_ms_p50']:.1f} ms",
            flush=True,
        )
    print(f"embedder cache misses: {model.misses} (0: every vector came from the product embedder's cache)")
    _save(
        f"pgv-product-{args.dataset}-{args.split}",
        {
            "dataset": args.dataset,
            "split": args.split,
            "modes": results,
            "misses": model.misses,
            "seconds": round(time.perf_counter() - started, 1),
            "load_average": os.getloadavg(),
        },
    )


def _save(name: str, data: dict[str, Any]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(data, indent=1))
    print(f"-> {path}", file=sys.stderr)


# ------------------------------------------------------------------------------------------------ latency
DAILY = SHARED / "arxiv-daily/arxiv-daily-cs_2025-03-18_2026-07-01.jsonl.gz"
SEED = 20261203
LATENCY_SETS = ("scifact", "arxiv-dev-judged")
MIN_QUERIES = 60  # a setting stops after --budget-s once it has run this many queries


def scale_corpus(size: int) -> tuple[list[tuple[int, str, str, str]], np.ndarray]:
    """size rows: the real documents of LATENCY_SETS with their product vectors, then arXiv cs daily papers
    (copy 0 as is, later copies with their sentences shuffled, seeded) with seeded random unit vectors
    (as bench/ann_data.py and bench/search_latency.py do: no embedding of 300k abstracts)."""
    import gzip
    import random

    rows: list[tuple[int, str, str, str]] = []
    parts = []
    for name in LATENCY_SETS:
        model = cached_embedder(name)
        corpus = _dataset(name, "test").corpus
        parts.append(model.embed_documents([doc_text(d.title, d.text) for d in corpus]))
        rows += [(len(rows) + i, f"{name}:{d.id}", d.title or "", d.text or "") for i, d in enumerate(corpus)]
    real = len(rows)
    with gzip.open(DAILY, "rt", encoding="utf-8") as handle:
        daily = [json.loads(line) for line in handle]
    rng = random.Random(SEED)
    while len(rows) < size:
        item = daily[(len(rows) - real) % len(daily)]
        copy = (len(rows) - real) // len(daily)
        title, abstract = " ".join(item["title"].split()), " ".join(item["summary"].split())
        if copy:
            sentences = abstract.split(". ")
            rng.shuffle(sentences)
            abstract = ". ".join(sentences)
        rows.append((len(rows), f"gen{copy}:{item['id']}", title, abstract))
    random_rows = np.random.default_rng(SEED).standard_normal((size - real, DIM), dtype=np.float32)
    random_rows /= np.linalg.norm(random_rows, axis=1, keepdims=True)
    return rows, np.concatenate([*parts, random_rows]).astype(np.float32)


def latency_queries() -> list[tuple[str, np.ndarray]]:
    """SciFact test + arxiv-dev queries with their cached product vectors (query embedding excluded), in one
    seeded shuffled order, so a run cut short by its time budget still mixes long claims and short queries."""
    import random

    out = []
    for name in LATENCY_SETS:
        model = cached_embedder(name)
        out += [(text, model.embed_query(text)) for text in _dataset(name, "test").queries.values()]
    random.Random(SEED).shuffle(out)
    return out


def _percentiles(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(float(np.percentile(values, 50)), 2), "p95_ms": round(float(np.percentile(values, 95)), 2)}


def cmd_build(args: argparse.Namespace) -> None:
    rows, vectors = scale_corpus(args.size)
    conn = connect()
    skip = tuple(step for step in ("load", "gin", "bm25", "hnsw") if step not in args.steps)
    report = build_table(conn, f"s_{args.size}", rows, vectors, parallel=args.parallel, skip=skip)
    report["load_average"] = os.getloadavg()
    print(json.dumps(report))
    _save(f"pgv-build-{args.size}", report)


def cmd_pg_latency(args: argparse.Namespace) -> None:
    conn = connect()
    table = f"s_{args.size}"
    queries = latency_queries()
    _, vectors = scale_corpus(args.size)
    exact = vectors @ np.stack([v for _, v in queries]).T  # (n, q): exact cosine top 10 per query
    truth = [set(np.argpartition(-exact[:, i], 10)[:10].tolist()) for i in range(len(queries))]
    del exact, vectors
    out: dict[str, Any] = {"size": args.size, "queries": len(queries), "runs": []}
    for depth in args.depths:
        config = PgConfig(depth=depth, ef_search=max(depth, 40))
        engine = PgSearch(conn, table, [], config)
        for mode in ("semantic", "hybrid", "lexical") if depth == args.depths[0] else ("semantic", "hybrid"):
            engine.rows(mode, *queries[0])  # warm
            times, recall, began = [], [], time.perf_counter()
            for rnd in range(args.rounds):
                for i, (text, vector) in enumerate(queries):
                    if time.perf_counter() - began > args.budget_s and len(times) >= MIN_QUERIES:
                        break  # a slow setting: its percentiles over the queries run so far
                    started = time.perf_counter()
                    engine.rows(mode, text, vector, limit=100)
                    times.append((time.perf_counter() - started) * 1000)
                    if rnd == 0 and mode == "semantic":
                        top = engine.rows("knn", text, vector, limit=10)
                        recall.append(len(set(top) & truth[i]) / 10)
            run = {"depth": depth, "ef_search": config.ef_search, "mode": mode, "n": len(times), **_percentiles(times)}
            if recall:
                run["recall@10_vs_exact"] = round(float(np.mean(recall)), 4)
            out["runs"].append(run)
            print(json.dumps(run), flush=True)
    out["load_average"] = os.getloadavg()
    _save(f"pgv-latency-{args.size}", out)


def cmd_product_latency(args: argparse.Namespace) -> None:
    """The per-host index at the same rows: scratch SQLite, stored vectors, `rebuild_index`, Ranker."""
    import resource
    import tempfile
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from paperwire.domain.papers import content_hash
    from paperwire.search.service import SearchService
    from paperwire.storage.db import make_engine
    from paperwire.storage.tables import METADATA, paper_embeddings, papers

    rows, vectors = scale_corpus(args.size)
    queries = latency_queries()
    model = cached_embedder(LATENCY_SETS[0])
    model.strict = True
    for text, vector in queries:  # every latency query answers from the cache: query embedding excluded
        model.queries.vectors[_key(text)] = vector
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="pgv-product-", dir=RESULTS) as scratch:
        engine = make_engine(f"sqlite:///{scratch}/bench.db")
        METADATA.create_all(engine)
        started = time.perf_counter()
        with engine.begin() as conn:
            for start in range(0, len(rows), 5000):
                block = rows[start : start + 5000]
                conn.execute(
                    insert(papers),
                    [
                        {
                            "id": doc_id,
                            "version": 1,
                            "title": title,
                            "abstract": abstract,
                            "code_links": [],
                            "authors_text": "",
                            "categories_text": "",
                            "source": "bench",
                            "upvotes": 0,
                            "imported_upvotes": 0,
                            "content_hash": content_hash((title, abstract)),
                            "ingested_at": now,
                            "updated_at": now,
                            "seq": row + 1,
                        }
                        for row, doc_id, title, abstract in block
                    ],
                )
                conn.execute(
                    insert(paper_embeddings),
                    [
                        {
                            "paper_id": doc_id,
                            "model": model.name,
                            "content_hash": content_hash((title, abstract)),
                            "dim": DIM,
                            "vector": vectors[row].astype("<f4").tobytes(),
                            "created_at": now,
                        }
                        for row, doc_id, title, abstract in block
                    ],
                )
        load_s = time.perf_counter() - started
        del vectors
        service = SearchService(engine, index_dir=Path(scratch) / "index", embedder=model)
        started = time.perf_counter()
        report = service.rebuild_index()
        build_s = time.perf_counter() - started
        disk = sum(p.stat().st_size for p in (Path(scratch) / "index").rglob("*") if p.is_file())
        out: dict[str, Any] = {
            "size": args.size,
            "load_s": round(load_s, 1),
            "build_s": round(build_s, 1),
            "index_mib": round(disk / 2**20, 1),
            "report": str(report),
            "embedder_misses": model.misses,
            "runs": [],
        }
        print(json.dumps(out), flush=True)
        service.rank_ids(queries[0][0])  # load the index
        for mode in ("hybrid", "semantic", "lexical"):
            times = []
            for _ in range(args.rounds):
                for text, _vector in queries:
                    started = time.perf_counter()
                    service.rank_ids(text, mode=mode, limit=100)
                    times.append((time.perf_counter() - started) * 1000)
            out["runs"].append({"mode": mode, **_percentiles(times)})
            print(json.dumps(out["runs"][-1]), flush=True)
        out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        out["load_average"] = os.getloadavg()
        engine.dispose()
    _save(f"pgv-product-latency-{args.size}", out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    embed = sub.add_parser("embed")
    embed.add_argument("--datasets", nargs="+", default=["scifact", "arxiv-dev-judged"])
    embed.set_defaults(func=cmd_embed)
    for name, func in (("quality", cmd_quality), ("product", cmd_product)):
        cmd = sub.add_parser(name)
        cmd.add_argument("--dataset", default="scifact", choices=("scifact", "arxiv-dev", "arxiv-dev-judged"))
        cmd.add_argument("--split", default="test")
        cmd.add_argument("--sweep", action="store_true", help="tune the engine on this split first")
        cmd.add_argument("--config", default="", help="PgConfig as JSON (the one chosen on train)")
        cmd.set_defaults(func=func)
    for name, func in (("build", cmd_build), ("latency", cmd_pg_latency), ("product-latency", cmd_product_latency)):
        cmd = sub.add_parser(name)
        cmd.add_argument("--size", type=int, default=300_000)
        cmd.add_argument("--parallel", type=int, default=2, help="max_parallel_maintenance_workers for the build")
        cmd.add_argument("--steps", nargs="+", default=["load", "gin", "bm25", "hnsw"], help="build steps to run")
        cmd.add_argument("--depths", type=int, nargs="+", default=[1000, 100])
        cmd.add_argument("--rounds", type=int, default=1)
        cmd.add_argument("--budget-s", type=float, default=30.0, help="per engine setting and mode")
        cmd.set_defaults(func=func)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
