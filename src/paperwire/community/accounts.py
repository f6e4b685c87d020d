"""Accounts: sign up, verify, log in and out, reset and change password or e-mail, delete, API tokens.

Methods that send mail return the messages; the caller sends them after the commit (and after the
answer, so timing does not reveal whether an address has an account).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from paperwire.community import links, passwords, ratelimit
from paperwire.community.mail import compose, link
from paperwire.config import Settings, effective_secret
from paperwire.domain.emails import parse_email
from paperwire.domain.names import has_bidi_controls
from paperwire.errors import Conflict, InvalidInput, PermissionDenied
from paperwire.storage import users as repo
from paperwire.storage.db import read_only
from paperwire.storage.users import User

BAD_LOGIN = "Wrong e-mail address or password."
VERIFY, RESET, CHANGE_EMAIL = "verify-email", "reset-password", "change-email"
KNOWN_DEVICE = "known-device"
KNOWN_DEVICE_DAYS = 180


@dataclass(frozen=True)
class LoginResult:
    session: str  # the new session id (cookie value)
    device: str  # a signed known-device token for this browser (cookie value)


def normalize_email(email: str) -> str:
    parsed = parse_email(email)
    if parsed is None:
        raise InvalidInput("Please enter a valid e-mail address.")
    return parsed


def clean_display_name(name: str, email: str) -> str:
    """The name as shown: spaces collapsed, at most 64 characters, the address's local part if empty.
    InvalidInput for bidirectional control characters (they can make a name read backwards)."""
    if has_bidi_controls(name):
        raise InvalidInput("Display names may not contain bidirectional control characters (such as U+202E).")
    name = " ".join(name.split())[:64]
    return name or email.split("@")[0][:64]


def choose_display_name(conn: Connection, name: str, email: str, except_user: int | None = None) -> str:
    """A display name no other account has (domain.names.name_key decides "the same"): a chosen name that
    is taken is refused; one derived from the e-mail address gets a number instead."""
    chosen = clean_display_name(name, email)
    if not repo.is_name_taken(conn, chosen, except_user):
        return chosen
    if " ".join(name.split()):
        raise Conflict(f"The display name {chosen!r} is taken (or looks the same as one that is); choose another.")
    for number in range(2, 1000):
        candidate = f"{chosen[:58]} {number}"
        if not repo.is_name_taken(conn, candidate, except_user):
            return candidate
    return f"{chosen[:40]} {secrets.token_hex(6)}"


@dataclass
class AccountService:
    engine: Engine
    settings: Settings

    @property
    def secret(self) -> str:
        return effective_secret(self.settings)

    def now(self) -> datetime:
        return datetime.now(UTC)

    # sign-up and verification

    def signup(self, email: str, password: str, display_name: str, client: str) -> list[EmailMessage]:
        email = normalize_email(email)
        passwords.check_policy(password, email)
        with self.engine.begin() as conn:
            ratelimit.hit(conn, f"signup:ip:{client}", self.settings.signups_per_hour, 3600, self.now())
        password_hash = passwords.hash_password(password)  # hashed either way: same time for both answers
        clean_display_name(display_name, email)  # bidi controls: refused before anything is written
        try:
            with self.engine.begin() as conn:
                if repo.get_user_by_email(conn, email) is not None:
                    return []  # the address has an account: say nothing different
                name = choose_display_name(conn, display_name, email)
                user_id = repo.insert_user(
                    conn,
                    email=email,
                    password_hash=password_hash,
                    display_name=name,
                    bio="",
                    email_verified=False,
                    is_admin=False,
                    is_banned=False,
                    created_at=self.now(),
                )
                return [self._verification_mail(conn, user_id, email)]
        except IntegrityError:
            return []  # the address has an account: say nothing different

    def _link_token(self, conn: Connection, user_id: int, purpose: str, data: str, hours: int) -> str:
        raw = links.new_secret()
        now = self.now()
        repo.insert_link_token(conn, raw, user_id, purpose, data, now, now + timedelta(hours=hours))
        return links.sign(self.secret, purpose, raw)

    def _verification_mail(self, conn: Connection, user_id: int, email: str) -> EmailMessage:
        token = self._link_token(conn, user_id, VERIFY, email, self.settings.verify_link_lifetime_hours)
        return compose(self.settings, VERIFY, email, link=link(self.settings, "/verify", token))

    def resend_verification(self, user: User) -> list[EmailMessage]:
        if user.email_verified:
            return []
        with self.engine.begin() as conn:
            ratelimit.hit(conn, f"verify:user:{user.id}", 5, 3600, self.now())
            return [self._verification_mail(conn, user.id, user.email)]

    def verify_email(self, signed: str) -> None:
        raw = links.unsign(self.secret, VERIFY, signed, self.settings.verify_link_lifetime_hours * 3600)
        with self.engine.begin() as conn:
            taken = repo.take_link_token(conn, raw, VERIFY, self.now())
            user = repo.get_user(conn, taken[0]) if taken else None
            if taken is None or user is None or user.email != taken[1]:
                raise InvalidInput(links.INVALID)
            repo.update_user(conn, user.id, email_verified=True)

    # log in and out

    def login(
        self, email: str, password: str, client: str, old_session: str | None = None, device: str | None = None
    ) -> LoginResult:
        """A new session id (never the old one: no fixation); PermissionDenied on bad credentials.

        Failures count against the client address and the e-mail address (PAPERWIRE_LOGIN_ATTEMPTS_PER_15MIN).
        A browser that logged in to this account before (`device`: the signed known-device cookie) counts
        against its own bucket instead of the address's, so failures from elsewhere cannot lock the owner
        out; a successful login clears the address's failures."""
        email = email.strip().lower()
        with read_only(self.engine) as conn:
            user = repo.get_user_by_email(conn, email)
        known = user is not None and self._device_user(device) == user.id
        address_key = ratelimit.email_key("login", email)
        limit = self.settings.login_attempts_per_15min
        with self.engine.begin() as conn:
            ratelimit.hit(conn, f"login:ip:{client}", limit * 3, 900, self.now())
            ratelimit.hit(
                conn,
                ratelimit.email_key("login-device", device or "") if known else address_key,
                limit,
                900,
                self.now(),
            )
        ok = passwords.verify_password(user.password_hash if user else passwords.dummy_hash(), password)
        if user is None or not ok:
            raise PermissionDenied(BAD_LOGIN)
        if user.is_banned:
            raise PermissionDenied("This account is suspended.")
        with self.engine.begin() as conn:
            if passwords.needs_rehash(user.password_hash):
                repo.update_user(conn, user.id, password_hash=passwords.hash_password(password))
            repo.delete_link_tokens(conn, user.id, RESET)  # a login kills pending reset links
            ratelimit.clear(conn, address_key)
            if known and device:
                ratelimit.clear(conn, ratelimit.email_key("login-device", device))
            if old_session:
                repo.delete_session(conn, old_session)
            session = self._new_session(conn, user.id)
        return LoginResult(session, links.sign(self.secret, KNOWN_DEVICE, f"{user.id}:{links.new_secret()}"))

    def _device_user(self, device: str | None) -> int | None:
        """The account a known-device cookie was issued to; None when absent, forged or too old."""
        if not device:
            return None
        try:
            raw = links.unsign(self.secret, KNOWN_DEVICE, device, KNOWN_DEVICE_DAYS * 86400)
        except InvalidInput:
            return None
        user_id = raw.partition(":")[0]
        return int(user_id) if user_id.isdigit() and user_id.isascii() else None

    def _new_session(self, conn: Connection, user_id: int) -> str:
        raw = secrets.token_urlsafe(32)
        now = self.now()
        repo.insert_session(conn, raw, user_id, now, self._expiry(now, now))
        return raw

    def _expiry(self, created: datetime, now: datetime) -> datetime:
        """The absolute lifetime from `created`, or the idle timeout from `now` if that comes first."""
        absolute = created + timedelta(hours=self.settings.session_lifetime_hours)
        idle = self.settings.session_idle_timeout_hours
        return min(absolute, now + timedelta(hours=idle)) if idle > 0 else absolute

    def logout(self, raw_session: str) -> None:
        with self.engine.begin() as conn:
            repo.delete_session(conn, raw_session)

    def session_user(self, raw_session: str) -> User | None:
        """The user of a live session; each use pushes the idle expiry forward (written at most once a
        minute per session, so most page views stay read-only)."""
        now = self.now()
        with read_only(self.engine) as conn:
            found = repo.session_user(conn, raw_session, now)
        if found is None:
            return None
        user, created, expires = found
        extended = self._expiry(created, now)
        if extended - expires > timedelta(minutes=1):
            with self.engine.begin() as conn:
                repo.extend_session(conn, raw_session, extended)
        return user

    def api_user(self, raw_token: str) -> User | None:
        with read_only(self.engine) as conn:
            user = repo.api_token_user(conn, raw_token)
        return None if user is None or user.is_banned else user

    # password reset

    def request_reset(self, email: str, client: str) -> list[EmailMessage]:
        with self.engine.begin() as conn:
            ratelimit.hit(conn, f"reset:ip:{client}", self.settings.resets_per_hour, 3600, self.now())
            ratelimit.hit(conn, ratelimit.email_key("reset", email), self.settings.resets_per_hour, 3600, self.now())
        try:
            email = normalize_email(email)
        except InvalidInput:
            return []
        with self.engine.begin() as conn:
            user = repo.get_user_by_email(conn, email)
            if user is None or user.is_banned:
                return []
            token = self._link_token(conn, user.id, RESET, "", self.settings.reset_link_lifetime_hours)
        return [compose(self.settings, RESET, email, link=link(self.settings, "/reset", token))]

    def check_reset_link(self, signed: str) -> None:
        links.unsign(self.secret, RESET, signed, self.settings.reset_link_lifetime_hours * 3600)

    def reset_password(self, signed: str, new_password: str) -> None:
        raw = links.unsign(self.secret, RESET, signed, self.settings.reset_link_lifetime_hours * 3600)
        with self.engine.begin() as conn:
            taken = repo.take_link_token(conn, raw, RESET, self.now())
            user = repo.get_user(conn, taken[0]) if taken else None
            if user is None:
                raise InvalidInput(links.INVALID)
            passwords.check_policy(new_password, user.email)
            self._set_password(conn, user, new_password)
            repo.update_user(conn, user.id, email_verified=True)  # they proved they read the mailbox

    def _set_password(self, conn: Connection, user: User, new_password: str) -> None:
        """New password: every session, personal API token and pending reset link of the account ends."""
        repo.update_user(conn, user.id, password_hash=passwords.hash_password(new_password))
        repo.delete_sessions_of(conn, user.id)
        repo.delete_api_tokens_of(conn, user.id)
        repo.delete_link_tokens(conn, user.id, RESET)

    # changes that need the current password

    def reauthenticate(self, user: User, password: str) -> None:
        with self.engine.begin() as conn:
            ratelimit.hit(conn, f"reauth:user:{user.id}", self.settings.login_attempts_per_15min, 900, self.now())
            current = repo.get_user(conn, user.id)
        if current is None or not passwords.verify_password(current.password_hash, password):
            raise PermissionDenied("Your current password is not correct.")

    def change_password(self, user: User, current: str, new_password: str) -> str:
        """Ends every session of the account; returns a fresh one for this browser."""
        self.reauthenticate(user, current)
        passwords.check_policy(new_password, user.email)
        with self.engine.begin() as conn:
            self._set_password(conn, user, new_password)
            return self._new_session(conn, user.id)

    def request_email_change(self, user: User, password: str, new_email: str) -> list[EmailMessage]:
        self.reauthenticate(user, password)
        new_email = normalize_email(new_email)
        with self.engine.begin() as conn:
            if repo.get_user_by_email(conn, new_email) is not None:
                return []  # taken: answer the same, send nothing
            token = self._link_token(conn, user.id, CHANGE_EMAIL, new_email, self.settings.verify_link_lifetime_hours)
        url = link(self.settings, "/account/email/confirm", token)
        return [compose(self.settings, CHANGE_EMAIL, new_email, link=url, old_email=user.email)]

    def confirm_email_change(self, signed: str) -> None:
        max_age = self.settings.verify_link_lifetime_hours * 3600
        raw = links.unsign(self.secret, CHANGE_EMAIL, signed, max_age)
        try:
            with self.engine.begin() as conn:
                taken = repo.take_link_token(conn, raw, CHANGE_EMAIL, self.now())
                if taken is None:
                    raise InvalidInput(links.INVALID)
                repo.update_user(conn, taken[0], email=taken[1], email_verified=True)
        except IntegrityError:
            raise Conflict("That e-mail address belongs to another account now.") from None

    def delete_account(self, user: User, password: str) -> None:
        self.reauthenticate(user, password)
        with self.engine.begin() as conn:
            repo.delete_user(conn, user.id, self.now())

    # profile and API tokens

    def update_profile(self, user: User, display_name: str, bio: str) -> None:
        if len(bio) > 2000:
            raise InvalidInput("The bio may have at most 2000 characters.")
        with self.engine.begin() as conn:
            name = choose_display_name(conn, display_name, user.email, except_user=user.id)
            repo.update_user(conn, user.id, display_name=name, bio=bio.strip())

    def create_api_token(self, user: User, name: str) -> str:
        raw = "pw_" + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            repo.insert_api_token(conn, user.id, (name.strip() or "token")[:64], raw, self.now())
        return raw

    def delete_api_token(self, user: User, token_id: int) -> None:
        with self.engine.begin() as conn:
            repo.delete_api_token(conn, user.id, token_id)


def create_account(
    service: AccountService,
    email: str,
    password: str,
    *,
    admin: bool,
    display_name: str = "",
    dry_run: bool = False,
) -> dict[str, object]:
    """Operator path (`paperwire users create`): a verified account, optionally an administrator."""
    email = normalize_email(email)
    passwords.check_policy(password, email)
    with service.engine.begin() as conn:
        if repo.get_user_by_email(conn, email) is not None:
            raise Conflict(f"an account for {email} already exists")
        if dry_run:
            return {"email": email, "admin": admin, "created": False, "dry_run": True}
        user_id = repo.insert_user(
            conn,
            email=email,
            password_hash=passwords.hash_password(password),
            bio="",
            email_verified=True,
            display_name=choose_display_name(conn, display_name, email),
            is_admin=admin,
            is_banned=False,
            created_at=service.now(),
        )
    return {"id": user_id, "email": email, "admin": admin, "created": True, "dry_run": False}
