"""The ``/items`` resource through the app, on the SQLite file of the ``settings`` fixture."""

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient


def create(client: TestClient, name: str, **fields: Any) -> dict[str, Any]:
    response = client.post("/items", json={"name": name, **fields})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_create_then_read(client: TestClient) -> None:
    created = create(client, "Lamp", description="Brass desk lamp", quantity=3)

    response = client.get(f"/items/{created['id']}")

    assert response.status_code == 200
    assert response.json() == created
    assert (created["name"], created["description"], created["quantity"]) == (
        "Lamp",
        "Brass desk lamp",
        3,
    )


def test_timestamps_are_utc(client: TestClient) -> None:
    created = create(client, "Clock")

    created_at = datetime.fromisoformat(created["created_at"])
    assert created_at.utcoffset() is not None
    assert created_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert created["updated_at"] >= created["created_at"]


def test_update_changes_only_the_fields_sent(client: TestClient) -> None:
    created = create(client, "Chair", description="Oak", quantity=1)

    response = client.patch(f"/items/{created['id']}", json={"quantity": 4})

    assert response.status_code == 200
    updated = response.json()
    assert (updated["name"], updated["description"], updated["quantity"]) == ("Chair", "Oak", 4)
    assert updated["created_at"] == created["created_at"]
    assert datetime.fromisoformat(updated["updated_at"]) > datetime.fromisoformat(
        created["updated_at"]
    )


def test_description_can_be_cleared(client: TestClient) -> None:
    created = create(client, "Desk", description="Pine")

    response = client.patch(f"/items/{created['id']}", json={"description": None})

    assert response.json()["description"] is None


def test_delete_then_the_item_is_gone(client: TestClient) -> None:
    created = create(client, "Vase")

    assert client.delete(f"/items/{created['id']}").status_code == 204
    assert client.get(f"/items/{created['id']}").status_code == 404
    assert client.delete(f"/items/{created['id']}").status_code == 404


def test_list_pages_through_items_in_id_order_with_the_total(client: TestClient) -> None:
    names = [f"Item {number:02d}" for number in range(5)]
    for name in names:
        create(client, name)

    first = client.get("/items", params={"limit": 2}).json()
    last = client.get("/items", params={"limit": 2, "offset": 4}).json()
    beyond = client.get("/items", params={"offset": 10}).json()

    assert [item["name"] for item in first["items"]] == names[:2]
    assert (first["total"], first["limit"], first["offset"]) == (5, 2, 0)
    assert [item["name"] for item in last["items"]] == names[4:]
    assert beyond == {"items": [], "total": 5, "limit": 20, "offset": 10}


def test_missing_item_is_404(client: TestClient) -> None:
    for response in (
        client.get("/items/999"),
        client.patch("/items/999", json={"quantity": 1}),
        client.delete("/items/999"),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "item 999 does not exist"}


def test_duplicate_name_is_409(client: TestClient) -> None:
    create(client, "Lamp")

    response = client.post("/items", json={"name": "Lamp"})

    assert response.status_code == 409
    assert "already exists" in response.json()["detail"]
    assert client.get("/items").json()["total"] == 1


def test_renaming_onto_an_existing_name_is_409(client: TestClient) -> None:
    create(client, "Lamp")
    chair = create(client, "Chair")

    response = client.patch(f"/items/{chair['id']}", json={"name": "Lamp"})

    assert response.status_code == 409
    assert client.get(f"/items/{chair['id']}").json()["name"] == "Chair"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": " Lamp"},
        {"name": "Lamp\n"},
        {"name": "x" * 121},
        {"name": "Lamp", "quantity": -1},
        {"name": "Lamp", "quantity": "many"},
        {"name": "Lamp", "colour": "red"},
        {"name": "Lamp", "description": "d" * 1001},
        {"name": "La\x00mp"},
        {"name": "Lamp", "quantity": 2**31},
    ],
    ids=[
        "empty",
        "blank",
        "spaces",
        "leading-space",
        "trailing-newline",
        "too-long",
        "negative",
        "not-a-number",
        "unknown",
        "long",
        "nul",
        "huge",
    ],
)
def test_bad_input_is_422(client: TestClient, body: dict[str, Any]) -> None:
    response = client.post("/items", json=body)

    assert response.status_code == 422
    assert client.get("/items").json()["total"] == 0


@pytest.mark.parametrize("body", [{"name": None}, {"quantity": None}, {"quantity": -2}])
def test_bad_update_is_422(client: TestClient, body: dict[str, Any]) -> None:
    created = create(client, "Lamp")

    response = client.patch(f"/items/{created['id']}", json=body)

    assert response.status_code == 422


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}])
def test_bad_pagination_is_422(client: TestClient, params: dict[str, int]) -> None:
    assert client.get("/items", params=params).status_code == 422


@pytest.mark.parametrize("item_id", ["lamp", "0", "-1", str(2**31), str(2**64)])
def test_id_out_of_range_is_422(client: TestClient, item_id: str) -> None:
    assert client.get(f"/items/{item_id}").status_code == 422
