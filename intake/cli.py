"""The ``intake`` command: a Flask CLI group (``intake db upgrade``, ``intake seed`` …).

Each command is a unit of work: it commits once at the end or not at all.
"""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup

from intake.db import unit_of_work


def _create_app() -> Flask:
    from intake.app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main() -> None:
    """福建民政信访受理平台 — intake platform command line."""


from intake.triage_cli import register as _register_triage  # noqa: E402 - after `main` exists

_register_triage(main)


@main.command("seed")
@click.option("--demo", is_flag=True, help="Also create demo users and hotline numbers (demo only).")
def seed(demo: bool) -> None:
    """Load Fujian regions and one civil-affairs and one discipline unit per level."""
    from intake.services import org
    from intake.services.context import settings

    if demo and settings().is_production:
        raise click.ClickException("--demo is refused in production mode")
    with unit_of_work() as session:
        regions = org.seed_regions(session)
        units = org.seed_units(session)
        users = org.seed_demo_users(session) if demo else []
    click.echo(f"regions added: {regions}; units added: {units}; demo users added: {len(users)}")


@main.group("user")
def user_group() -> None:
    """Staff accounts."""


@user_group.command("create")
@click.argument("username")
@click.option("--unit-region", required=True, help="Region code of the user's unit, e.g. 350524.")
@click.option("--kind", type=click.Choice(["civil_affairs", "discipline"]), default="civil_affairs")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(["reception", "dispatcher", "handler", "supervisor", "discipline", "admin"]))
@click.option("--display-name")
@click.password_option()
def user_create(username: str, unit_region: str, kind: str, roles: tuple[str, ...], display_name: str | None,
                password: str) -> None:
    from intake.models import UnitKind
    from intake.services import org
    from intake.services.errors import DomainError

    try:
        with unit_of_work() as session:
            unit = org.unit_at(session, unit_region, UnitKind(kind))
            org.create_user(session, username, password, unit, list(roles), display_name)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"created {username}")


@user_group.command("token")
@click.argument("username")
@click.option("--label", default="")
def user_token(username: str, label: str) -> None:
    """Issue a bearer token for an API client (printed once)."""
    import sqlalchemy as sa

    from intake.models import User
    from intake.services import org

    with unit_of_work() as session:
        user = session.scalar(sa.select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"no user {username}")
        token = org.issue_api_token(session, user, label)
    click.echo(token)


@main.group("audit")
def audit_group() -> None:
    """The tamper-evident history."""


@audit_group.command("verify")
def audit_verify() -> None:
    """Walk every ticket's hash chain; exit 1 and name the first broken event."""
    import sqlalchemy as sa

    from intake.models import Ticket, TicketEvent
    from intake.services.audit import verify_chains

    with unit_of_work() as session:
        breaks = list(verify_chains(session))
        tickets = session.scalar(sa.select(sa.func.count(Ticket.id)))
        events = session.scalar(sa.select(sa.func.count(TicketEvent.id)))
        refs = dict(session.execute(sa.select(Ticket.id, Ticket.reference)).all()) if breaks else {}
    if breaks:
        first = breaks[0]
        click.echo(
            f"BROKEN: ticket {refs.get(first.ticket_id, first.ticket_id)} event id {first.event_id} "
            f"(seq {first.seq}): {first.reason}; {len(breaks)} chain(s) broken",
            err=True,
        )
        sys.exit(1)
    click.echo(f"ok: {tickets} tickets, {events} events, every chain intact")


@main.group("keys")
def keys_group() -> None:
    """Encryption keys for reporters' personal data."""


@keys_group.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt all personal data under the newest INTAKE_PII_KEYS key."""
    from intake.services.keys import rotate_pii

    with unit_of_work() as session:
        counts = rotate_pii(session)
    click.echo("re-encrypted: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@main.group("outbox")
def outbox_group() -> None:
    """Work waiting to leave the process."""


@outbox_group.command("sweep")
def outbox_sweep() -> None:
    from intake.celery_app import drain_executor
    from intake.tasks import sweep_outbox

    done = sweep_outbox.run()
    drain_executor()
    click.echo(f"delivered: {done}")


@main.command("worker", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def worker(args: tuple[str, ...]) -> None:
    """Start a Celery worker (needs INTAKE_BROKER_URL)."""
    from flask import current_app

    celery = current_app.extensions["celery"]
    celery.worker_main(["worker", "--loglevel=INFO", *args])


@main.command("beat", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def beat(args: tuple[str, ...]) -> None:
    """Start Celery beat (the periodic sweeps)."""
    from flask import current_app

    celery = current_app.extensions["celery"]
    celery.start(["beat", "--loglevel=INFO", *args])


from intake.tracker.cli import register as _register_tracker  # noqa: E402 - after main exists

_register_tracker(main)


if __name__ == "__main__":
    main()
