"""Password policy and hashing: argon2id (OWASP parameters: 19 MiB, t=2, p=1), no truncation."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from paperwire.errors import InvalidInput

MIN_LENGTH = 8
MAX_LENGTH = 1024  # refuse (never truncate) absurd inputs: hashing them would be a denial of service
MEMORY_COST_KIB = 19456
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt")


@cache
def hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=2, memory_cost=MEMORY_COST_KIB, parallelism=1)


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def check_policy(password: str, email: str = "") -> None:
    """Raise InvalidInput when the password is too short, too long, common or the e-mail address."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"Passwords need at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"Passwords may have at most {MAX_LENGTH} characters.")
    lowered = password.lower()
    if lowered in common_passwords():
        raise InvalidInput("That password is one of the most common ones; please choose another.")
    if email and lowered in {email.lower(), email.lower().split("@")[0]}:
        raise InvalidInput("The password must not be your e-mail address.")


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    if len(password) > MAX_LENGTH:
        return False
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


@cache
def dummy_hash() -> str:
    """Verified against when the account does not exist, so both answers take as long."""
    return hash_password("paperwire-no-such-account")
