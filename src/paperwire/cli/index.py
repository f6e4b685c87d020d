"""`paperwire index update | rebuild`: embed what is missing, then write the search index."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict

import typer
from rich.progress import TaskID

from paperwire.cli import _common
from paperwire.search.service import IndexReport, Progress

app = typer.Typer(help="Build the search index (a derived artifact in PAPERWIRE_INDEX_DIR).", no_args_is_help=True)
JSON_OPTION = typer.Option(False, "--json", help="Print a JSON report.")
LABELS = {"embed": "embedding", "read": "reading papers", "index": "writing the index", "map": "building the map"}
LINE_EVERY_S = 5.0  # not on a terminal: one progress line per stage at most this often (and at its end)


@contextmanager
def progress_bar() -> Iterator[Progress]:
    """A live Rich bar per stage (papers/s, ETA) on a terminal; otherwise a plain line on stderr every few
    seconds, so a log or a pipe shows the work moving."""
    if not _common.err_console.is_terminal:
        yield LineProgress(lambda line: _common.err_console.print(line, highlight=False, markup=False))
        return
    with _common.progress("papers") as bar:
        tasks: dict[str, TaskID] = {}

        def advance(stage: str, count: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(LABELS.get(stage, stage), total=total, rate="0")
            task = tasks[stage]
            bar.advance(task, count)
            elapsed = bar.tasks[task].elapsed or 0.0
            bar.update(task, rate=f"{bar.tasks[task].completed / elapsed if elapsed else 0:,.0f}")

        yield advance


class LineProgress:
    """`stage: done/total papers (rate papers/s, ETA)` lines, at most one per LINE_EVERY_S and stage,
    plus one when a stage completes."""

    def __init__(self, emit: Callable[[str], None], clock: Callable[[], float] = time.monotonic) -> None:
        self._emit, self._clock = emit, clock
        self._done: dict[str, int] = {}
        self._started: dict[str, float] = {}
        self._last: dict[str, float] = {}

    def __call__(self, stage: str, count: int, total: int) -> None:
        now = self._clock()
        if stage not in self._started:
            self._started[stage], self._last[stage], self._done[stage] = now, now, 0
            self._emit(f"{LABELS.get(stage, stage)}: {total:,} to do")
        self._done[stage] += count
        finished = self._done[stage] >= total and count > 0
        if finished or now - self._last[stage] >= LINE_EVERY_S:
            self._last[stage] = now
            self._emit(self._line(stage, total, now))

    def _line(self, stage: str, total: int, now: float) -> str:
        done, elapsed = self._done[stage], max(now - self._started[stage], 1e-9)
        rate = done / elapsed
        eta = f", ETA {_duration((total - done) / rate)}" if rate > 0 and done < total else ""
        return f"{LABELS.get(stage, stage)}: {done:,}/{total:,} ({rate:,.1f}/s, {_duration(elapsed)} elapsed{eta})"


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def _run(build: Callable[[Progress], IndexReport], json_output: bool) -> None:
    with progress_bar() as advance:
        report = build(advance)
    if json_output:
        _common.print_json(asdict(report))
        return
    _common.console.print(
        f"indexed {report.papers:,} papers ({report.embedded:,} newly embedded); index holds {report.total:,} "
        f"papers up to seq {report.seq} ({'rebuilt' if report.rebuilt else 'updated'} in {report.seconds:.1f} s)",
        highlight=False,
    )


@app.command("update")
def update(json_output: bool = JSON_OPTION) -> None:
    """Embed new or changed papers and add papers changed since the last run (seq) to the index."""
    from paperwire.cli.search import search_service

    _run(search_service().update_index, json_output)


@app.command("rebuild")
def rebuild(json_output: bool = JSON_OPTION) -> None:
    """Rebuild the whole index from the database (stored vectors are reused, never re-embedded)."""
    from paperwire.cli.search import search_service

    _run(search_service().rebuild_index, json_output)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="index")
