"""Reference numbers catch keying errors; PII is encrypted and keys rotate."""

from __future__ import annotations

import datetime as dt

from cryptography.fernet import Fernet

from intake.crypto import Vault
from intake.identifiers import is_valid_reference, new_reference


def test_reference_catches_every_single_digit_error_and_adjacent_swap() -> None:
    for _ in range(200):
        ref = new_reference(dt.datetime(2026, 11, 28, tzinfo=dt.UTC))
        assert len(ref) == 13 and ref.isdigit() and is_valid_reference(ref)
        for i in range(13):
            for d in "0123456789":
                if d != ref[i]:
                    assert not is_valid_reference(ref[:i] + d + ref[i + 1:])
        for i in range(12):
            if ref[i] != ref[i + 1]:
                assert not is_valid_reference(ref[:i] + ref[i + 1] + ref[i] + ref[i + 2:])


def test_query_code_is_stored_keyed_and_salted() -> None:
    v = Vault((Fernet.generate_key().decode(),), "server-secret")
    stored = v.hash_query_code("123456")
    assert "123456" not in stored
    assert stored != v.hash_query_code("123456")  # salted per ticket
    assert v.check_query_code(stored, "123456")
    assert not v.check_query_code(stored, "123457")
    assert not Vault((Fernet.generate_key().decode(),), "other-secret").check_query_code(stored, "123456")


def test_key_rotation_reads_old_tokens_and_rewrites_them() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = Vault((old,), "h").encrypt("13800000000")
    assert token is not None and "13800000000" not in token
    rotated_vault = Vault((new, old), "h")
    assert rotated_vault.decrypt(token) == "13800000000"
    fresh = rotated_vault.rotate(token)
    assert Vault((new,), "h").decrypt(fresh) == "13800000000"


def test_blind_index_links_the_same_phone_without_decrypting() -> None:
    v = Vault((Fernet.generate_key().decode(),), "secret")
    assert v.blind_index("phone", "138 0000 0000") == v.blind_index("phone", "13800000000")
    assert v.blind_index("phone", "13800000000") != Vault((Fernet.generate_key().decode(),), "other").blind_index(
        "phone", "13800000000")


def test_pii_is_encrypted_in_the_database(app) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from intake.db import db
    from intake.models import Channel
    from intake.services.tickets import NewTicket, submit_ticket

    submit_ticket(db.session, NewTicket(channel=Channel.API, text="低保问题", anonymous=False, name="王五",
                                        phone="13912345678", id_number="11010519491231002X"))
    db.session.commit()
    raw = db.session.execute(sa.text("SELECT * FROM ticket")).mappings().one()
    dumped = " ".join(str(v) for v in raw.values())
    for secret in ("王五", "13912345678", "11010519491231002X"):
        assert secret not in dumped


def test_keys_rotate_command_moves_every_ciphertext_to_the_new_key(app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from intake.app import create_app
    from intake.cli import main
    from intake.config import load_settings
    from intake.crypto import Vault
    from intake.db import db
    from intake.models import Channel, Ticket
    from intake.services.tickets import NewTicket, submit_ticket

    submit_ticket(db.session, NewTicket(channel=Channel.API, text="低保问题", anonymous=False, name="王五",
                                        phone="13912345678"))
    db.session.commit()
    old_keys = app.extensions["intake.settings"].pii_keys
    new_key = Fernet.generate_key().decode()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    rotated = create_app(load_settings({}, mode="test", database_url=url, task_mode="sync",
                                       upload_dir=str(tmp_path), pii_keys=(new_key, *old_keys)))
    with rotated.app_context():  # the command runs in the current app context when there is one
        result = rotated.test_cli_runner().invoke(main, ["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "tickets 1" in result.output
    db.session.expire_all()
    t = db.session.scalar(sa.select(Ticket))
    assert t is not None
    only_new = Vault((new_key,), "x")
    assert only_new.decrypt(t.reporter_name_enc) == "王五"
    assert only_new.decrypt(t.reporter_phone_enc) == "13912345678"
