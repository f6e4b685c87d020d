"""Accounts: sign up, verify, log in and out, reset and change password or e-mail, delete, API tokens.

Methods that send mail return the messages; the caller sends them after the commit (and after the
answer, so timing does not reveal whether an address has an account).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from paperwire.community import links, passwords, ratelimit
from paperwire.community.mail import compose, link
from paperwire.config import Settings, effective_secret
from paperwire.errors import Conflict, InvalidInput, PermissionDenied
from paperwire.storage import users as repo
from paperwire.storage.db import read_only
from paperwire.storage.users import User

EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")
BAD_LOGIN = "Wrong e-mail address or password."
VERIFY, RESET, CHANGE_EMAIL = "verify-email", "reset-password", "change-email"


def normalize_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > 320 or not EMAIL.match(email):
        raise InvalidInput("Please enter a valid e-mail address.")
    return email


def clean_display_name(name: str, email: str) -> str:
    name = " ".join(name.split())[:64]
    return name or email.split("@")[0][:64]


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
        try:
            with self.engine.begin() as conn:
                name = clean_display_name(display_name, email)
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

    def login(self, email: str, password: str, client: str, old_session: str | None = None) -> str:
        """A new session id (never the old one: no fixation); PermissionDenied on bad credentials."""
        email = email.strip().lower()
        with self.engine.begin() as conn:
            ratelimit.hit(conn, f"login:ip:{client}", self.settings.login_attempts_per_15min * 3, 900, self.now())
            ratelimit.hit(
                conn,
                ratelimit.email_key("login", email),
                self.settings.login_attempts_per_15min,
                900,
                self.now(),
            )
        with read_only(self.engine) as conn:
            user = repo.get_user_by_email(conn, email)
        ok = passwords.verify_password(user.password_hash if user else passwords.dummy_hash(), password)
        if user is None or not ok:
            raise PermissionDenied(BAD_LOGIN)
        if user.is_banned:
            raise PermissionDenied("This account is suspended.")
        with self.engine.begin() as conn:
            if passwords.needs_rehash(user.password_hash):
                repo.update_user(conn, user.id, password_hash=passwords.hash_password(password))
            repo.delete_link_tokens(conn, user.id, RESET)  # a login kills pending reset links
            if old_session:
                repo.delete_session(conn, old_session)
            return self._new_session(conn, user.id)

    def _new_session(self, conn: Connection, user_id: int) -> str:
        raw = secrets.token_urlsafe(32)
        now = self.now()
        expires = now + timedelta(hours=self.settings.session_lifetime_hours)
        repo.insert_session(conn, raw, user_id, now, expires)
        return raw

    def logout(self, raw_session: str) -> None:
        with self.engine.begin() as conn:
            repo.delete_session(conn, raw_session)

    def session_user(self, raw_session: str) -> User | None:
        with read_only(self.engine) as conn:
            return repo.session_user(conn, raw_session, self.now())

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
        repo.update_user(conn, user.id, password_hash=passwords.hash_password(new_password))
        repo.delete_sessions_of(conn, user.id)
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
            repo.delete_user(conn, user.id)

    # profile and API tokens

    def update_profile(self, user: User, display_name: str, bio: str) -> None:
        if len(bio) > 2000:
            raise InvalidInput("The bio may have at most 2000 characters.")
        with self.engine.begin() as conn:
            repo.update_user(conn, user.id, display_name=clean_display_name(display_name, user.email), bio=bio.strip())

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
            display_name=clean_display_name(display_name, email),
            is_admin=admin,
            is_banned=False,
            created_at=service.now(),
        )
    return {"id": user_id, "email": email, "admin": admin, "created": True, "dry_run": False}
