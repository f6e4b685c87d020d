"""Subscribing without an account: double opt-in, preferences and unsubscribe through signed links.

Profiles of logged-in users call `subscription_for_user` / `subscribe_user` / `update_preferences`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import Connection, Engine

from paperwire.community import ratelimit
from paperwire.config import Settings
from paperwire.digest import links
from paperwire.digest.preferences import Preferences, Sections
from paperwire.digest.tokens import read_confirm_token, read_manage_token
from paperwire.domain.emails import parse_email
from paperwire.errors import InvalidInput, NotFound, RateLimited
from paperwire.mail import render_email
from paperwire.storage import library
from paperwire.storage import subscribers as repo
from paperwire.storage.db import read_only
from paperwire.storage.subscribers import ACTIVE, UNSUBSCRIBED, Subscriber

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def check_email(email: str) -> str:
    parsed = parse_email(email)
    if parsed is None:
        raise InvalidInput("please enter a valid e-mail address")
    return parsed


class SubscriptionService:
    def __init__(self, engine: Engine, settings: Settings, clock: Clock = _utcnow) -> None:
        self.engine, self.settings, self.clock = engine, settings, clock

    def request(self, email: str, client: str | None = None) -> list[EmailMessage]:
        """Start double opt-in; returns the confirmation e-mail to send after the answer (none when the
        address is already active or limited). Whoever calls this must answer the same whatever it returns:
        /subscribe sends it after the response (as account mail is sent), so status, body and timing are
        the same for a new, pending or subscribed address and with SMTP down (per address: confirmation
        e-mails; per client IP: requests, counted in the shared rate_limits table)."""
        email = check_email(email)
        now = self.clock()
        if client is not None and self._client_limited(client, now):
            return []
        with self.engine.begin() as conn:
            subscriber = repo.get_by_email(conn, email) or repo.create(
                conn, email, now, sections=Sections(trending=self.settings.digest_trending_limit).as_json()
            )
            if subscriber.status == ACTIVE or not self._may_send_confirmation(subscriber, now):
                log.info("digest.subscribe.no_mail", extra={"subscriber": subscriber.id, "status": subscriber.status})
                return []
            sends = subscriber.confirm_sends + 1 if self._same_day(subscriber, now) else 1
            nonce = repo.new_confirm_nonce()  # a new link replaces the previous one
            repo.set_fields(conn, subscriber.id, confirm_sent_at=now, confirm_sends=sends, confirm_nonce=nonce)
        subscriber = dataclasses.replace(subscriber, confirm_nonce=nonce)
        return [self._confirmation(subscriber)]  # sent after commit: the link must point at a stored row

    def _client_limited(self, client: str, now: datetime) -> bool:
        try:
            with self.engine.begin() as conn:  # before any subscriber row is created or mail sent
                ratelimit.hit(conn, f"subscribe:ip:{client}", self.settings.digest_subscribe_per_ip_per_hour, 3600, now)
        except RateLimited:
            log.info("digest.subscribe.client_limited")
            return True
        return False

    def _same_day(self, subscriber: Subscriber, now: datetime) -> bool:
        last = _aware(subscriber.confirm_sent_at)
        return last is not None and now - last < timedelta(days=1)

    def _may_send_confirmation(self, subscriber: Subscriber, now: datetime) -> bool:
        last = _aware(subscriber.confirm_sent_at)
        if last is None:
            return True
        if now - last < timedelta(seconds=self.settings.digest_confirm_resend_interval_s):
            return False
        return not (
            self._same_day(subscriber, now) and subscriber.confirm_sends >= self.settings.digest_confirm_max_per_day
        )

    def _confirmation(self, subscriber: Subscriber) -> EmailMessage:
        context = {
            "confirm_url": links.confirm_url(self.settings, subscriber),
            "hours": self.settings.digest_confirm_max_age_hours,
            "base_url": self.settings.base_url,
        }
        log.info("digest.subscribe.confirmation_queued", extra={"subscriber": subscriber.id})
        return render_email("confirm-subscription", context, to=subscriber.email, sender=self.settings.mail_from)

    def confirm(self, token: str) -> Subscriber:
        """Single use: the link's nonce must be the subscriber's current one, and is cleared here, so a used
        (or superseded) link neither confirms twice nor re-activates an address that unsubscribed since."""
        subscriber_id, key, nonce = read_confirm_token(self.settings, token)
        with self.engine.begin() as conn:
            subscriber = self._checked(conn, subscriber_id, key)
            confirmed = dict(status=ACTIVE, confirmed_at=self.clock(), bounce_reason=None, soft_bounces=0)
            if not repo.use_confirm_nonce(conn, subscriber.id, nonce, **confirmed):
                raise NotFound("this confirmation link has already been used: subscribe again to get a new one")
            return repo.get(conn, subscriber.id) or subscriber

    def from_manage_token(self, token: str) -> Subscriber:
        subscriber_id, key = read_manage_token(self.settings, token)
        with self.engine.begin() as conn:
            return self._checked(conn, subscriber_id, key)

    def unsubscribe(self, token: str) -> Subscriber:
        """Idempotent: a second call changes nothing and succeeds."""
        subscriber = self.from_manage_token(token)
        if subscriber.status != UNSUBSCRIBED:
            with self.engine.begin() as conn:
                repo.set_fields(
                    conn, subscriber.id, status=UNSUBSCRIBED, unsubscribed_at=self.clock(), confirm_nonce=None
                )
            log.info("digest.unsubscribed", extra={"subscriber": subscriber.id})
        return subscriber

    def update_preferences(self, subscriber_id: int, preferences: Preferences) -> None:
        with self.engine.begin() as conn:
            repo.set_fields(
                conn,
                subscriber_id,
                frequency=preferences.frequency,
                weekly_day=preferences.weekly_day,
                paused=preferences.paused,
                sections=preferences.sections.as_json(),
            )

    def follows_of(self, subscriber: Subscriber) -> list[tuple[str, str]] | None:
        """(kind, label) of what a linked subscriber's account follows (its digest's followed sections,
        preferences.with_follows); None for an address without an account, whose lists are typed."""
        if subscriber.user_id is None:
            return None
        with read_only(self.engine) as conn:
            return [(f.kind, f.label) for f in library.follows_of(conn, subscriber.user_id)]

    def subscription_for_user(self, user_id: int) -> Subscriber | None:
        with self.engine.begin() as conn:
            return repo.get_by_user(conn, user_id)

    def subscribe_user(self, user_id: int, verified_email: str) -> Subscriber:
        """For profiles: the caller vouches that the account's address is verified, so no opt-in mail."""
        email, now = check_email(verified_email), self.clock()
        with self.engine.begin() as conn:
            subscriber = repo.get_by_email(conn, email) or repo.create(conn, email, now)
            repo.set_fields(conn, subscriber.id, user_id=user_id, status=ACTIVE, confirmed_at=now, confirm_nonce=None)
            return repo.get(conn, subscriber.id) or subscriber

    def add_confirmed(self, email: str) -> Subscriber:
        """For operators (`paperwire subscribers add --confirmed`): active at once, default sections."""
        email, now = check_email(email), self.clock()
        sections = Sections(trending=self.settings.digest_trending_limit).as_json()
        with self.engine.begin() as conn:
            subscriber = repo.get_by_email(conn, email) or repo.create(conn, email, now, sections=sections)
            repo.set_fields(conn, subscriber.id, status=ACTIVE, confirmed_at=now, confirm_nonce=None)
            return repo.get(conn, subscriber.id) or subscriber

    def _checked(self, conn: Connection, subscriber_id: int, key: str) -> Subscriber:
        subscriber = repo.get(conn, subscriber_id)
        if subscriber is None or subscriber.token_key != key:
            raise NotFound("this link is no longer valid")
        return subscriber
