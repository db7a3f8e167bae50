"""Deadline policy packs: which clocks a province runs, how long, and on what legal basis.

A pack is data (``packs/*.toml``), versioned and effective-dated, one series per province.
A ticket is judged under the pack in force on the local (Asia/Shanghai) date it was
received, so a later pack never changes a running ticket's deadlines.

Pure: importable by ``intake`` and the rest of ``triage``.

Pack file format (TOML)::

    [pack]
    id = "fujian-2022"              # unique; an admin pack with the same id replaces ours
    version = "2022.1"
    province = "35"                 # 2-digit province code
    effective_from = 2022-05-01     # local date; the pack applies to tickets received on/after
    title = "..."
    basis = "..."                   # the instrument the table comes from
    roll_to_workday = false         # default for day clocks (see clocks.due_at)

    [reminders]                     # default reminder rule for every clock
    fraction = 0.8                  # 0 disables the proportional reminder
    working_days_before_end = 1     # 0 disables the last-working-day reminder
    time_of_day = 08:30:00          # local time the day-based reminder is sent

    [escalation.overrides]          # region code -> supervising codes, replacing the
    # "350128" = ["35"]             # code-derived chain (see clocks.escalation_chain)

    [clocks.handle]
    title = "办理并书面答复"
    unit = "calendar_days"          # calendar_days | working_days | hours
    length = 60
    starts_at = "accepted"          # one of Start
    source = "《信访工作条例》第三十四条 ..."
    statutory = true                # false for internal targets and local rules; a label for
                                    # reports, reminders and escalation apply either way
    pausable = false                # may recorded pauses stop this clock?
    roll_to_workday = false         # optional, overrides [pack]
    extension = { max_count = 1, max_length = 30, unit = "calendar_days", source = "..." }
    reminders = { fraction = 0.8 }  # optional, merged over [reminders]
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from triage.deadlines.timezone import CHINA_TZ

__all__ = [
    "ClockRule",
    "ExtensionRule",
    "NoPolicyPack",
    "PolicyPack",
    "ReminderRule",
    "Start",
    "Unit",
    "load_packs",
    "parse_pack",
]


class Unit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    HOURS = "hours"


class Start(StrEnum):
    """The ticket event that starts a clock (``intake`` maps its events to these)."""

    RECEIVED = "received"  # registered by any channel
    DISPATCHED = "dispatched"  # 转送/交办 to the handling unit; not when the unit signs
    ACCEPTED = "accepted"  # 受理 by the handling unit
    REPLIED = "replied"  # written reply (处理意见) delivered
    REVIEW_REQUESTED = "review_requested"  # 复查 request received
    REVIEW_REPLIED = "review_replied"  # 复查意见 delivered
    RECHECK_REQUESTED = "recheck_requested"  # 复核 request received
    IDENTIFIED = "identified"  # a discipline lead identified
    FLAGGED_URGENT = "flagged_urgent"


class NoPolicyPack(LookupError):
    """No pack covers that province on that date."""


@dataclass(frozen=True, slots=True)
class ReminderRule:
    fraction: float = 0.8  # of the window; 0 disables
    working_days_before_end: int = 1  # 0 disables
    time_of_day: time = time(8, 30)  # local, for the day-based reminder


@dataclass(frozen=True, slots=True)
class ExtensionRule:
    max_count: int
    max_length: int
    unit: Unit
    source: str


@dataclass(frozen=True, slots=True)
class ClockRule:
    name: str
    title: str
    unit: Unit
    length: int
    starts_at: Start
    source: str
    statutory: bool = True
    pausable: bool = False
    roll_to_workday: bool = False
    extension: ExtensionRule | None = None
    reminders: ReminderRule = field(default_factory=ReminderRule)


@dataclass(frozen=True, slots=True)
class PolicyPack:
    id: str
    version: str
    province: str
    effective_from: date
    title: str
    basis: str
    clocks: Mapping[str, ClockRule]
    escalation_overrides: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def clock(self, name: str) -> ClockRule:
        try:
            return self.clocks[name]
        except KeyError:
            known = sorted(self.clocks)
            raise KeyError(f"pack {self.id} has no clock {name!r}; it has {known}") from None

    @classmethod
    def for_received(
        cls,
        province: str,
        received_at: datetime,
        packs: Iterable[PolicyPack] | None = None,
    ) -> PolicyPack:
        """The pack in force for ``province`` on the local date ``received_at`` falls on.

        ``packs`` defaults to the shipped packs (:func:`load_packs` without an admin dir);
        ``intake`` passes the result of ``load_packs(admin_dir)`` once loaded.
        """
        if received_at.tzinfo is None or received_at.utcoffset() is None:
            raise ValueError("received_at must be timezone-aware")
        local_day = received_at.astimezone(CHINA_TZ).date()
        candidates = [
            p
            for p in (_shipped_packs() if packs is None else packs)
            if p.province == province and p.effective_from <= local_day
        ]
        if not candidates:
            raise NoPolicyPack(f"no deadline policy pack for province {province} on {local_day}")
        return max(candidates, key=lambda p: p.effective_from)


# --- parsing -----------------------------------------------------------------------------


def _req(table: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    value = table.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ValueError(f"{where}: '{key}' must be a {kind.__name__}, got {value!r}")
    if kind is date and isinstance(value, datetime):
        raise ValueError(f"{where}: '{key}' must be a date, not a date-time")
    return value


def _enum(enum: type[StrEnum], value: Any, where: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise ValueError(f"{where}: {value!r} is not one of {allowed}") from None


def _reminders(table: Mapping[str, Any], base: ReminderRule, where: str) -> ReminderRule:
    unknown = set(table) - {"fraction", "working_days_before_end", "time_of_day"}
    if unknown:
        raise ValueError(f"{where}: unknown reminder keys {sorted(unknown)}")
    fraction = table.get("fraction", base.fraction)
    before = table.get("working_days_before_end", base.working_days_before_end)
    at = table.get("time_of_day", base.time_of_day)
    if not isinstance(fraction, int | float) or isinstance(fraction, bool) or not 0 <= fraction < 1:
        raise ValueError(f"{where}: reminders.fraction must be in [0, 1), got {fraction!r}")
    if not isinstance(before, int) or isinstance(before, bool) or before < 0:
        raise ValueError(f"{where}: reminders.working_days_before_end must be >= 0")
    if not isinstance(at, time) or at.tzinfo is not None:
        raise ValueError(f"{where}: reminders.time_of_day must be a local TOML time like 08:30:00")
    return ReminderRule(float(fraction), before, at)


_CLOCK_KEYS = {
    "title", "unit", "length", "starts_at", "source", "statutory", "pausable",
    "roll_to_workday", "extension", "reminders",
}  # fmt: skip


def _clock(
    name: str, t: Mapping[str, Any], roll: bool, reminders: ReminderRule, where: str
) -> ClockRule:
    where = f"{where} [clocks.{name}]"
    unknown = set(t) - _CLOCK_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    unit = _enum(Unit, t.get("unit"), f"{where} unit")
    length = _req(t, "length", int, where)
    if length <= 0:
        raise ValueError(f"{where}: length must be positive")
    roll_to_workday = t.get("roll_to_workday", roll)
    if not isinstance(roll_to_workday, bool):
        raise ValueError(f"{where}: roll_to_workday must be true or false")
    if roll_to_workday and unit is Unit.HOURS:
        raise ValueError(f"{where}: roll_to_workday makes no sense for an hours clock")
    extension = None
    if "extension" in t:
        e = t["extension"]
        ew = f"{where} extension"
        extension = ExtensionRule(
            max_count=_req(e, "max_count", int, ew),
            max_length=_req(e, "max_length", int, ew),
            unit=_enum(Unit, e.get("unit", unit.value), f"{ew} unit"),
            source=_req(e, "source", str, ew),
        )
        if extension.unit is not unit:
            raise ValueError(f"{ew}: unit must match the clock's unit ({unit.value})")
        if extension.max_count < 1 or extension.max_length < 1:
            raise ValueError(f"{ew}: max_count and max_length must be positive")
    flags = {k: t.get(k, d) for k, d in (("statutory", True), ("pausable", False))}
    for k, v in flags.items():
        if not isinstance(v, bool):
            raise ValueError(f"{where}: {k} must be true or false")
    return ClockRule(
        name=name,
        title=_req(t, "title", str, where),
        unit=unit,
        length=length,
        starts_at=_enum(Start, t.get("starts_at"), f"{where} starts_at"),
        source=_req(t, "source", str, where),
        statutory=flags["statutory"],
        pausable=flags["pausable"],
        roll_to_workday=roll_to_workday,
        extension=extension,
        reminders=_reminders(t.get("reminders", {}), reminders, where),
    )


def parse_pack(text: str, origin: str = "<pack>") -> PolicyPack:
    """Parse and validate one pack file (format in the module docstring)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{origin}: not valid TOML: {exc}") from exc
    head = doc.get("pack")
    if not isinstance(head, Mapping):
        raise ValueError(f"{origin}: a [pack] table is required")
    where = f"{origin} [pack]"
    province = _req(head, "province", str, where)
    if len(province) != 2 or not province.isdigit():
        raise ValueError(f"{where}: province must be a 2-digit code such as '35'")
    roll = head.get("roll_to_workday", False)
    if not isinstance(roll, bool):
        raise ValueError(f"{where}: roll_to_workday must be true or false")
    reminders = _reminders(doc.get("reminders", {}), ReminderRule(), f"{origin} [reminders]")
    clocks_t = doc.get("clocks")
    if not isinstance(clocks_t, Mapping) or not clocks_t:
        raise ValueError(f"{origin}: at least one [clocks.NAME] table is required")
    clocks = {n: _clock(n, t, roll, reminders, origin) for n, t in clocks_t.items()}
    overrides_t = doc.get("escalation", {}).get("overrides", {})
    overrides: dict[str, tuple[str, ...]] = {}
    for code, chain in overrides_t.items():
        if not isinstance(chain, list) or not all(isinstance(c, str) for c in chain):
            raise ValueError(f"{origin} [escalation.overrides]: {code} must map to a list of codes")
        overrides[str(code)] = tuple(chain)
    return PolicyPack(
        id=_req(head, "id", str, where),
        version=_req(head, "version", str, where),
        province=province,
        effective_from=_req(head, "effective_from", date, where),
        title=_req(head, "title", str, where),
        basis=_req(head, "basis", str, where),
        clocks=clocks,
        escalation_overrides=overrides,
    )


@lru_cache(maxsize=1)
def _shipped_packs() -> tuple[PolicyPack, ...]:
    folder = resources.files(__package__).joinpath("packs")
    return tuple(
        parse_pack(f.read_text("utf-8"), f"triage/deadlines/packs/{f.name}")
        for f in sorted(folder.iterdir(), key=lambda f: f.name)
        if f.name.endswith(".toml")
    )


def load_packs(extra_dir: Path | None = None) -> tuple[PolicyPack, ...]:
    """The shipped packs plus every ``*.toml`` in ``extra_dir``; a file there replaces the
    shipped pack with the same id. Two packs for one province and date are refused."""
    by_id = {p.id: p for p in _shipped_packs()}
    if extra_dir is not None:
        extra_dir = Path(extra_dir)
        if not extra_dir.is_dir():
            raise FileNotFoundError(f"policy pack directory {extra_dir} does not exist")
        for path in sorted(extra_dir.glob("*.toml")):
            pack = parse_pack(path.read_text("utf-8"), str(path))
            by_id[pack.id] = pack
    seen: dict[tuple[str, date], str] = {}
    for pack in by_id.values():
        key = (pack.province, pack.effective_from)
        if key in seen:
            raise ValueError(
                f"packs {seen[key]} and {pack.id} both take effect for province "
                f"{pack.province} on {pack.effective_from}"
            )
        seen[key] = pack.id
    return tuple(sorted(by_id.values(), key=lambda p: (p.province, p.effective_from)))
