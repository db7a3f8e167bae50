"""Attachment storage: files outside the database, checked by size and by content type
(sniffed from the bytes, not trusted from the client)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from intake.services.context import settings
from intake.services.errors import TooLarge, ValidationFailed

# magic prefix -> content type
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"#!AMR", "audio/amr"),
    (b"ID3", "audio/mpeg"),
)
MAX_ATTACHMENTS = 10


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    data: bytes


def sniff(data: bytes) -> str | None:
    for magic, ctype in _SIGNATURES:
        if data.startswith(magic):
            return ctype
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check(att: NewAttachment) -> str:
    limit = settings().max_attachment_bytes
    if len(att.data) > limit:
        raise TooLarge(f"附件“{att.filename[:40]}”超过 {limit // (1024 * 1024)} MB 上限。", "attachment_too_large")
    if not att.data:
        raise ValidationFailed("附件为空。", "attachment_empty")
    ctype = sniff(att.data)
    if ctype is None:
        raise ValidationFailed("附件类型不支持：仅接受图片（JPEG/PNG/GIF/WebP）、PDF 和录音。", "attachment_type")
    return ctype


def store(upload_dir: Path, data: bytes) -> tuple[str, str]:
    """Write the bytes; returns (storage_key, sha256). Written before the row commits: an
    orphaned file after a rollback is harmless, a row without its file is not."""
    digest = hashlib.sha256(data).hexdigest()
    key = f"{digest[:2]}/{secrets.token_hex(16)}"
    path = upload_dir / key
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return key, digest
