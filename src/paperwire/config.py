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
    # PostgreSQL: a connection attempt gives up after this long, so an unreachable database answers 503 fast
    database_connect_timeout_s: int = 5
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
    http_max_body_bytes: int = 64 * 1024 * 1024  # a larger arXiv answer is refused, not read into memory
    http_deadline_s: float = 120.0  # one request, body included, never takes longer (slow drips end here)
    arxiv_interactive_timeout_s: float = 4.0  # "Index this paper": one try, then tell the user (no retries)
    papers_indexed_per_hour: int = 20  # "Index this paper" / POST /api/papers/index, per user or client IP
    # GitHub: repository stars on paper pages (the worker refreshes them; a token raises the rate limit)
    github_api_url: str = "https://api.github.com"
    github_token: str = field(default="", repr=False)
    github_refresh_hours: int = 24
    github_min_interval_s: float = 1.0
    # CORS for the read API (GET /api/*): allowed origins, or "*"; empty = off
    cors_origins: tuple[str, ...] = ()
    serve_ingest_days: int = 3
    # tracked categories for the daily feed; empty means all
    feed_categories: tuple[str, ...] = ()
    # search
    embedder: str = "minilm"  # minilm | hashing | none
    index_dir: str = "paperwire-index"
    index_refresh_s: float = 30.0  # each web process catches its index up with papers.seq this often; 0 = off
    # topic map (docs/topic-map.md): a derived artifact in INDEX_DIR/map, built by `paperwire map build`
    map_days: int = 90  # papers of the last N days (counted back from the newest paper) are on the map
    map_max_papers: int = 300_000  # the newest this many at most
    map_topics: int = 0  # k-means topics; 0: sqrt(papers / 20), between 2 and 120
    map_reducer: str = "tsne"  # tsne (PCA, then openTSNE) | pca
    map_fit_max: int = 20_000  # t-SNE fits a sample of this many; the rest are placed by nearest neighbours
    # mail
    mail_backend: str = "console"  # console | smtp | memory; load_settings: smtp when only SMTP_URL is set
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
    votes_require_verified_email: bool = True
    session_lifetime_hours: int = 336
    session_idle_timeout_hours: int = 72  # a session unused this long ends; 0: only the lifetime counts
    verify_link_lifetime_hours: int = 48
    reset_link_lifetime_hours: int = 2
    login_attempts_per_15min: int = 10
    signups_per_hour: int = 10
    resets_per_hour: int = 5
    submissions_per_hour: int = 20
    votes_per_minute: int = 60
    comments_per_hour: int = 30
    library_writes_per_minute: int = 60  # follows, saves, notes, collections, "Not relevant" and imports per user

    # digests
    digest_send_hour_utc: int = 13  # the worker prepares and sends the day's edition from this hour on
    digest_weekdays: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")  # arXiv announce days (daily)
    digest_window_days: int = 3  # daily editions look this far back for new papers (weekly: 7)
    digest_trending_limit: int = 10  # default "trending top N"
    digest_max_papers: int = 30  # per edition, across sections
    digest_rate_per_minute: int = 600  # messages per minute, never exceeded; 0 = no limit
    digest_batch_size: int = 100  # ledger rows claimed per batch
    digest_max_attempts: int = 5  # 4xx retries before a row is marked failed
    digest_retry_base_s: float = 60.0  # backoff: base * 2**(attempt-1)
    digest_pause_error_ratio: float = 0.2  # pause the edition when failures pass this share ...
    digest_pause_min_attempts: int = 50  # ... of at least this many attempts in one run
    digest_max_edition_age_hours: int = 36  # never send an edition older than this (restored backups)
    digest_claim_timeout_s: int = 300  # a claimed row untouched this long belongs to a dead sender
    digest_confirm_max_age_hours: int = 72  # confirmation links expire
    digest_confirm_resend_interval_s: int = 600  # at most one confirmation e-mail per address per interval
    digest_confirm_max_per_day: int = 5
    digest_subscribe_per_ip_per_hour: int = 20  # /subscribe requests per client IP (0 = no limit); same answer
    digest_list_id: str = ""  # List-Id value; empty: "paperwire digest <digest.HOST>"
    digest_unsubscribe_mailto: str = ""  # mailto address for List-Unsubscribe; empty: unsubscribe@<From domain>
    digest_admin_token: str = field(default="", repr=False)  # enables /digest/preview?token=...
    digest_soft_bounce_limit: int = 3  # suppress an address at this many soft bounces (4.x.x) ... (0 = never)
    digest_soft_bounce_window_days: int = 14  # ... within this many days of the first
    bounce_webhook_secret: str = field(default="", repr=False)  # enables POST /api/hooks/bounces (HMAC-signed)
    bounce_webhook_max_age_s: int = 300  # a webhook signature older or newer than this is refused
    dkim_selector: str = ""
    dkim_domain: str = ""
    dkim_private_key_path: str = ""
    worker_ingest_interval_hours: int = 6
    worker_trending_interval_hours: int = 1
    worker_map_rebuild_days: int = 7  # the worker rebuilds the topic map this often (and places new papers daily)
    worker_lease_s: int = 120  # the scheduler's lease; a second worker waits
    worker_poll_s: float = 30.0


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
    if "mail_backend" not in values and "smtp_url" in values:  # a configured server is meant to be used
        values["mail_backend"] = "smtp"
    settings = Settings(**values)
    if settings.database_connect_timeout_s < 1:
        raise InvalidInput(f"{PREFIX}DATABASE_CONNECT_TIMEOUT_S must be at least 1 (seconds)")
    if settings.index_refresh_s < 0:
        raise InvalidInput(f"{PREFIX}INDEX_REFRESH_S must be 0 (off) or a number of seconds")
    if not settings.dev_mode and len(settings.secret_key) < 32:
        raise InvalidInput(f"{PREFIX}SECRET_KEY must be at least 32 characters when PAPERWIRE_DEV_MODE is off")
    return settings


def effective_secret(settings: Settings) -> str:
    """The signing key: the configured one, or a fixed development key in dev mode."""
    return settings.secret_key or "paperwire-development-key-not-for-production"
