"""One ticket's whole life on a frozen clock, every deadline checked against dates worked out
by hand on the 2026 calendar:

* Spring Festival: 02-15..02-23 off, Saturday 02-14 and Saturday 02-28 are working days;
* National Day: 10-01..10-07 off, Sunday 09-20 and Saturday 10-10 are working days.

Day clocks do not count the starting day and end at 23:59:59 Beijing time on the last day.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from intake.db import current_session
from intake.models import Channel, ClockAction, ClockState, Lead, LeadEntry, LeadStatus, TicketEvent, UnitKind
from intake.ports import RecordingNotifier
from intake.services import org
from intake.services import tickets as svc
from intake.services.context import Actor
from intake.tracker import services as tracker
from intake.tracker.sweep import sweep
from tests.intake.tracker.helpers import actor, bj, clocks, end_of, unit


def _sweep(at):  # type: ignore[no-untyped-def]
    s = current_session()
    report = sweep(s, at)
    s.commit()  # the boundary: staff notifications leave after this
    return report


def _staff(recorder: RecordingNotifier) -> list[tuple[str, str, str]]:
    return [(m.meta["clock"], m.kind, m.recipient["region_code"]) for m in recorder.sent if "clock" in m.meta]


def test_a_ticket_lives_its_whole_life_on_the_2026_calendar(app: Flask, recorder: RecordingNotifier) -> None:
    s = current_session()
    dispatcher, disc = actor("dispatcher"), actor("discipline-350524")

    # 02-12 (Thu) 10:00: a named report. Register/dispatch and acceptance notice: 15 calendar
    # days → 02-27; the internal 5-working-day target: 13, 14 (make-up Sat), 24, 25, 26 → 02-26.
    made = svc.submit_ticket(s, svc.NewTicket(
        channel=Channel.API, text="安溪县某村干部把低保名额给了自己亲戚", anonymous=False,
        name="张三", phone="13800000000", received_at=bj(2, 12, 10)))
    ticket = made.ticket
    svc.apply_triage(s, ticket, {"county_code": "350524", "domain": "dibao", "issues": ["favouritism"],
                                 "discipline": True, "urgent": False, "confidence": 0.9}, now=bj(2, 12, 10, 5))
    s.commit()
    c = clocks(ticket)
    assert c["dispatch"].due_at == end_of(2, 27)
    assert c["acceptance_notice"].due_at == end_of(2, 27)
    assert c["dispatch_target"].due_at == end_of(2, 26)
    assert c["dispatch"].pack_id == "fujian-2022" and c["dispatch"].pack_version == "2022.1"

    # 02-12 11:00: a discipline lead identified. Transfer within 5 working days: 02-13, 02-14
    # (make-up), then the festival, 02-24, 02-25, 02-26.
    lead = svc.escalate_to_discipline(s, dispatcher, ticket, "村干部优亲厚友", now=bj(2, 12, 11))
    s.commit()
    assert clocks(ticket)["discipline_transfer"].due_at == end_of(2, 26)

    # 02-13 (Fri) 09:00: dispatched to 惠安. Objection: 02-14, 24, 25, 26, 27 → 02-27.
    # Handling starts at dispatch (not at signing): 60 days → 04-14.
    svc.dispatch_ticket(s, dispatcher, ticket, unit("350521"), now=bj(2, 13, 9))
    s.commit()
    c = clocks(ticket)
    assert c["dispatch"].state == ClockState.MET and c["dispatch"].on_time
    assert c["objection"].due_at == end_of(2, 27)
    assert tracker.objection_deadline(ticket) == end_of(2, 27)
    assert c["handle"].started_at == bj(2, 13, 9) and c["handle"].due_at == end_of(4, 14)

    # Sweep 02-25 09:00: the lead's last-working-day reminder (02-25 08:30; its 80 % point
    # falls later and is dropped) and the acceptance notice's 80 % reminder (02-24 21:11:59).
    assert _sweep(bj(2, 25, 9)).counts["reminder"] == 2
    assert sorted(_staff(recorder)) == [("acceptance_notice", "reminder_80", "35"),
                                        ("discipline_transfer", "reminder_last_day", "350524")]
    recorder.sent.clear()

    # 02-26 15:00: 惠安 objects within its window; handling stops for them.
    svc.object_to_assignment(s, actor("handler-350521"), ticket, "不属本县管辖", now=bj(2, 26, 15))
    s.commit()
    c = clocks(ticket)
    assert c["objection"].state == ClockState.MET and c["handle"].state == ClockState.STOPPED

    # Sweep 02-27 00:30: the lead is overdue → 督办 to 泉州 (discipline); the notice's last-day
    # reminder (02-26 08:30). Repeating the sweep changes nothing.
    report = _sweep(bj(2, 27, 0, 30))
    assert (report.counts["escalation"], report.counts["reminder"]) == (1, 1)
    assert sorted(_staff(recorder)) == [("acceptance_notice", "reminder_last_day", "35"),
                                        ("discipline_transfer", "escalation", "3505")]
    escalation = next(m for m in recorder.sent if m.kind == "escalation")
    assert escalation.recipient["unit_id"] == str(unit("3505", UnitKind.DISCIPLINE).id)
    assert _sweep(bj(2, 27, 0, 30)).clocks == 0
    assert _sweep(bj(2, 27, 9)).clocks == 0
    recorder.sent.clear()

    # 02-27 10:00: the lead is transferred, late; the named reporter is told.
    tracker.transfer_lead(s, disc, lead, now=bj(2, 27, 10))
    s.commit()
    c = clocks(ticket)
    assert c["discipline_transfer"].state == ClockState.MET and c["discipline_transfer"].on_time is False
    assert any(m.kind == "lead_transferred" for m in recorder.sent)

    # 02-27 14:00: the dispatcher's ruling sends it to 安溪 and locks it (no objection clock);
    # handling starts again for the new unit: 60 days from 02-27 → 04-28. 安溪 signs at 16:00.
    svc.dispatch_ticket(s, dispatcher, ticket, unit("350524"), now=bj(2, 27, 14))
    assert ticket.assignment_locked
    handler = actor("handler-350524")
    svc.accept_ticket(s, handler, ticket, now=bj(2, 27, 16))
    s.commit()
    c = clocks(ticket)
    assert c["handle"].round == 2 and c["handle"].due_at == end_of(4, 28)
    assert c["handle"].region_code == "350524"
    assert c["acceptance_notice"].state == ClockState.MET and c["acceptance_notice"].on_time
    assert c["objection"].state == ClockState.MET  # from round one, not restarted

    # Extension of 30 days approved by 泉州 on 04-21: 04-28 + 30 → 05-28.
    svc.record_verification(s, handler, ticket, "已入户核查", now=bj(3, 2, 10))
    svc.record_decision(s, handler, ticket, "取消违规低保", substantiated=True, now=bj(3, 20, 10))
    svc.request_extension(s, handler, ticket, 30, "涉及多户需逐户核查", now=bj(4, 20, 10))
    svc.decide_extension(s, actor("supervisor-3505"), ticket, True, now=bj(4, 21, 10))
    s.commit()
    assert clocks(ticket)["handle"].due_at == end_of(5, 28)
    assert clocks(ticket)["handle"].extensions == [30]

    # Nobody swept in between; 05-29 00:30 the handling is overdue → 督办 by 泉州 only (the
    # stale reminders are not sent late); 72 h after the first, 06-01 00:00, the province.
    recorder.sent.clear()
    report = _sweep(bj(5, 29, 0, 30))
    assert (report.counts["escalation"], report.counts["reminder"]) == (1, 0)
    assert _sweep(bj(5, 31, 23, 59)).clocks == 0
    report = _sweep(bj(6, 1, 0, 0, 1))
    assert report.counts["escalation"] == 1
    assert _staff(recorder) == [("handle", "escalation", "3505"), ("handle", "escalation", "35")]
    assert clocks(ticket)["handle"].next_action_at is None  # nobody above the province

    # 09-25 reply (late); the citizen may ask for 复查 within 30 days → 10-25.
    svc.reply_to_ticket(s, handler, ticket, "经核查，已取消违规低保。", now=bj(9, 25, 10))
    svc.rate_ticket(s, ticket, 2, now=bj(9, 26, 10))
    s.commit()
    c = clocks(ticket)
    assert c["handle"].state == ClockState.MET and c["handle"].on_time is False
    assert c["review_request"].due_at == end_of(10, 25)

    # 09-29: 复查 requested → a linked ticket at 泉州; decision within 30 days → 10-29.
    review = svc.request_review(s, ticket, "对处理结果不满意", now=bj(9, 29, 10))
    s.commit()
    assert review.review_of_id == ticket.id and review.review_level == 1
    assert clocks(ticket)["review_request"].state == ClockState.MET
    rc = clocks(review)
    assert rc["review_decision"].due_at == end_of(10, 29) and rc["review_decision"].region_code == "3505"
    assert "handle" not in rc and "objection" not in rc

    # 09-30: the 复查 turns up a second lead. 5 working days across National Day: 10-08, 10-09,
    # 10-10 (make-up Sat), 10-12, 10-13.
    lead2 = svc.escalate_to_discipline(s, actor("dispatcher-3505"), review, "复查发现新线索", now=bj(9, 30, 10))
    s.commit()
    assert clocks(review)["discipline_transfer"].due_at == end_of(10, 13)

    # Sweep 10-12 09:00: only that clock's last-working-day reminder (10-12 08:30).
    recorder.sent.clear()
    assert _sweep(bj(10, 12, 9)).counts["reminder"] == 1
    assert _staff(recorder) == [("discipline_transfer", "reminder_last_day", "350524")]

    # The lead ledger to its end; each step is an event and the named reporter hears of it.
    recorder.sent.clear()
    tracker.transfer_lead(s, disc, lead2, now=bj(10, 12, 10))
    tracker.start_preliminary(s, disc, lead2, now=bj(10, 14, 10))
    tracker.file_case(s, disc, lead2, now=bj(10, 20, 10))
    tracker.conclude_lead(s, disc, lead2, "给予党内警告处分。", now=bj(11, 30, 10))
    s.commit()
    assert clocks(review)["discipline_transfer"].on_time is True
    assert s.get(Lead, lead2.id).status == LeadStatus.CONCLUDED  # type: ignore[union-attr]
    history = s.scalars(sa.select(LeadEntry.status).where(LeadEntry.lead_id == lead2.id).order_by(LeadEntry.id))
    assert list(history) == [LeadStatus.TRANSFERRED, LeadStatus.PRELIMINARY, LeadStatus.FILED, LeadStatus.CONCLUDED]
    assert [m.kind for m in recorder.sent] == ["lead_transferred", "lead_preliminary", "lead_filed", "lead_concluded"]

    # 泉州 answers the 复查 on 10-20 (on time); the 复核 window opens: 30 days → 11-19.
    h3505 = org.create_user(s, "handler-3505", "long-enough-password", unit("3505"), ["handler"])
    a3505 = Actor.for_user(h3505)
    svc.accept_ticket(s, a3505, review, now=bj(10, 9, 10))
    svc.record_verification(s, a3505, review, "复查核实", now=bj(10, 15, 10))
    svc.record_decision(s, a3505, review, "维持原处理意见", now=bj(10, 19, 10))
    svc.reply_to_ticket(s, a3505, review, "复查意见：维持。", now=bj(10, 20, 10))
    s.commit()
    rc = clocks(review)
    assert rc["review_decision"].state == ClockState.MET and rc["review_decision"].on_time
    assert rc["recheck_request"].due_at == end_of(11, 19)

    # Every reminder and 督办 is one event and one action row, never two.
    actions = s.scalars(sa.select(ClockAction)).all()
    assert len(actions) == 7
    assert len({(a.clock_id, a.round, a.kind, a.level) for a in actions}) == 7
    events = s.scalar(sa.select(sa.func.count()).where(TicketEvent.kind.in_(("reminder", "escalation"))))
    assert events == 7
