"""The citizen API end to end on SQLite: file a report, read it back, wrong codes."""

from __future__ import annotations

from flask.testing import FlaskClient

from intake.identifiers import is_valid_reference


def test_post_creates_ticket_with_reference_and_code(client: FlaskClient) -> None:
    resp = client.post("/api/v1/tickets", json={"text": "安溪县某村干部把低保给了亲戚"})
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert is_valid_reference(body["reference"])
    assert len(body["query_code"]) == 6 and body["query_code"].isdigit()
    assert body["status"] in ("received", "dispatched")


def test_get_with_code_shows_ticket(client: FlaskClient) -> None:
    made = client.post("/api/v1/tickets", json={"text": "我家申请低保三个月没有消息"}).json
    resp = client.get(f"/api/v1/tickets/{made['reference']}?query_code={made['query_code']}")
    assert resp.status_code == 200
    assert resp.json["reference"] == made["reference"]
    assert resp.json["timeline"][0]["event"] == "submitted"


def test_wrong_code_and_unknown_reference_give_the_same_404(client: FlaskClient) -> None:
    made = client.post("/api/v1/tickets", json={"text": "临时救助申请被推诿"}).json
    wrong = "000000" if made["query_code"] != "000000" else "111111"
    a = client.get(f"/api/v1/tickets/{made['reference']}?query_code={wrong}")
    b = client.get(f"/api/v1/tickets/2611280000000?query_code={made['query_code']}")
    assert a.status_code == b.status_code == 404
    assert a.json == b.json


def test_healthz(client: FlaskClient) -> None:
    assert client.get("/healthz").json == {"status": "ok"}
