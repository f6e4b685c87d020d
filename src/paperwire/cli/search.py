"""`paperwire search QUERY` and `paperwire similar ARXIV_ID`: adapt SearchService, print results."""

from __future__ import annotations

import typer
from rich.table import Table

from paperwire.cli import _common
from paperwire.search.service import SearchService

JSON_OPTION = typer.Option(False, "--json", help="Print JSON (a list of objects with id, title, score, ...).")


def search_service() -> SearchService:
    return _common.services().search


def search(
    query: str = typer.Argument(
        ..., help='Words, "exact phrases", author:NAME, cat:cs.LG, after:/before:DATE, or an arXiv id.'
    ),
    limit: int = typer.Option(20, "--limit", min=1, max=100, help="Results per page."),
    offset: int = typer.Option(0, "--offset", min=0, help="Skip this many results."),
    mode: str = typer.Option("hybrid", "--mode", help="hybrid | lexical | semantic"),
    sort: str = typer.Option("relevance", "--sort", help="relevance | date | upvotes"),
    json_output: bool = JSON_OPTION,
) -> None:
    """Search papers (see docs/search.md for the query syntax)."""
    page = search_service().search(query, mode=mode, sort=sort, offset=offset, limit=limit)
    if json_output:
        _common.print_json(page.to_dict()["hits"])
        return
    table = Table("id", "score", "date", "title", title=f"{page.total:,} matches ({page.mode})")
    for hit in page.hits:
        table.add_row(hit.id, f"{hit.score:.3f}", hit.date or "", hit.title)
    _common.console.print(table)


def similar(
    paper_id: str = typer.Argument(..., help="arXiv id or abs/pdf URL."),
    limit: int = typer.Option(10, "--limit", min=1, max=100),
    json_output: bool = JSON_OPTION,
) -> None:
    """Papers nearest to this one, with the key terms they share."""
    papers = search_service().similar(paper_id, limit=limit)
    if json_output:
        _common.print_json([vars(p) for p in papers])
        return
    table = Table("id", "score", "title", "shared terms")
    for paper in papers:
        table.add_row(paper.id, f"{paper.score:.3f}", paper.title, ", ".join(paper.shared_terms))
    _common.console.print(table)


def register(app: typer.Typer) -> None:
    app.command("search")(search)
    app.command("similar")(similar)
