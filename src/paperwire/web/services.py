"""The service container the web app and jobs share: built once per app, from settings."""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.storage.db import make_engine
from paperwire.storage.feeds import DataVersion
from paperwire.web.cache import VersionClock, VersionedCache

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    # Feature services register themselves here lazily (search, mailer, ...) by name.
    extras: dict[str, Any] = field(default_factory=dict)
    # Builder output per (page, parameters), valid for one data version.
    page_data: VersionedCache[Any] = field(default_factory=lambda: VersionedCache(1024))
    # Rendered responses for requests without cookies, keyed by ETag.
    responses: VersionedCache[tuple[bytes, str]] = field(default_factory=lambda: VersionedCache(1024))
    # The same responses gzipped, for clients that accept it (most do), so each is compressed once.
    gzipped: VersionedCache[bytes] = field(default_factory=lambda: VersionedCache(1024))
    # The data version for anonymous reads: re-read at most once a second per worker, and after any
    # write request this worker served (web.middleware.WritesRefreshVersion).
    data_version: VersionClock[DataVersion] = field(default_factory=lambda: VersionClock(ttl_s=1.0))

    @cached_property
    def templates(self) -> Any:
        from paperwire.web.templating import make_templates

        return make_templates(self.settings)

    @property
    def search(self) -> Any | None:
        """The SearchService (search, similar), or None when the search package is not installed."""
        if "search" not in self.extras:
            self.extras["search"] = _make_search(self.settings, self.engine)
        return self.extras["search"]


def _make_search(settings: Settings, engine: Engine) -> Any | None:
    try:
        module = importlib.import_module("paperwire.search.service")
    except ModuleNotFoundError as error:
        log.warning("web.search_unavailable", extra={"reason": str(error)})
        return None
    return CachedSimilar(module.SearchService.from_settings(settings, engine), settings.index_dir)


class CachedSimilar:
    """The SearchService with similar() cached per index generation: neighbours only change when the
    index is rebuilt, not when a vote changes the data version (which would empty the page cache)."""

    def __init__(self, service: Any, index_dir: str) -> None:
        self._service = service
        self._index_dir = index_dir
        self._cache: VersionedCache[list[Any]] = VersionedCache(4096)

    def search(self, *args: Any, **kwargs: Any) -> Any:
        return self._service.search(*args, **kwargs)

    def similar(self, paper_id: str, *, limit: int = 10) -> list[Any]:
        from paperwire.search.artifact import current_generation

        generation = str(current_generation(self._index_dir))
        return self._cache.get_or_build(
            (paper_id, limit), generation, lambda: self._service.similar(paper_id, limit=limit)
        )


def build_services(settings: Settings) -> Services:
    # Enough connections for the threadpool that runs sync endpoints (40 threads by default).
    return Services(settings=settings, engine=make_engine(settings, pool_size=20, max_overflow=30))
