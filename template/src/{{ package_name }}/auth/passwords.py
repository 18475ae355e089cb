"""Password hashing with Argon2id, and the policy new passwords must meet."""

from functools import cache
from importlib.resources import files

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

# Longer passwords are refused before hashing: they add nothing but hashing cost.
MAX_PASSWORD_LENGTH = 256
# "aaaaaaaaaaaa" and "abcabcabcabc" are long enough but guessed at once.
MIN_DISTINCT_CHARACTERS = 4


class PasswordHasher:
    """Hash and verify passwords; tell when a stored hash uses outdated parameters."""

    def __init__(self, *, time_cost: int, memory_kib: int, parallelism: int) -> None:
        self._hasher = argon2.PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_kib,
            parallelism=parallelism,
            type=argon2.Type.ID,
        )
        # Verified against when the account does not exist, so that an unknown email
        # costs as much time as a wrong password.
        self._dummy_hash = self._hasher.hash("not a real password")  # pragma: allowlist secret

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    def verify_dummy(self, password: str) -> None:
        """Spend the time of one verification; the result is always a failure."""
        self.verify(self._dummy_hash, password)


class WeakPasswordError(ValueError):
    """The password does not meet the policy; the message says why, never the password."""


@cache
def common_passwords() -> frozenset[str]:
    text = files(__package__).joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def check_password_policy(password: str, *, min_length: int, email: str = "") -> None:
    """Raise :class:`WeakPasswordError` unless ``password`` is acceptable."""
    if len(password) < min_length:
        msg = f"Password must be at least {min_length} characters long."
        raise WeakPasswordError(msg)
    if len(password) > MAX_PASSWORD_LENGTH:
        msg = f"Password must be at most {MAX_PASSWORD_LENGTH} characters long."
        raise WeakPasswordError(msg)
    lowered = password.lower()
    if lowered in common_passwords():
        msg = "Password is too common: choose one that is not on lists of leaked passwords."
        raise WeakPasswordError(msg)
    local_part = email.partition("@")[0].lower()
    if local_part and (lowered == email.lower() or lowered == local_part):
        msg = "Password must not be the email address."
        raise WeakPasswordError(msg)
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        msg = f"Password must use at least {MIN_DISTINCT_CHARACTERS} different characters."
        raise WeakPasswordError(msg)
