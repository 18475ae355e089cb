"""The example ``/items`` resource: anyone reads, only logged-in users write."""

from fastapi.testclient import TestClient

from tests.support.auth import sign_in_as_new_user


def test_reading_items_needs_no_login(client: TestClient) -> None:
    assert client.get("/items").status_code == 200


def test_writing_items_needs_a_login(client: TestClient) -> None:
    created = client.post("/items", json={"name": "Lamp"})
    changed = client.patch("/items/1", json={"quantity": 2})
    deleted = client.delete("/items/1")

    assert [created.status_code, changed.status_code, deleted.status_code] == [401, 401, 401]
    assert created.headers["WWW-Authenticate"] == "Bearer"


def test_logged_in_user_writes_items(client: TestClient) -> None:
    sign_in_as_new_user(client)

    created = client.post("/items", json={"name": "Lamp"})
    item_id = created.json()["id"]

    assert created.status_code == 201
    assert client.patch(f"/items/{item_id}", json={"quantity": 2}).status_code == 200
    assert client.delete(f"/items/{item_id}").status_code == 204
