"""Notifier adapters: where automated touches go (behind the Notifier port).

:class:`ConsoleNotifier` prints a one-line notice without the message text
or address (personal data stays out of logs); :class:`RecordingNotifier`
keeps every notification in memory for tests and demos. SMTP and HTTP
webhook notifiers come later.
"""

from __future__ import annotations

import sys
from typing import TextIO

from clientcare.ports import Notification

__all__ = ["ConsoleNotifier", "RecordingNotifier"]


class ConsoleNotifier:
    """Writes one line per notification: channel, touch and customer ids, never the text."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def send(self, notification: Notification) -> None:
        """Print a notice (the text is personal: it is not printed)."""
        stream = self._stream or sys.stdout
        stream.write(
            f"[{notification.channel}] touch {notification.touch_id} to customer {notification.customer_id}"
            f" ({notification.locale}, {len(notification.body)} chars)\n"
        )

    def __repr__(self) -> str:
        return "ConsoleNotifier()"


class RecordingNotifier:
    """Keeps what was sent, in order; ``fail_next`` makes the next sends raise."""

    def __init__(self) -> None:
        self.sent: list[Notification] = []
        self.fail_next = 0

    def send(self, notification: Notification) -> None:
        """Record the notification (or fail on purpose, for retry tests)."""
        if self.fail_next > 0:
            self.fail_next -= 1
            raise ConnectionError("notifier unavailable (simulated)")
        self.sent.append(notification)

    def __repr__(self) -> str:
        return f"RecordingNotifier(sent={len(self.sent)})"
