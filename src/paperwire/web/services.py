"""The service container the web app and jobs share: built once per app, from settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.storage.db import make_engine


@dataclass
class Services:
    settings: Settings
    engine: Engine
    # Feature services register themselves here lazily (search, mailer, ...) by name.
    extras: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def templates(self) -> Any:
        from paperwire.web.templating import make_templates

        return make_templates(self.settings)


def build_services(settings: Settings) -> Services:
    return Services(settings=settings, engine=make_engine(settings))
