"""Who acts, and the per-app services (vault, settings) that service functions need."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from intake.config import Settings
from intake.crypto import Vault
from intake.models import User


@dataclass(frozen=True)
class Actor:
    """The principal behind a service call: a staff user, a citizen, a channel or the system."""

    label: str
    user: User | None = None

    @classmethod
    def for_user(cls, user: User) -> Actor:
        return cls(label=f"user:{user.id}", user=user)

    @classmethod
    def system(cls) -> Actor:
        return cls(label="system")

    @classmethod
    def citizen(cls) -> Actor:
        return cls(label="citizen")

    @classmethod
    def channel(cls, name: str) -> Actor:
        return cls(label=f"channel:{name}")

    @property
    def is_system(self) -> bool:
        return self.user is None and self.label == "system"


def settings() -> Settings:
    return current_app.extensions["intake.settings"]


def vault() -> Vault:
    return current_app.extensions["intake.vault"]
