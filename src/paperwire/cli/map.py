"""`paperwire map build | update`: the topic map, a derived artifact beside the search index."""

from __future__ import annotations

import typer

from paperwire.cli import _common
from paperwire.cli.index import progress_bar
from paperwire.topics.service import MAX_DAYS, MapReport, TopicMapService

app = typer.Typer(help="Build the topic map (docs/topic-map.md) from the search index.", no_args_is_help=True)
JSON_OPTION = typer.Option(False, "--json", help="Print a JSON report.")
DRY_RUN = typer.Option(False, "--dry-run", help="Say how many papers and topics the map would have; write nothing.")


def topics_service() -> TopicMapService:
    from paperwire.services import build_topics

    return build_topics(_common.settings(), _common.search())


def _print(report: MapReport, json_output: bool) -> None:
    if json_output:
        _common.print_json(report.as_dict())
        return
    if report.dry_run:
        what = "rebuild" if report.rebuilt else "update"
        _common.console.print(
            f"dry run: the {what} would map {report.papers:,} papers of the last {report.days} days "
            f"into {report.topics} topics ({report.placed:,} placed); nothing written",
            highlight=False,
        )
        return
    verb = "built" if report.rebuilt else f"updated ({report.placed:,} new papers placed)"
    _common.console.print(
        f"map {verb}: {report.papers:,} papers of the last {report.days} days, {report.topics} topics, "
        f"{report.reducer}, {report.seconds:.1f} s",
        highlight=False,
    )


@app.command("build")
def build(
    days: int = typer.Option(
        None, "--days", min=1, max=MAX_DAYS, help="Papers of the last N days (default: PAPERWIRE_MAP_DAYS, 90)."
    ),
    dry_run: bool = DRY_RUN,
    json_output: bool = JSON_OPTION,
) -> None:
    """Compute the whole map: 2-D layout, topics and their labels, from the index's stored embeddings."""
    service = topics_service()
    if dry_run:
        _print(service.build(days, dry_run=True), json_output)
        return
    with progress_bar() as advance:
        report = service.build(days, progress=advance)
    _print(report, json_output)


@app.command("update")
def update(dry_run: bool = DRY_RUN, json_output: bool = JSON_OPTION) -> None:
    """Place papers indexed since the last build next to their nearest mapped papers (no rebuild)."""
    _print(topics_service().update(dry_run=dry_run), json_output)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="map")
