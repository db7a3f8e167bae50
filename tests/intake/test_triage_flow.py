"""Triage wired into intake: each new ticket is triaged by a task, its explanation stored,
then escalated, dispatched automatically when confident, or left for the dispatcher."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from intake.db import db
from intake.models import Channel, Lead, Status, Ticket
from intake.services.tickets import NewTicket, submit_ticket
from tests.conftest import running_app, sqlite_app


@pytest.fixture
def auto_app(sqlite_template: Path, tmp_path: Path) -> Iterator[Flask]:
    with sqlite_app(sqlite_template, tmp_path, auto_dispatch=True) as app:
        yield app


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def auto_app_both(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> Iterator[Flask]:
    if request.param == "sqlite":
        with sqlite_app(sqlite_template, tmp_path, auto_dispatch=True) as app:
            yield app
    else:
        url = request.getfixturevalue("pg_migrated")
        with running_app(url, tmp_path, truncate=True, auto_dispatch=True) as app:
            yield app


def _file(text: str, **kw: object) -> Ticket:
    made = submit_ticket(db.session, NewTicket(channel=Channel.API, text=text, **kw))  # type: ignore[arg-type]
    db.session.commit()  # the after-commit kick runs triage inline (sync task mode in tests)
    db.session.expire_all()
    ticket = db.session.get(Ticket, made.ticket.id)
    assert ticket is not None and ticket.triaged_at is not None
    return ticket


def test_confident_ticket_is_dispatched_to_its_county_with_explanation(auto_app: Flask) -> None:
    t = _file("泉州市安溪县城厢镇低保金已经三个月没有发放，请尽快处理")
    assert t.county_code == "350524"
    assert t.status == Status.DISPATCHED
    assert t.assigned_unit is not None and t.assigned_unit.name == "安溪县民政局"
    assert t.triage is not None and "安溪县" in "".join(t.triage["keywords"]) + "".join(t.triage["rules"])
    assert t.triage["route"]["target_kind"] == "civil_affairs"


def test_ticket_naming_no_place_waits_for_the_dispatcher(auto_app: Flask) -> None:
    t = _file("我想咨询一下低保申请需要哪些材料")
    assert t.county_code is None
    assert t.status == Status.RECEIVED
    assert t.triage is not None and t.triage["route"]["target_kind"] == "dispatcher"


def test_corruption_type_message_without_an_accusation_waits_for_a_person(auto_app: Flask) -> None:
    # Withholding with no actor the rules recognise: it may accuse the very unit that would
    # receive it, so a dispatcher reads it first; the county is still found and kept.
    t = _file("泉州市安溪县城厢镇某村的低保金被截留了，请尽快处理")
    assert t.county_code == "350524" and not t.discipline
    assert t.status == Status.RECEIVED and t.assigned_unit_id is None
    assert t.triage is not None and t.triage["route"]["target_kind"] == "dispatcher"
    assert "withholding" in t.triage["route"]["reasons"][-1]


@pytest.mark.parametrize("text", [
    "泉州市安溪县民政局局长态度恶劣，推诿刁难，请上级督促",  # a conduct complaint
    "泉州市安溪县民政局对低保金被截留的问题不闻不问",  # corruption-type, no accusation found
])
def test_complaint_against_the_county_bureau_is_never_its_to_see(auto_app: Flask, text: str) -> None:
    from intake.models import Unit, User
    from intake.services.scope import can_view

    t = _file(text)
    accused = db.session.scalar(sa.select(Unit).where(Unit.name == "安溪县民政局"))
    assert accused is not None and t.conflict_unit_id == accused.id
    assert t.assigned_unit_id != accused.id
    handler = db.session.scalar(sa.select(User).where(User.username == "handler-350524"))
    assert handler is not None and not can_view(db.session, handler, t)
    assert "conflict_of_interest" in [e.kind for e in t.events]


def test_corruption_by_a_cadre_opens_a_lead_at_the_county_discipline_unit(auto_app: Flask) -> None:
    t = _file("安溪县城厢镇某村党支部书记贪污低保金，把困难户的补助据为己有")
    assert t.discipline
    lead = db.session.scalar(sa.select(Lead).where(Lead.tickets.any(Ticket.id == t.id)))
    assert lead is not None and lead.discipline_unit.name == "安溪县纪委监委"


def test_lead_accusing_the_county_bureau_goes_one_level_up(auto_app: Flask) -> None:
    t = _file("安溪县民政局局长收受贿赂，违规给亲戚办理低保")
    lead = db.session.scalar(sa.select(Lead).where(Lead.tickets.any(Ticket.id == t.id)))
    assert lead is not None and lead.region_code == "3505"
    assert t.conflict_unit_id is not None
    assert t.assigned_unit_id != t.conflict_unit_id


def test_same_matter_again_is_suggested_as_a_duplicate_not_dispatched(auto_app: Flask) -> None:
    text = "泉州市安溪县城厢镇低保金已经三个月没有发放，请尽快处理"
    first = _file(text, anonymous=False, name="林七", phone="13600000000")
    second = _file(text + "。", anonymous=False, name="林七", phone="13600000000")
    assert second.triage is not None
    assert [d["reference"] for d in second.triage["duplicates"]] == [first.reference]
    assert second.status == Status.RECEIVED


def test_reporters_earlier_county_is_a_hint(auto_app: Flask) -> None:
    _file("泉州市安溪县城厢镇低保金没有发放", anonymous=False, name="林七", phone="13600000001")
    later = _file("上次反映的事情还没有人联系我，临时救助也没有批", anonymous=False, name="林七",
                  phone="13600000001")
    assert later.county_code == "350524"
    assert later.triage is not None and later.triage["location_source"] == "history"


def test_text_contradicting_the_form_goes_to_the_dispatcher(auto_app: Flask) -> None:
    t = _file("福州市鼓楼区东街街道低保评议不公开", county_code="350524")
    assert t.triage is not None and t.triage["location_conflict"] is True
    assert t.status == Status.RECEIVED


def test_peoples_decisions_on_triage_become_labelled_examples_for_training(
    auto_app_both: Flask, tmp_path: Path
) -> None:
    auto_app = auto_app_both
    from intake.cli import main
    from intake.services import tickets as svc
    from tests.intake.helpers import actor, civil

    dispatcher = actor("dispatcher")
    # Held back for a person (corruption-type, no accusation found), each decided by one:
    not_a_lead = _file("泉州市安溪县城厢镇某村的低保金被截留了，请尽快处理")
    svc.dispatch_ticket(db.session, dispatcher, not_a_lead, civil("350524"))
    missed = _file("泉州市安溪县龙门镇有人虚报冒领特困供养金，请核查")
    svc.escalate_to_discipline(db.session, dispatcher, missed, "村主任为亲属虚报冒领")
    sent_then_escalated = _file("泉州市安溪县蓬莱镇的临时救助款被克扣了一半")
    svc.dispatch_ticket(db.session, dispatcher, sent_then_escalated, civil("350524"))
    svc.escalate_to_discipline(db.session, actor("handler-350524"), sent_then_escalated, "核实发现系站长克扣")
    # Triage's own decisions, which no person corrected, are not examples:
    _file("安溪县城厢镇某村党支部书记贪污低保金，把困难户的补助据为己有")  # a lead triage opened
    _file("泉州市安溪县城厢镇低保金已经三个月没有发放，请尽快处理")  # dispatched by triage
    # A flagged lead triage could not place: a person placed it and judged it no lead.
    overruled = _file("某村党支部书记贪污低保金，把困难户的补助据为己有")
    assert overruled.triage is not None and overruled.triage["discipline"] and overruled.status == Status.RECEIVED
    svc.set_location(db.session, dispatcher, overruled, "350524")
    svc.dispatch_ticket(db.session, dispatcher, overruled, civil("350524"))
    # Not a judgement on a lead: forwarded to another department, or merged into another.
    forwarded = _file("泉州市安溪县金谷镇有人虚报冒领临时救助，请核查")
    svc.forward_ticket(db.session, dispatcher, forwarded, "安溪县纪委监委", "反映村干部虚报冒领")
    merged = _file("泉州市安溪县城厢镇某村的低保金被截留了，请尽快处理。")
    svc.dispatch_ticket(db.session, dispatcher, merged, civil("350524"))
    svc.link_duplicate(db.session, dispatcher, merged, not_a_lead)
    unplaced = _file("我想咨询一下低保申请需要哪些材料")
    svc.set_location(db.session, dispatcher, unplaced, "350583")
    svc.set_location(db.session, dispatcher, unplaced, "350524")  # the last decision counts
    db.session.commit()
    expected = [(not_a_lead.reference, "not_discipline"), (missed.reference, "discipline"),
                (sent_then_escalated.reference, "discipline"), (overruled.reference, "not_discipline")]
    first_text = not_a_lead.text

    runner = auto_app.test_cli_runner()
    out = runner.invoke(main, ["triage", "export-corrections", "--kind", "discipline"])
    assert out.exit_code == 0, out.output
    rows = [json.loads(x) for x in out.output.splitlines()]
    assert [(r["reference"], r["label"]) for r in rows] == expected
    assert rows[0]["text"] == first_text and {r["kind"] for r in rows} == {"discipline"}
    every = runner.invoke(main, ["triage", "export-corrections"])
    assert [(json.loads(x)["kind"], json.loads(x)["label"]) for x in every.output.splitlines()] == [
        ("discipline", "not_discipline"), ("discipline", "discipline"), ("discipline", "discipline"),
        ("county", "350524"), ("discipline", "not_discipline"), ("county", "350524")]

    # The exported lines are what `train` reads: a discipline model of the people's labels.
    labelled, model = tmp_path / "discipline.jsonl", tmp_path / "discipline-model.json"
    labelled.write_text(out.output, encoding="utf-8")
    trained = runner.invoke(main, ["triage", "train", "--input", str(labelled), "--model", str(model)])
    assert trained.exit_code == 0, trained.output
    assert json.loads(model.read_text("utf-8"))["labels"] == ["discipline", "not_discipline"]
    assert runner.invoke(main, ["triage", "export-corrections", "--kind", "domain"]).exit_code == 2
