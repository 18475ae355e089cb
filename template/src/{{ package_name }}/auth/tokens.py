"""Signed JWT access and refresh tokens (PyJWT, HS256 only)."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt

ALGORITHM = "HS256"
TokenType = Literal["access", "refresh"]
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "jti", "typ"]


class InvalidTokenError(Exception):
    """The token is malformed, forged, expired or of the wrong kind."""


@dataclass(frozen=True)
class TokenClaims:
    subject: str
    token_type: TokenType
    token_id: str
    expires_at: datetime
    family_id: str = ""  # refresh tokens only: the login they descend from


@dataclass(frozen=True)
class IssuedToken:
    token: str
    claims: TokenClaims


def utc_now() -> datetime:
    return datetime.now(UTC)


class TokenCodec:
    """Issue and check tokens signed with one secret, for one issuer and audience."""

    def __init__(
        self,
        *,
        signing_key: str,
        issuer: str,
        audience: str,
        access_lifetime: timedelta,
        refresh_lifetime: timedelta,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._key = signing_key
        self.issuer = issuer
        self.audience = audience
        self.access_lifetime = access_lifetime
        self.refresh_lifetime = refresh_lifetime
        self.clock = clock

    def issue_access(self, subject: str) -> IssuedToken:
        return self._issue(subject, "access", self.access_lifetime, family_id="")

    def issue_refresh(self, subject: str, family_id: str) -> IssuedToken:
        return self._issue(subject, "refresh", self.refresh_lifetime, family_id=family_id)

    def _issue(
        self, subject: str, token_type: TokenType, lifetime: timedelta, family_id: str
    ) -> IssuedToken:
        now = self.clock()
        claims = TokenClaims(
            subject=subject,
            token_type=token_type,
            token_id=str(uuid.uuid4()),
            expires_at=now + lifetime,
            family_id=family_id,
        )
        payload: dict[str, object] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "typ": token_type,
            "jti": claims.token_id,
            "iat": now,
            "exp": claims.expires_at,
        }
        if family_id:
            payload["fam"] = family_id
        token = jwt.encode(payload, self._key, algorithm=ALGORITHM)
        return IssuedToken(token=token, claims=claims)

    def decode(self, token: str, expected_type: TokenType) -> TokenClaims:
        """Check signature, algorithm, expiry, issuer, audience and type; return the claims."""
        try:
            # Only HS256 is accepted: "none" and every other algorithm are refused before
            # the signature is looked at, so a token cannot choose how it is checked.
            if jwt.get_unverified_header(token).get("alg") != ALGORITHM:
                raise InvalidTokenError("unexpected signing algorithm")
            payload = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWTError as exc:
            raise InvalidTokenError(type(exc).__name__) from None
        kind = payload["typ"]
        if kind != expected_type:
            raise InvalidTokenError(f"expected token type {expected_type!r}")
        family_id = payload.get("fam", "")
        if kind == "refresh" and not (isinstance(family_id, str) and family_id):
            raise InvalidTokenError("refresh token without a family")
        return TokenClaims(
            subject=str(payload["sub"]),
            token_type=kind,
            token_id=str(payload["jti"]),
            expires_at=datetime.fromtimestamp(payload["exp"], UTC),
            family_id=family_id,
        )
