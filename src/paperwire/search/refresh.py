"""Each web process keeps its search index current by itself: a daemon thread that calls
`SearchService.refresh_index` every PAPERWIRE_INDEX_REFRESH_S seconds.

Several app hosts on one PostgreSQL each hold their own index (PAPERWIRE_INDEX_DIR): a refresh reads the
papers whose seq is above the index's, with their stored vectors (the worker embeds; nothing is embedded
here), publishes a new generation and swaps it in. Requests use the previous index until the swap, so a
refresh never blocks them. A database outage only makes a round fail: it is logged and the next round
tries again.
"""

from __future__ import annotations

import logging
import threading

from paperwire.errors import PaperwireError
from paperwire.search.service import IndexReport, SearchService
from paperwire.storage.db import is_unavailable

log = logging.getLogger(__name__)


class IndexRefresher:
    def __init__(self, search: SearchService, interval_s: float) -> None:
        self._search = search
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def refresh_once(self) -> IndexReport | None:
        """One round: the report of what was re-indexed, or None (nothing new, another writer, or a
        failure that the log records)."""
        try:
            report = self._search.refresh_index()
        except (PaperwireError, OSError) as error:  # e.g. a corrupt index: `paperwire index rebuild` mends it
            log.warning("search.refresh_failed", extra={"error": str(error)})
            return None
        except Exception as error:  # the outer loop of the thread: log, and try again next round
            if not is_unavailable(error):
                log.exception("search.refresh_failed")
            else:  # the database is down or restarting: no traceback every round
                log.warning("search.refresh_failed", extra={"error": type(error).__name__})
            return None
        if report is not None:
            log.info("search.refreshed", extra={"papers": report.papers, "seq": report.seq, "seconds": report.seconds})
        return report

    def start(self) -> None:
        """Run rounds in a daemon thread until stop(); no-op when the interval is 0 (off)."""
        if self.interval_s <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="paperwire-index-refresh", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop after the current round, waiting at most timeout_s (an unfinished generation is never
        published: artifact.save_index writes it aside and switches CURRENT last)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.refresh_once()
