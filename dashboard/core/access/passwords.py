"""Password hashing (argon2id, argon2-cffi's defaults) and one-time passwords. A password is never logged,
stored or shown; only its hash is kept."""
from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
# No 0/O, 1/l/I: a one-time password is read off a terminal and typed by hand.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def one_time_password(length: int = 16) -> str:
    """A strong random password (about 94 bits at 16 characters) to be printed once."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def check_strength(password: str) -> str | None:
    """Why a chosen password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return f"密码至少需要 {MIN_LENGTH} 个字符"
    return None
