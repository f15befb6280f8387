"""E-mail over SMTP with the standard library: STARTTLS or implicit TLS, login, text + HTML."""

from __future__ import annotations

import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from typing import Literal

from clientcare.errors import ConfigurationError, DeliveryFailed
from clientcare.ports import Notification

__all__ = ["SmtpNotifier"]

Security = Literal["starttls", "tls", "none"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class SmtpNotifier:
    """Sends each notification as one multipart e-mail (text, and HTML when rendered).

    ``security`` is ``"starttls"`` (port 587), ``"tls"`` (implicit TLS, port
    465) or ``"none"`` (a relay on a trusted network). The ``Message-ID``
    is derived from the touch, so a resend of the same touch carries the
    same id; marketing messages carry ``List-Unsubscribe``. The password
    is never shown, and smtplib's debug output (which would print the
    message) stays off.
    """

    def __init__(
        self,
        host: str,
        port: int | None = None,
        *,
        sender: str,
        sender_name: str = "",
        security: Security = "starttls",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if security not in ("starttls", "tls", "none"):
            raise ConfigurationError("smtp security must be starttls, tls or none")
        if "@" not in sender:
            raise ConfigurationError("smtp needs a sender address (from=...)")
        self.host = host
        self.port = port or {"starttls": 587, "tls": 465, "none": 25}[security]
        self.security: Security = security
        self.sender = sender
        self.sender_name = sender_name
        self.timeout = timeout
        self._username = username
        self._password = password
        self._ssl_context = ssl_context

    def send(self, notification: Notification) -> None:
        """Deliver one e-mail; a refused recipient is a permanent :class:`DeliveryFailed`."""
        message = self.message(notification)
        try:
            with self._connect() as smtp:
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryFailed("email", f"smtp {max(codes)} recipient refused", permanent=min(codes) >= 500) from None
        except smtplib.SMTPAuthenticationError as exc:
            # Wrong credentials refuse every message alike: keep them queued until fixed.
            raise DeliveryFailed("email", f"smtp {exc.smtp_code} login refused", permanent=False) from None
        except smtplib.SMTPDataError as exc:
            raise DeliveryFailed(
                "email", f"smtp {exc.smtp_code} message refused", permanent=exc.smtp_code >= 500
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryFailed("email", f"smtp {exc.smtp_code}", permanent=False) from None
        except (smtplib.SMTPException, OSError) as exc:  # lost connection, timeout, TLS handshake
            raise DeliveryFailed("email", type(exc).__name__, permanent=False) from None

    def message(self, notification: Notification) -> EmailMessage:
        """The e-mail :meth:`send` would deliver (for tests and previews)."""
        message = EmailMessage()
        message["From"] = formataddr((self.sender_name, self.sender)) if self.sender_name else self.sender
        message["To"] = notification.address
        message["Subject"] = notification.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = message_id(notification.touch_id, self.sender)
        if notification.unsubscribe_url:
            message["List-Unsubscribe"] = f"<{notification.unsubscribe_url}>"
        message["Content-Language"] = notification.locale
        message.set_content(notification.body)
        if notification.html:
            message.add_alternative(notification.html, subtype="html")
        return message

    def _connect(self) -> smtplib.SMTP:
        context = self._ssl_context or ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.security == "tls":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.set_debuglevel(0)  # debug output would print addresses and the message
            if self.security == "starttls":
                smtp.starttls(context=context)
            if self._username:
                smtp.login(self._username, self._password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def __repr__(self) -> str:
        login = ", login" if self._username else ""
        return f"SmtpNotifier({self.host}:{self.port}, {self.security}{login})"


def message_id(touch_id: str, sender: str) -> str:
    """``<touch.ID@sender-domain>``: one id per touch, the same on every attempt."""
    domain = sender.rsplit("@", 1)[-1] or "clientcare.invalid"
    return f"<touch.{_UNSAFE.sub('-', touch_id)}@{_UNSAFE.sub('-', domain)}>"
