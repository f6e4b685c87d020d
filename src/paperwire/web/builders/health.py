"""The health report of one web process: GET /healthz and GET /api/health render this one dict.

200 while the database answers (a lagging index still serves, and says by how much in `index.lag`);
503 when it does not, with the error shape's `ok`, `error` and `status` fields, so a load balancer takes
the process out of rotation and an operator sees why.
"""

from __future__ import annotations

import time
from typing import Any

from paperwire import __version__
from paperwire.errors import PaperwireError
from paperwire.services import Services
from paperwire.storage.db import DATABASE_ERRORS, is_sqlite, ping

UNAVAILABLE = "the database does not answer"


def build_health(services: Services) -> dict[str, Any]:
    """Ask the database (one trivial query), then report; `status` is the HTTP status to answer with."""
    started = time.perf_counter()
    try:
        ping(services.engine)
    except DATABASE_ERRORS as error:
        return _report(services, None, type(error).__name__)
    return _report(services, round(time.perf_counter() - started, 4), None)


def build_unanswered(services: Services, waited_s: float) -> dict[str, Any]:
    """The report when the database check ran past its deadline (a host gone from the network)."""
    return _report(services, None, f"no answer within {waited_s:g} s")


def _report(services: Services, seconds: float | None, error: str | None) -> dict[str, Any]:
    answers = error is None
    backend = "sqlite" if is_sqlite(services.engine) else "postgresql"
    return {
        "ok": answers,
        "status": 200 if answers else 503,
        "error": None if answers else UNAVAILABLE,
        "version": __version__,
        "database": {"ok": answers, "backend": backend, "seconds": seconds, "error": error},
        "index": _index(services, with_lag=answers),
        "map": {"present": bool(services.topics.version())},
    }


def _index(services: Services, *, with_lag: bool) -> dict[str, Any]:
    """This process's index (seq, papers) and, when the database answers, how far behind it is."""
    report: dict[str, Any] = {
        "present": False,
        "seq": None,
        "papers": None,
        "database_seq": None,
        "lag": None,
        "refresh_s": services.settings.index_refresh_s,
        "error": None,
    }
    try:
        index = services.search.current_index()
    except PaperwireError as error:  # a corrupt index: the site serves without search, and says so here
        return report | {"error": str(error)}
    if index is not None:
        report |= {"present": True, "seq": index.seq, "papers": index.size}
    if with_lag:
        try:
            lag = services.search.lag()
        except DATABASE_ERRORS:  # the database went away since the ping: no lag to report
            return report
        report |= {"database_seq": lag.database_seq, "lag": {"papers": lag.papers, "seconds": lag.seconds}}
    return report
