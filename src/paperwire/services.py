"""The composition root: every service paperwire runs, built once from settings by `build_services`.

The web app (`create_app`), every CLI command, the worker and `python -m paperwire.digest` call this one
function and use the frozen `Services` it returns; nothing else constructs a service. Views get typed
pieces of it through `paperwire.web.deps`. The only service that configuration can remove is the
embedder (PAPERWIRE_EMBEDDER=none): SearchService then runs lexical search only, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from paperwire.caching import VersionClock, VersionedCache
from paperwire.config import Settings

if TYPE_CHECKING:  # imported where they are built: `paperwire search` needs only the search service (cold < 1 s)
    from sqlalchemy import Engine

    from paperwire.community.service import Community
    from paperwire.community.submissions import Fetcher
    from paperwire.digest.bounces import BounceService
    from paperwire.digest.service import Clock, DigestService
    from paperwire.digest.subscriptions import SubscriptionService
    from paperwire.ingest.service import IngestService
    from paperwire.mail import Mailer
    from paperwire.search.refresh import IndexRefresher
    from paperwire.search.service import SearchService
    from paperwire.storage.versions import DataVersion
    from paperwire.topics.service import TopicMapService


@dataclass(frozen=True)
class PageCaches:
    """Per-process caches of the web pages, each entry valid for one data version."""

    # Builder output per (page, parameters).
    page_data: VersionedCache[Any] = field(default_factory=lambda: VersionedCache(1024))
    # Rendered responses for requests without cookies, keyed by ETag.
    responses: VersionedCache[tuple[bytes, str]] = field(default_factory=lambda: VersionedCache(1024))
    # The same responses gzipped, for clients that accept it (most do), so each is compressed once.
    gzipped: VersionedCache[bytes] = field(default_factory=lambda: VersionedCache(1024))
    # The data version for anonymous reads: re-read at most once a second per process, and after any
    # write request this process served (web.middleware.WritesRefreshVersion).
    data_version: VersionClock[DataVersion] = field(default_factory=lambda: VersionClock(ttl_s=1.0))


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: Engine
    ingest: IngestService
    search: SearchService
    index_refresher: IndexRefresher  # started by the web app (PAPERWIRE_INDEX_REFRESH_S), by nothing else
    mailer: Mailer
    digest: DigestService
    subscriptions: SubscriptionService
    bounces: BounceService
    community: Community
    topics: TopicMapService
    caches: PageCaches
    clock: Clock  # now, in UTC: trending ages and digest days are measured with it


def build_search(settings: Settings, engine: Engine | None = None) -> SearchService:
    """The search service alone (what `paperwire search` and `similar` need): build_services uses it too."""
    from paperwire.search.service import SearchService
    from paperwire.storage.db import make_engine

    return SearchService.from_settings(settings, engine or make_engine(settings))


def build_topics(settings: Settings, search: SearchService) -> TopicMapService:
    """The topic map service over a search service (`paperwire map` needs only these two)."""
    from paperwire.topics.service import TopicMapService

    return TopicMapService(search, settings)


def build_services(
    settings: Settings,
    *,
    engine: Engine | None = None,
    mailer: Mailer | None = None,
    fetch: Fetcher | None = None,
    clock: Clock | None = None,
    pool_size: int = 5,
) -> Services:
    """All services for one process. `engine`, `mailer`, `fetch` and `clock` replace the configured ones
    (tests pass a MemoryMailer or a fixed clock; the web app asks for a larger connection pool)."""
    from paperwire.community.service import build_community
    from paperwire.digest.bounces import BounceService
    from paperwire.digest.service import DigestService, utcnow
    from paperwire.digest.subscriptions import SubscriptionService
    from paperwire.ingest.service import IngestService
    from paperwire.mail import build_mailer
    from paperwire.search.refresh import IndexRefresher
    from paperwire.storage.db import make_engine

    clock = clock or utcnow
    engine = engine or make_engine(settings, pool_size=pool_size, max_overflow=max(10, pool_size))
    mailer = mailer if mailer is not None else build_mailer(settings)
    search = build_search(settings, engine)
    return Services(
        settings=settings,
        engine=engine,
        ingest=IngestService(engine),
        search=search,
        index_refresher=IndexRefresher(search, settings.index_refresh_s),
        mailer=mailer,
        digest=DigestService(engine, settings, mailer, search=search, clock=clock),
        subscriptions=SubscriptionService(engine, settings, clock=clock),
        bounces=BounceService(engine, settings, clock=clock),
        community=build_community(engine, settings, fetch),
        topics=build_topics(settings, search),
        caches=PageCaches(),
        clock=clock,
    )
