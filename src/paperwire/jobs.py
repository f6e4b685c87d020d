"""Job entry points the worker runs: each calls one service of `Services` once and returns counts."""

from __future__ import annotations

from typing import Any

from paperwire.community.trending import trending
from paperwire.errors import NotFound
from paperwire.ingest.github import GitHubClient, refresh_stars
from paperwire.ingest.http import ArxivHttpClient
from paperwire.ingest.sources import ingest_api
from paperwire.services import Services
from paperwire.storage.spacing import shared_spacing

Counts = dict[str, Any]


def ingest(services: Services) -> Counts:
    """New submissions of settings.arxiv_categories from the arXiv API (last 2 days, checkpointed)."""
    counts: Counts = {}
    with ArxivHttpClient(services.settings, spacing=shared_spacing(services.engine)) as client:
        for category in services.settings.arxiv_categories:
            report = ingest_api(services.ingest, client, category, days=2)
            counts[category] = {"inserted": report.inserted, "updated": report.updated}
    return counts


def index(services: Services) -> Counts:
    report = services.search.update_index()
    return {k: v for k, v in vars(report).items() if isinstance(v, int | float | bool | str)}


def keywords(services: Services) -> Counts:
    """Keywords and a one-sentence summary for new or changed papers (the shipped embedder, locally)."""
    return dict(services.search.compute_keywords())


def trending_job(services: Services) -> Counts:
    return {"trending_day": len(trending(services.engine, services.settings, "day", services.digest.clock()))}


def digests(services: Services) -> Counts:
    digest = services.digest
    reports = digest.send(prepare=digest.is_due())  # open editions (retries, resumes) are always sent
    return {"editions": [r.as_dict() for r in reports]}


def github_stars(services: Services) -> Counts:
    """Star counts of recent papers' GitHub repositories, for paper pages and githubStars."""
    with GitHubClient(services.settings) as client:
        return dict(refresh_stars(services.engine, services.settings, client, services.clock()))


def map_build(services: Services) -> Counts:
    """Rebuild the topic map (every PAPERWIRE_WORKER_MAP_REBUILD_DAYS; 0 turns it off)."""
    if services.settings.worker_map_rebuild_days <= 0:
        return {"skipped": "PAPERWIRE_WORKER_MAP_REBUILD_DAYS is 0"}
    return services.topics.build().as_dict()


def map_update(services: Services) -> Counts:
    """Place papers indexed since the last build on the map; builds it when there is none yet."""
    if services.settings.worker_map_rebuild_days <= 0:
        return {"skipped": "PAPERWIRE_WORKER_MAP_REBUILD_DAYS is 0"}
    try:
        return services.topics.update().as_dict()
    except NotFound:
        return services.topics.build().as_dict()
