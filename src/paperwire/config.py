"""Settings: one immutable object, read once from PAPERWIRE_* environment variables.

Every field is documented in docs/settings.md; tests/unit/test_docs.py keeps the two in step.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, get_type_hints

from paperwire.errors import InvalidInput

PREFIX = "PAPERWIRE_"
DEFAULT_DATABASE_URL = "sqlite:///paperwire.db"


@dataclass(frozen=True, kw_only=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    base_url: str = "http://127.0.0.1:8000"
    secret_key: str = field(default="", repr=False)
    dev_mode: bool = True
    # arXiv endpoints: tests point these at a local HTTP server.
    arxiv_oai_url: str = "https://oaipmh.arxiv.org/oai"
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    arxiv_rss_url: str = "https://rss.arxiv.org/atom"
    arxiv_abs_url: str = "https://arxiv.org/abs"
    arxiv_pdf_url: str = "https://arxiv.org/pdf"
    arxiv_categories: tuple[str, ...] = ("cs.LG", "cs.CL", "cs.CV", "cs.AI")
    arxiv_min_interval_s: float = 3.0
    http_timeout_s: float = 30.0
    http_retries: int = 4
    serve_ingest_days: int = 3
    # tracked categories for the daily feed; empty means all
    feed_categories: tuple[str, ...] = ()
    # search
    embedder: str = "minilm"  # minilm | hashing | none
    index_dir: str = "paperwire-index"
    # mail
    mail_backend: str = "console"  # console | smtp | memory
    smtp_url: str = "smtp://127.0.0.1:25"
    mail_from: str = "paperwire <digest@localhost>"
    # community
    trending_gravity: float = 1.8
    trending_vote_weight: float = 1.0
    trending_comment_weight: float = 0.5
    min_account_age_hours_for_trending: int = 24
    submissions_per_user_per_day: int = 5
    submission_max_paper_age_days: int = 30
    # community: accounts, sessions, rate limits (fixed windows, shared through the database)
    submission_requires_verified_email: bool = True
    session_lifetime_hours: int = 336
    verify_link_lifetime_hours: int = 48
    reset_link_lifetime_hours: int = 2
    login_attempts_per_15min: int = 10
    signups_per_hour: int = 10
    resets_per_hour: int = 5
    submissions_per_hour: int = 20
    votes_per_minute: int = 60
    comments_per_hour: int = 30


def _convert(raw: str, kind: Any, name: str) -> Any:
    if kind is bool:
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
        raise InvalidInput(f"{PREFIX}{name.upper()}: expected true/false, got {raw!r}")
    if kind is int or kind is float:
        try:
            return kind(raw)
        except ValueError:
            raise InvalidInput(f"{PREFIX}{name.upper()}: expected a number, got {raw!r}") from None
    if kind == tuple[str, ...]:
        return tuple(part for part in raw.replace(",", " ").split() if part)
    return raw


def setting_names() -> list[str]:
    """The environment variable of every setting, in declaration order."""
    return [PREFIX + f.name.upper() for f in dataclasses.fields(Settings)]


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Read PAPERWIRE_* variables once; keyword overrides win (tests use them)."""
    environ = os.environ if environ is None else environ
    hints = get_type_hints(Settings)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        key = PREFIX + f.name.upper()
        if key in environ:
            values[f.name] = _convert(environ[key], hints[f.name], f.name)
    values.update(overrides)
    settings = Settings(**values)
    if not settings.dev_mode and len(settings.secret_key) < 32:
        raise InvalidInput(f"{PREFIX}SECRET_KEY must be at least 32 characters when PAPERWIRE_DEV_MODE is off")
    return settings


def effective_secret(settings: Settings) -> str:
    """The signing key: the configured one, or a fixed development key in dev mode."""
    return settings.secret_key or "paperwire-development-key-not-for-production"
