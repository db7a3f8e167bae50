"""Policy packs: the shipped Fujian pack, effective dating, admin packs, validation."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from triage.deadlines.policy import (
    NoPolicyPack,
    PolicyPack,
    Start,
    Unit,
    load_packs,
    parse_pack,
)
from triage.deadlines.timezone import CHINA_TZ

PACKS = Path(__file__).parents[3] / "triage/deadlines/packs"
SHIPPED = (PACKS / "fujian-2022.toml").read_text("utf-8")


def pack_text(pack_id: str, effective_from: str, handle_days: int, province: str = "35") -> str:
    return f"""
[pack]
id = "{pack_id}"
version = "test"
province = "{province}"
effective_from = {effective_from}
title = "测试"
basis = "测试"

[clocks.handle]
title = "办理"
unit = "calendar_days"
length = {handle_days}
starts_at = "accepted"
source = "测试"
"""


@pytest.fixture
def three_packs(tmp_path: Path) -> tuple[PolicyPack, ...]:
    (tmp_path / "a.toml").write_text(pack_text("fj-2024", "2024-01-01", 45), "utf-8")
    (tmp_path / "b.toml").write_text(pack_text("fj-2026h2", "2026-07-01", 30), "utf-8")
    (tmp_path / "c.toml").write_text(pack_text("zj-2022", "2022-01-01", 20, "33"), "utf-8")
    return load_packs(tmp_path)


# --- the shipped pack --------------------------------------------------------------------


def test_shipped_fujian_pack_is_the_2022_regulation_table() -> None:
    pack = PolicyPack.for_received("35", datetime(2026, 3, 1, tzinfo=UTC))
    assert (pack.id, pack.province, str(pack.effective_from)) == ("fujian-2022", "35", "2022-05-01")
    expected = {
        "dispatch": (Unit.CALENDAR_DAYS, 15, Start.RECEIVED),
        "acceptance_notice": (Unit.CALENDAR_DAYS, 15, Start.RECEIVED),
        "objection": (Unit.WORKING_DAYS, 5, Start.DISPATCHED),
        "handle": (Unit.CALENDAR_DAYS, 60, Start.ACCEPTED),
        "review_request": (Unit.CALENDAR_DAYS, 30, Start.REPLIED),
        "review_decision": (Unit.CALENDAR_DAYS, 30, Start.REVIEW_REQUESTED),
        "recheck_request": (Unit.CALENDAR_DAYS, 30, Start.REVIEW_REPLIED),
        "recheck_decision": (Unit.CALENDAR_DAYS, 30, Start.RECHECK_REQUESTED),
        "discipline_transfer": (Unit.WORKING_DAYS, 5, Start.IDENTIFIED),
        "urgent": (Unit.HOURS, 24, Start.FLAGGED_URGENT),
    }
    for name, (unit, length, start) in expected.items():
        clock = pack.clock(name)
        assert (clock.unit, clock.length, clock.starts_at) == (unit, length, start), name
        assert clock.statutory is (name != "urgent"), name
        assert clock.source


def test_handle_allows_one_extension_of_at_most_30_days() -> None:
    ext = parse_pack(SHIPPED).clock("handle").extension
    assert ext is not None
    assert (ext.max_count, ext.max_length, ext.unit) == (1, 30, Unit.CALENDAR_DAYS)
    assert "第三十四条" in ext.source


def test_statutory_clocks_are_not_pausable_and_do_not_roll() -> None:
    pack = parse_pack(SHIPPED)
    for clock in pack.clocks.values():
        assert clock.roll_to_workday is False
        if clock.statutory:
            assert clock.pausable is False, clock.name


def test_internal_dispatch_target_is_not_statutory() -> None:
    target = parse_pack(SHIPPED).clock("dispatch_target")
    assert target.statutory is False
    assert target.unit is Unit.WORKING_DAYS


def test_default_reminders_are_80_percent_and_one_working_day_before() -> None:
    rule = parse_pack(SHIPPED).clock("handle").reminders
    assert (rule.fraction, rule.working_days_before_end, rule.time_of_day) == (0.8, 1, time(8, 30))


def test_citizen_windows_have_no_reminders() -> None:
    rule = parse_pack(SHIPPED).clock("review_request").reminders
    assert (rule.fraction, rule.working_days_before_end) == (0.0, 0)


def test_unknown_clock_name_says_which_exist() -> None:
    with pytest.raises(KeyError, match="handle"):
        parse_pack(SHIPPED).clock("nope")


# --- effective dating --------------------------------------------------------------------


def test_pack_in_force_at_receipt_is_chosen(three_packs: tuple[PolicyPack, ...]) -> None:
    def pick(when: datetime) -> str:
        return PolicyPack.for_received("35", when, three_packs).id

    assert pick(datetime(2023, 6, 1, tzinfo=UTC)) == "fujian-2022"
    assert pick(datetime(2024, 1, 1, tzinfo=CHINA_TZ)) == "fj-2024"
    assert pick(datetime(2026, 6, 30, 12, tzinfo=CHINA_TZ)) == "fj-2024"
    assert pick(datetime(2026, 7, 1, tzinfo=CHINA_TZ)) == "fj-2026h2"


def test_effective_date_is_judged_on_the_local_date(three_packs: tuple[PolicyPack, ...]) -> None:
    # 2026-06-30 16:30 UTC is 2026-07-01 00:30 in Fuzhou.
    when = datetime(2026, 6, 30, 16, 30, tzinfo=UTC)
    assert PolicyPack.for_received("35", when, three_packs).id == "fj-2026h2"


def test_packs_are_per_province(three_packs: tuple[PolicyPack, ...]) -> None:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    assert PolicyPack.for_received("33", when, three_packs).id == "zj-2022"


def test_no_pack_before_the_first_effective_date_raises() -> None:
    with pytest.raises(NoPolicyPack, match="35"):
        PolicyPack.for_received("35", datetime(2022, 4, 30, 12, tzinfo=CHINA_TZ))


def test_unknown_province_raises() -> None:
    with pytest.raises(NoPolicyPack):
        PolicyPack.for_received("44", datetime(2026, 1, 1, tzinfo=UTC))


def test_naive_received_at_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        PolicyPack.for_received("35", datetime(2026, 1, 1))


# --- admin packs -------------------------------------------------------------------------


def test_admin_pack_with_the_same_id_replaces_the_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "fj.toml").write_text(pack_text("fujian-2022", "2022-05-01", 50), "utf-8")
    packs = load_packs(tmp_path)
    assert [p.id for p in packs] == ["fujian-2022"]
    assert packs[0].clock("handle").length == 50


def test_two_packs_for_one_province_and_date_are_refused(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_text(pack_text("other", "2022-05-01", 50), "utf-8")
    with pytest.raises(ValueError, match="both take effect"):
        load_packs(tmp_path)


def test_missing_admin_pack_dir_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_packs(tmp_path / "absent")


# --- validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('unit = "calendar_days"', 'unit = "weeks"', "not one of"),
        ('starts_at = "accepted"', 'starts_at = "signed"', "not one of"),
        ("length = 60", "length = 0", "positive"),
        ('province = "35"', 'province = "350000"', "2-digit"),
        ("effective_from = 2022-05-01", 'effective_from = "2022-05-01"', "date"),
        ('source = "测试"', 'source = "测试"\nlenght = 3', "unknown keys"),
        ('unit = "calendar_days"', 'unit = "hours"\nroll_to_workday = true', "hours clock"),
    ],
)
def test_malformed_pack_is_refused_with_the_reason(old: str, new: str, message: str) -> None:
    text = pack_text("t", "2022-05-01", 60).replace(old, new)
    assert text != pack_text("t", "2022-05-01", 60)
    with pytest.raises(ValueError, match=message):
        parse_pack(text, "t.toml")
