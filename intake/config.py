"""Settings: the one place that reads ``INTAKE_*`` environment variables.

Start-up fails fast when a secret is missing outside demo and test mode: there are no
default secrets in production.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

DEMO_SECRET = "demo-only-secret-do-not-use-in-production"  # noqa: S105 - demo mode only
# A Fernet key used only in demo and test mode (32 url-safe base64 bytes).
DEMO_PII_KEY = "ZGVtby1vbmx5LXBpaS1rZXktMzItYnl0ZXMtbG9uZyE="


class ConfigError(RuntimeError):
    """Raised at start-up when configuration is missing or wrong."""


@dataclass
class Settings:
    mode: str = "demo"  # demo | test | production
    database_url: str = "sqlite:///var/intake.sqlite3"
    secret_key: str = ""
    pii_keys: tuple[str, ...] = ()  # Fernet keys, newest first: rotation keeps old keys for reading
    hash_key: str = ""  # HMAC key for blind indexes (phone) and derived query codes
    broker_url: str = ""  # empty: tasks run in-process
    task_mode: str = ""  # queue | thread | sync; default: queue with a broker, else thread
    result_backend: str = ""
    upload_dir: str = "var/uploads"
    max_body_bytes: int = 12 * 1024 * 1024
    max_attachment_bytes: int = 8 * 1024 * 1024
    max_text_chars: int = 10_000
    channels: tuple[str, ...] = ()
    province_code: str = "35"
    triage_model: str = ""  # a fixed model file; empty: the one an admin activated, if any
    model_dir: str = "var/models"
    auto_dispatch: bool = True
    auto_dispatch_min_confidence: float = 0.8
    proxy_hops: int = 0  # trusted reverse proxies in front (X-Forwarded-For), for per-client limits
    query_rate_limit: int = 30  # status look-ups per client per window
    query_rate_window_s: int = 600
    wechat_token: str = ""
    wechat_app_id: str = ""
    wechat_app_secret: str = ""
    wechat_aes_key: str = ""
    wechat_api_base: str = "https://api.weixin.qq.com/cgi-bin/"
    wechat_subscribe_template: str = ""  # subscribe-message template id for pushes outside 48 h
    twilio_auth_token: str = ""
    # Tracker (intake/tracker): admin data files and the sweep's knobs.
    holiday_file: str = ""  # extra holiday TOML (triage/deadlines/calendar.py format)
    policy_dir: str = ""  # extra deadline policy packs (*.toml), replacing shipped ones by id
    tracker_second_escalation_hours: int = 72  # overdue this long after the first 督办: next level
    tracker_sweep_batch: int = 500
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def effective_task_mode(self) -> str:
        return self.task_mode or ("queue" if self.broker_url else "thread")

    @property
    def is_production(self) -> bool:
        return self.mode == "production"


_BOOL = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def _coerce(name: str, raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        if raw.lower() not in _BOOL:
            raise ConfigError(f"INTAKE_{name.upper()} must be true or false, got {raw!r}")
        return _BOOL[raw.lower()]
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"INTAKE_{name.upper()} must be an integer") from exc
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError as exc:
            raise ConfigError(f"INTAKE_{name.upper()} must be a number") from exc
    if isinstance(default, tuple):
        return tuple(p.strip() for p in raw.split(",") if p.strip())
    return raw


def load_settings(environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
    env = dict(os.environ if environ is None else environ)
    settings = Settings()
    for f in fields(Settings):
        if f.name == "extra":
            continue
        key = f"INTAKE_{f.name.upper()}"
        if key in env:
            setattr(settings, f.name, _coerce(f.name, env[key], getattr(settings, f.name)))
    for k, v in overrides.items():
        setattr(settings, k, v)
    if "PORT" in env:
        settings.extra["port"] = env["PORT"]
    validate(settings)
    return settings


def validate(s: Settings) -> None:
    if s.task_mode not in ("", "queue", "thread", "sync"):
        raise ConfigError("INTAKE_TASK_MODE must be queue, thread or sync")
    if s.task_mode == "queue" and not s.broker_url:
        raise ConfigError("INTAKE_TASK_MODE=queue needs INTAKE_BROKER_URL")
    if s.mode not in ("demo", "test", "production"):
        raise ConfigError("INTAKE_MODE must be demo, test or production")
    if s.mode in ("demo", "test"):
        s.secret_key = s.secret_key or DEMO_SECRET
        s.pii_keys = s.pii_keys or (DEMO_PII_KEY,)
        s.hash_key = s.hash_key or DEMO_SECRET
        return
    missing = [
        name
        for name, value in (
            ("INTAKE_SECRET_KEY", s.secret_key),
            ("INTAKE_PII_KEYS", s.pii_keys),
            ("INTAKE_HASH_KEY", s.hash_key),
            ("INTAKE_DATABASE_URL", s.database_url if s.database_url != Settings.database_url else ""),
        )
        if not value
    ]
    if missing:
        raise ConfigError("production mode needs " + ", ".join(missing))
    if DEMO_SECRET in (s.secret_key, s.hash_key) or DEMO_PII_KEY in s.pii_keys:
        raise ConfigError("demo secrets are refused in production mode")


def resolve_path(base: Path, value: str) -> Path:
    p = Path(value)
    return p if p.is_absolute() else base / p
