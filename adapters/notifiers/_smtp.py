"""E-mail over SMTP with the standard library: STARTTLS or implicit TLS, login, text + HTML."""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from html import escape
from typing import Literal

from clientcare.errors import ConfigurationError, DeliveryFailed
from clientcare.ports import Notification, Picture

__all__ = ["SmtpNotifier"]

Security = Literal["starttls", "tls", "none"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class SmtpNotifier:
    """Sends each notification as one multipart e-mail (text, and HTML when rendered).

    ``security`` is ``"starttls"`` (port 587), ``"tls"`` (implicit TLS, port
    465) or ``"none"`` (a relay on a trusted network). The ``Message-ID``
    is derived from the touch, so a resend of the same touch carries the
    same id; marketing messages carry ``List-Unsubscribe``. Outside a
    :meth:`session` each send opens and closes its own connection. The password
    is never shown, and smtplib's debug output (which would print the
    message) stays off. ``picture_loader`` (a URL in, the image's bytes out)
    lets the mail carry a campaign's pictures inline instead of as links,
    which many mail clients do not load.
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
        picture_loader: Callable[[str], bytes] | None = None,
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
        self._in_session = False
        self._held: smtplib.SMTP | None = None
        self._picture_loader = picture_loader

    @contextmanager
    def session(self) -> Iterator[None]:
        """Send every message of the block over one connection (one login), closed when it ends.

        Dispatch enters this around each batch. A connection that failed is
        dropped and the next send opens a new one; a reused connection the
        server closed meanwhile is reopened once for the same message.
        """
        self._in_session = True
        try:
            yield
        finally:
            self._in_session = False
            self._drop(polite=True)

    def send(self, notification: Notification) -> None:
        """Deliver one e-mail; a refused recipient is a permanent :class:`DeliveryFailed`."""
        try:
            message = self.message(notification)  # a picture_loader may fail like the network does
            self._deliver(message)
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

    def _deliver(self, message: EmailMessage) -> None:
        if not self._in_session:
            with self._connect() as smtp:
                smtp.send_message(message)
            return
        reused = self._held is not None
        try:
            self._send_on_session(message)
        except smtplib.SMTPServerDisconnected:
            if not reused:
                raise
            # The server closed an idle connection between sends: once more on a new one.
            self._send_on_session(message)

    def _send_on_session(self, message: EmailMessage) -> None:
        """Send on the session's connection; a failed connection is dropped, a refused message is not."""
        try:
            self._session_connection().send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError):
            raise  # this message was refused; smtplib reset the transaction, the connection serves the next
        except BaseException:
            self._drop(polite=False)
            raise

    def _session_connection(self) -> smtplib.SMTP:
        if self._held is None:
            self._held = self._connect()
        return self._held

    def _drop(self, *, polite: bool) -> None:
        """Close the session's connection: QUIT when it is healthy, just the socket otherwise."""
        smtp, self._held = self._held, None
        if smtp is None:
            return
        try:
            if polite:
                smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass  # the messages were sent; a failed goodbye changes nothing
        finally:
            smtp.close()

    def message(self, notification: Notification) -> EmailMessage:
        """The e-mail :meth:`send` would deliver (for tests and previews).

        P70: a picture whose image is at hand (``data``, or fetched by the
        ``picture_loader``) travels inside the mail: inline in the HTML part
        (``multipart/related``, ``cid:``; where the template placed its URL the
        reference is swapped, otherwise it is shown after the text), or as an
        attachment of a text-only mail. A picture with only a URL stays a
        link the HTML part loads from the web.
        """
        message = EmailMessage()
        message["From"] = formataddr((self.sender_name, self.sender)) if self.sender_name else self.sender
        message["To"] = notification.address
        message["Subject"] = notification.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = message_id(notification.touch_id, self.sender)
        if notification.unsubscribe_url:
            message["List-Unsubscribe"] = f"<{notification.unsubscribe_url}>"
        message["Content-Language"] = notification.locale
        html, inline, attached = self._place_pictures(notification)
        message.set_content(notification.body)
        if html:
            message.add_alternative(html, subtype="html")
            html_part = message.get_body(("html",))
            for picture, data, cid in inline:
                maintype, subtype = picture.content_type.split("/", 1)
                html_part.add_related(  # type: ignore[union-attr]
                    data, maintype, subtype, cid=f"<{cid}>", filename=picture.filename, disposition="inline"
                )
        for picture, data in attached:
            maintype, subtype = picture.content_type.split("/", 1)
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=picture.filename)
        return message

    def _place_pictures(
        self, notification: Notification
    ) -> tuple[str, list[tuple[Picture, bytes, str]], list[tuple[Picture, bytes]]]:
        """The HTML with ``cid:`` references, the inline pictures and the attachments."""
        html = notification.html
        inline: list[tuple[Picture, bytes, str]] = []
        attached: list[tuple[Picture, bytes]] = []
        domain = _UNSAFE.sub("-", self.sender.rsplit("@", 1)[-1])
        for n, picture in enumerate(notification.pictures, start=1):
            data = picture.data or (self._picture_loader(picture.url) if self._picture_loader else b"")
            if not data:
                continue  # only a URL: the HTML part loads it from the web
            if not html:
                attached.append((picture, data))
                continue
            cid = f"picture{n}.{_UNSAFE.sub('-', notification.touch_id)}@{domain}"
            placed = f'src="{escape(picture.url)}"' if picture.url else ""
            if placed and placed in html:
                html = html.replace(placed, f'src="cid:{cid}"')
            else:
                html += f'<p><img src="cid:{cid}" alt=""></p>'
            inline.append((picture, data, cid))
        return html, inline, attached

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
