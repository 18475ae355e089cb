"""With auth on, writing items needs a logged-in user: these tests act as one."""

import pytest
from fastapi.testclient import TestClient

from tests.support.auth import sign_in_as_new_user


@pytest.fixture
def client(client: TestClient) -> TestClient:
    sign_in_as_new_user(client)
    return client
