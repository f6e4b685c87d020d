"""Digest tables: subscribers, editions, the send ledger (one row per edition x subscriber), papers sent.

The ledger row is written before a message is sent and moves
pending -> claimed -> sending -> sent | failed | bounced (or skipped when there is nothing new).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from paperwire.storage.tables import METADATA

subscribers = Table(
    "subscribers",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),  # lowercased
    Column("status", String(16), nullable=False, index=True),  # pending | active | unsubscribed | bounced | complained
    Column("frequency", String(8), nullable=False, default="daily"),  # daily | weekly
    Column("weekly_day", Integer, nullable=False, default=0),  # 0 = Monday
    Column("paused", Boolean, nullable=False, default=False),
    Column("sections", JSON, nullable=False, default=dict),  # see digest/preferences.py
    Column("user_id", Integer, nullable=True, index=True),  # community account, when linked
    Column("token_key", String(32), nullable=False),  # rotating it revokes every signed link
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("confirmed_at", DateTime(timezone=True), nullable=True),
    Column("unsubscribed_at", DateTime(timezone=True), nullable=True),
    Column("confirm_sent_at", DateTime(timezone=True), nullable=True),
    Column("confirm_sends", Integer, nullable=False, default=0),  # in the current rate-limit window
    Column("bounce_reason", Text, nullable=True),
    Column("confirm_nonce", String(32), nullable=True),  # the one valid confirmation link; None once used
    Column("soft_bounces", Integer, nullable=False, default=0, server_default="0"),  # since soft_bounce_since
    Column("soft_bounce_since", DateTime(timezone=True), nullable=True),  # the first soft bounce of the window
)

digest_editions = Table(
    "digest_editions",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False, unique=True),  # the send day; one edition per day
    Column("status", String(16), nullable=False),  # composing | sending | paused | finished | expired
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("note", Text, nullable=True),  # why it was paused / expired
)

digest_sends = Table(
    "digest_sends",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("edition_id", Integer, ForeignKey("digest_editions.id", ondelete="CASCADE"), nullable=False),
    Column("subscriber_id", Integer, ForeignKey("subscribers.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(16), nullable=False),  # pending|claimed|sending|sent|failed|bounced|skipped|ambiguous
    Column("items", JSON, nullable=False, default=list),  # [{"section", "id", "why"}] chosen at compose time
    Column("message_id", String(255), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("resends", Integer, nullable=False, default=0),  # ambiguous resends (server may have it twice)
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("claimed_by", String(128), nullable=True),
    Column("claimed_at", DateTime(timezone=True), nullable=True),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Column("last_error", Text, nullable=True),
    UniqueConstraint("edition_id", "subscriber_id", name="uq_digest_sends_edition_subscriber"),
    Index("ix_digest_sends_edition_status", "edition_id", "status", "next_attempt_at"),
)

digest_sent_papers = Table(
    "digest_sent_papers",
    METADATA,
    Column("subscriber_id", Integer, ForeignKey("subscribers.id", ondelete="CASCADE"), primary_key=True),
    Column("paper_id", String(64), primary_key=True),
    Column("edition_id", Integer, nullable=False),
)

bounce_events_seen = Table(
    "bounce_events_seen",
    METADATA,
    # sha256 of (report, address, kind, status, time): a report read twice changes nothing the second time
    Column("fingerprint", String(64), primary_key=True),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)
