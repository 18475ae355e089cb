"""Accounts and logins for tests of the auth module."""

from dataclasses import dataclass

from fastapi.testclient import TestClient

# A password that meets the policy.
PHRASE = "violet-harbour-lantern-42"  # pragma: allowlist secret
# Another one, for password changes.
NEW_PHRASE = "copper-meadow-sailing-77"  # pragma: allowlist secret
# Long enough, but on the list of common passwords.
COMMON_PHRASE = "qwerty123456"  # pragma: allowlist secret


@dataclass(frozen=True)
class Tokens:
    access: str
    refresh: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}"}


def login(client: TestClient, email: str, password: str = PHRASE) -> Tokens:
    response = client.post("/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    return Tokens(access=body["access_token"], refresh=body["refresh_token"])


def sign_in_as_new_user(client: TestClient, email: str = "items-editor@example.com") -> Tokens:
    """Register an account through the API, log in, and send its token with every request."""
    response = client.post("/auth/register", json={"email": email, "password": PHRASE})
    assert response.status_code == 201, response.text
    tokens = login(client, email)
    client.headers.update(tokens.headers)
    return tokens
