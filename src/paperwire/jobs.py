"""Job entry points the worker runs: each builds its service, runs it once and returns counts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from paperwire._imports import import_optional
from paperwire.config import Settings

Counts = dict[str, Any]


def ingest(engine: Engine, settings: Settings) -> Counts:
    """New submissions of settings.arxiv_categories from the arXiv API (last 2 days, checkpointed)."""
    from paperwire.ingest.http import ArxivHttpClient
    from paperwire.ingest.service import IngestService
    from paperwire.ingest.sources import ingest_api

    counts: Counts = {}
    with ArxivHttpClient(settings) as client:
        for category in settings.arxiv_categories:
            report = ingest_api(IngestService(engine), client, category, days=2)
            counts[category] = {"inserted": report.inserted, "updated": report.updated}
    return counts


def index(engine: Engine, settings: Settings) -> Counts:
    search = import_optional("paperwire.search.service")
    if search is None:
        return {"skipped": "search is not installed"}
    report = search.SearchService.from_settings(settings, engine).update_index()
    return {k: v for k, v in vars(report).items() if isinstance(v, int | float | bool | str)}


def trending(engine: Engine, settings: Settings) -> Counts:
    module = import_optional("paperwire.community.trending")
    if module is None:
        return {"skipped": "community is not installed"}
    return {"trending_day": len(module.trending(engine, settings, "day", datetime.now(UTC), limit=100))}


def digests(engine: Engine, settings: Settings) -> Counts:
    from paperwire.digest.service import DigestService

    search = import_optional("paperwire.search.service")
    service = search.SearchService.from_settings(settings, engine) if search else None
    digest = DigestService(engine, settings, search=service)
    reports = digest.send(prepare=digest.is_due())  # open editions (retries, resumes) are always sent
    return {"editions": [r.as_dict() for r in reports]}
