"""Routing: county civil affairs, discipline, one level up for conflict of interest, dispatcher."""

from __future__ import annotations

import pytest

from triage.engine import Hints, Triager
from triage.route import route


def test_plain_case_goes_to_county_civil_affairs(triager: Triager) -> None:
    d = route(triager.triage("泉州安溪的低保金三个月未到账"))
    assert (d.target_kind, d.region_code, d.also_notify_discipline) == (
        "civil_affairs", "350524", False,
    )


def test_discipline_lead_goes_to_discipline_unit_of_the_county(triager: Triager) -> None:
    d = route(triager.triage("安溪县湖头镇的村主任贪污扶贫资金"))
    assert (d.target_kind, d.region_code) == ("discipline", "350524")
    assert d.hidden_from is None


def test_lead_against_county_bureau_goes_one_level_up_and_is_hidden(triager: Triager) -> None:
    d = route(triager.triage("安溪县民政局局长受贿，帮亲戚办低保"))
    assert (d.target_kind, d.region_code, d.hidden_from) == ("discipline", "3505", "350524")
    assert any("one level up" in r for r in d.reasons)


def test_conduct_complaint_against_bureau_goes_one_level_up(triager: Triager) -> None:
    d = route(triager.triage("安溪县民政局局长态度恶劣，推诿刁难"))
    assert (d.target_kind, d.region_code, d.hidden_from) == ("civil_affairs", "3505", "350524")


def test_unresolved_goes_to_dispatcher(triager: Triager) -> None:
    d = route(triager.triage("我想申请低保"))
    assert (d.target_kind, d.region_code) == ("dispatcher", None)


def test_unresolved_discipline_lead_also_notifies_discipline(triager: Triager) -> None:
    d = route(triager.triage("村主任贪污扶贫资金"))
    assert (d.target_kind, d.also_notify_discipline) == ("dispatcher", True)


def test_conflict_with_hint_goes_to_dispatcher(triager: Triager) -> None:
    d = route(triager.triage("安溪县的低保", Hints(hotline_county_code="350628")))
    assert d.target_kind == "dispatcher"


def test_weak_history_hint_alone_goes_to_dispatcher(triager: Triager) -> None:
    d = route(triager.triage("我想申请低保", Hints(previous_county_code="350628")))
    assert d.target_kind == "dispatcher"


def test_form_hint_routes(triager: Triager) -> None:
    d = route(triager.triage("我想申请低保", Hints(county_code="350628")))
    assert (d.target_kind, d.region_code) == ("civil_affairs", "350628")


@pytest.mark.parametrize("text", [
    "安溪县湖头镇村里的低保金被截留了",  # withholding, no actor named
    "安溪县湖头镇的低保评定优亲厚友，希望严查",  # favouritism, no one accused
    "安溪县湖头镇听说有人骗取低保金，是真的吗？",  # a rumour, asked
])
def test_corruption_type_without_an_accusation_goes_to_a_person(triager: Triager, text: str) -> None:
    r = triager.triage(text)
    assert r.county_code == "350524" and not r.discipline
    d = route(r)
    assert (d.target_kind, d.region_code) == ("dispatcher", None)
    assert "a person reads it" in d.reasons[-1]


def test_corruption_issues_are_the_lexicons_corruption_group(triager: Triager) -> None:
    from triage.route import CORRUPTION_ISSUES

    group = {k for k, g in triager.classifier.lex.issue_group.items() if g == "corruption"}
    assert group == CORRUPTION_ISSUES
