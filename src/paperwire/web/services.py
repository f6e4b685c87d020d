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
from paperwire.web.cache import VersionedCache

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
    return module.SearchService.from_settings(settings, engine)


def build_services(settings: Settings) -> Services:
    return Services(settings=settings, engine=make_engine(settings))
