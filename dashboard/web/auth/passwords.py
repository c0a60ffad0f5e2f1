"""Password hashing with Argon2id (argon2-cffi's defaults follow RFC 9106's recommendations)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
MIN_LENGTH = 12
# Verifying against this when there is no account to check (unknown, disabled, locked, or
# without a password) costs the same as a real check, so response times reveal none of those.
_DUMMY = _hasher.hash("not-a-real-password-for-timing")


def hash_password(password: str) -> str:
    """An Argon2id hash to store; ValueError for a password shorter than MIN_LENGTH."""
    if len(password) < MIN_LENGTH:
        raise ValueError(f"Passwords must be at least {MIN_LENGTH} characters.")
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """One Argon2 verification whatever `stored` is (the dummy hash if None), so all cost alike."""
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except InvalidHashError:  # refused before any work: do the work anyway
        return verify_password(None, password)
    except VerificationError:
        return False
