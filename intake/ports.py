"""Outbound ports: how the core reaches citizens without knowing the channel.

Channels register a :class:`Notifier` for their name at app start; tests use
:class:`RecordingNotifier` and assert on what it recorded. The core never imports a channel.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class OutboundMessage:
    """One message to one citizen about one ticket. ``recipient`` holds decrypted contact
    details and must never be logged."""

    ticket_reference: str
    kind: str  # acceptance, reply, extension, status, forwarded, ...
    text: str
    recipient: dict[str, str] = field(default_factory=dict, repr=False)
    # ``notice_id`` (when queued from a ticket event): the same for every retry of this
    # notice, different for a later notice with the same text.
    meta: dict[str, Any] = field(default_factory=dict)


class Notifier(Protocol):
    def send(self, message: OutboundMessage) -> None:
        """Deliver or raise; the outbox retries on an exception."""


class NullNotifier:
    """For channels that cannot reach the citizen (anonymous web reports): the citizen reads
    the status with reference and query code."""

    def send(self, message: OutboundMessage) -> None:
        return None


class RecordingNotifier:
    def __init__(self) -> None:
        self.sent: list[OutboundMessage] = []
        self._lock = threading.Lock()

    def send(self, message: OutboundMessage) -> None:
        with self._lock:
            self.sent.append(message)


class NotifierRegistry:
    def __init__(self) -> None:
        self._by_channel: dict[str, Notifier] = {}
        self.default: Notifier = NullNotifier()
        # Officers (reminders, 督办); unset, staff messages go to ``default`` like a citizen's.
        self.staff: Notifier | None = None

    def register(self, channel: str, notifier: Notifier) -> None:
        self._by_channel[channel] = notifier

    def for_channel(self, channel: str) -> Notifier:
        return self._by_channel.get(channel, self.default)

    def for_staff(self) -> Notifier:
        return self.staff or self.default
