"""`paperwire eval beir DIR`: retrieval quality and latency of each search mode on a BEIR dataset."""

from __future__ import annotations

import typer
from rich.table import Table

from paperwire.cli import _common
from paperwire.cli.index import progress_bar
from paperwire.search.beir import run_beir
from paperwire.search.dense import make_embedder

app = typer.Typer(help="Evaluate search quality.", no_args_is_help=True)
METRICS = ("ndcg@10", "recall@100", "mrr@10", "latency_ms_p50", "latency_ms_p95")


@app.command("beir")
def beir(
    directory: str = typer.Argument(..., help="BEIR dataset dir: corpus.jsonl[.gz], queries.jsonl, qrels/SPLIT.tsv"),
    split: str = typer.Option("test", "--split", help="qrels split to score."),
    limit_queries: int = typer.Option(0, "--limit-queries", min=0, help="Only the first N queries (0: all)."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON: {mode: {metric: value}}."),
) -> None:
    """Load DIR into a scratch SQLite database, index it, and report nDCG@10, Recall@100, MRR@10, latency."""
    with progress_bar() as advance:
        results = run_beir(
            directory,
            embedder=make_embedder(_common.settings()),
            split=split,
            limit_queries=limit_queries or None,
            progress=advance,
        )
    if json_output:
        _common.print_json(results)
        return
    table = Table("mode", *METRICS, title=f"{directory} ({split})")
    for mode, metrics in results.items():
        table.add_row(mode, *(f"{metrics[m]:.4f}" if "@" in m else f"{metrics[m]:.1f}" for m in METRICS))
    _common.console.print(table)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="eval")
