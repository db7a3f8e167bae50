"""``intake tracker …``, ``intake calendar …`` and ``intake policy …`` commands.

Registered on the ``intake`` group by :func:`register` (one line in ``intake/cli.py``).
A command that writes is one unit of work per batch; the others only read.
"""

from __future__ import annotations

import datetime as dt

import click

from intake.db import utcnow


def _parse_now(value: str | None) -> dt.datetime:
    if not value:
        return utcnow()
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO time: {value}") from exc
    if at.tzinfo is None:
        from triage.deadlines import CHINA_TZ

        at = at.replace(tzinfo=CHINA_TZ)  # officers give local (Beijing) time
    return at


def _parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"not a date (YYYY-MM-DD): {value}") from exc


def register(main: click.Group) -> None:
    @main.group("tracker")
    def tracker_group() -> None:
        """Deadlines: reminders and 督办 escalation."""

    @tracker_group.command("sweep")
    @click.option("--now", "now_text", help="ISO time to sweep at (default: now; naive = Beijing time).")
    @click.option("--batch", type=int, default=None, help="Clocks per transaction.")
    def tracker_sweep(now_text: str | None, batch: int | None) -> None:
        """Run one sweep and print what it did."""
        from intake.celery_app import drain_executor
        from intake.tracker.sweep import sweep_all

        report = sweep_all(_parse_now(now_text), batch=batch)
        drain_executor()
        for line in report.lines:
            click.echo(line)
        click.echo(report.summary())

    @main.group("calendar")
    def calendar_group() -> None:
        """The working-day calendar (holidays and 调休)."""

    @calendar_group.command("add-working-days")
    @click.argument("day")
    @click.argument("n", type=int)
    def add_working_days(day: str, n: int) -> None:
        """Print the date N working days after DAY (DAY itself not counted)."""
        from intake.tracker.services import calendar

        click.echo(calendar().add_working_days(_parse_day(day), n).isoformat())

    @calendar_group.command("is-workday")
    @click.argument("day")
    def is_workday(day: str) -> None:
        """Print true or false."""
        from intake.tracker.services import calendar

        click.echo("true" if calendar().is_workday(_parse_day(day)) else "false")

    @main.group("policy")
    def policy_group() -> None:
        """Deadline policy packs."""

    @policy_group.command("show")
    @click.option("--at", "at_text", help="Show the pack in force at this ISO date/time (default: now).")
    def policy_show(at_text: str | None) -> None:
        """Print the pack in force (for tickets received now, or at --at)."""
        from intake.tracker.services import active_pack

        pack = active_pack(_parse_now(at_text))
        click.echo(f"{pack.id} {pack.version} (province {pack.province}, in force from {pack.effective_from})")
        click.echo(pack.title)
        click.echo(f"依据：{pack.basis}")
        for rule in pack.clocks.values():
            ext = f"; extension ≤{rule.extension.max_length} x{rule.extension.max_count}" if rule.extension else ""
            flags = "".join([" statutory" if rule.statutory else " internal", " pausable" if rule.pausable else ""])
            click.echo(f"  {rule.name:<20} {rule.length:>3} {rule.unit.value:<13} from {rule.starts_at.value:<18}"
                       f"{flags}{ext}  {rule.title}")
