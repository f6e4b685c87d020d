"""`paperwire index` off a terminal: one progress line per stage every few seconds, and one at its end."""

from __future__ import annotations

from paperwire.cli.index import LINE_EVERY_S, LineProgress


def test_line_progress_reports_every_few_seconds_and_at_the_end():
    now = [0.0]
    lines: list[str] = []
    progress = LineProgress(lines.append, clock=lambda: now[0])
    progress("embed", 0, 300)
    for _ in range(5):  # 5 ticks of 60 papers, 2 s apart: lines at 6 s (first due) and at the end
        now[0] += 2.0
        progress("embed", 60, 300)
    assert lines[0] == "embedding: 300 to do"
    assert len(lines) == 1 + 1 + 1
    assert lines[1].startswith("embedding: 180/300 (30.0/s")
    assert "ETA 4s" in lines[1]
    assert lines[-1].startswith("embedding: 300/300")
    assert LINE_EVERY_S <= 6
