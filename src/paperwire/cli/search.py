"""`paperwire search QUERY` and `paperwire similar ARXIV_ID`: adapt SearchService, print results."""

from __future__ import annotations

import typer
from rich.table import Table

from paperwire.cli import _common
from paperwire.search.service import SearchPage, SearchService, SimilarPaper

JSON_OPTION = typer.Option(False, "--json", help="Print JSON.")
SEARCH_JSON_OPTION = typer.Option(
    False,
    "--json",
    help="Print JSON: {query, mode, sort, total, offset, limit, hits, loosely_related, suggestions}; total and "
    "hits count only matches (what passes the relevance floor); loosely_related and suggestions are filled "
    "only when nothing matches.",
)


def search_service() -> SearchService:
    return _common.search()


def search(
    query: str = typer.Argument(
        ..., help='Words, "exact phrases", author:NAME, cat:cs.LG, after:/before:DATE, or an arXiv id.'
    ),
    limit: int = typer.Option(20, "--limit", min=1, max=100, help="Results per page."),
    offset: int = typer.Option(0, "--offset", min=0, help="Skip this many results."),
    mode: str = typer.Option("hybrid", "--mode", help="hybrid | lexical | semantic"),
    sort: str = typer.Option("relevance", "--sort", help="relevance | date | upvotes (both order the matches)"),
    json_output: bool = SEARCH_JSON_OPTION,
) -> None:
    """Search papers (docs/search.md: query syntax, relevance floor). Only papers that pass the floor are
    matches; when none does, says "No papers match" with spelling suggestions and loosely related papers."""
    page = search_service().search(query, mode=mode, sort=sort, offset=offset, limit=limit)
    if json_output:
        _common.print_json(page.to_dict())
        return
    if page.total == 0:
        _print_no_match(page)
        return
    table = Table("id", "score", "date", "title", title=f"{page.total:,} matches ({page.mode})")
    for hit in page.hits:
        table.add_row(hit.id, f"{hit.score:.3f}", hit.date or "", hit.title)
    _common.console.print(table)


def _print_no_match(page: SearchPage) -> None:
    _common.console.print(f"No papers match {page.query!r} ({page.mode}).", highlight=False, markup=False)
    if page.suggestions:
        _common.console.print("Did you mean: " + " | ".join(page.suggestions), highlight=False, markup=False)
    if page.loosely_related:
        table = Table("id", "score", "title", title="Loosely related (below the relevance floor, not matches)")
        for hit in page.loosely_related:
            table.add_row(hit.id, f"{hit.score:.3f}", hit.title)
        _common.console.print(table)


def similar(
    paper_id: str = typer.Argument(..., help="arXiv id or abs/pdf URL."),
    limit: int = typer.Option(10, "--limit", min=1, max=100),
    json_output: bool = JSON_OPTION,
) -> None:
    """Papers nearest to this one, with the key terms they share."""
    papers = search_service().similar(paper_id, limit=limit)
    if json_output:
        _common.print_json([vars(p) | {"mainly_semantic": p.mainly_semantic} for p in papers])
        return
    table = Table("id", "score", "title", "shared terms")
    for paper in papers:
        table.add_row(paper.id, f"{paper.score:.3f}", paper.title, _explain(paper))
    _common.console.print(table)


def register(app: typer.Typer) -> None:
    app.command("search")(search)
    app.command("similar")(similar)


def _explain(paper: SimilarPaper) -> str:
    terms = ", ".join(paper.shared_terms)
    return f"mainly semantic{': ' + terms if terms else ''}" if paper.mainly_semantic else terms
