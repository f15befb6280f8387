"""What a customer receives for an automated touch: subject, text, HTML, unsubscribe link.

Dispatch and ``care.touches.preview`` both call :class:`MessageRenderer`, so
staff see exactly what is sent. Values come from the touch (occasion,
details), the customer (name) and the playbook (``[shop] name``,
``signature``); the tenant id never appears in a message. Marketing,
greetings and survey messages carry a signed unsubscribe link when the
tenant has an unsubscribe secret.
"""

from __future__ import annotations

import mimetypes
from datetime import datetime, timedelta
from urllib.parse import quote

import attrs

from clientcare.cadences._ports import Picture
from clientcare.cadences._touches import Touch
from clientcare.customers._model import Customer, Purpose
from clientcare.kernel._texts import Texts
from clientcare.kernel._tokens import UnsubscribeToken
from clientcare.playbook import Playbook

__all__ = ["MessageRenderer", "RenderedMessage", "pictures_of"]

#: Purposes a customer can leave with one click; service messages (after-sales,
#: appointments, the card they paid for) are not advertising and carry no link.
UNSUBSCRIBABLE = frozenset({Purpose.MARKETING, Purpose.GREETINGS, Purpose.SURVEYS})


@attrs.frozen(kw_only=True)
class RenderedMessage:
    """Exactly what the customer receives for one touch. Text is personal: no repr."""

    touch_id: str
    channel: str
    locale: str
    subject: str = attrs.field(repr=False)
    text: str = attrs.field(repr=False)
    html: str = attrs.field(repr=False)
    #: The signed unsubscribe link, empty for service messages or without a secret.
    unsubscribe_url: str = attrs.field(default="", repr=False)
    #: P70: the pictures the touch shows (a campaign's ``pictures``), which the HTML template places.
    pictures: tuple[Picture, ...] = ()


class MessageRenderer:
    """Renders touches for one tenant through the sandboxed templates of :class:`Texts`."""

    def __init__(self, *, tenant: str, playbook: Playbook) -> None:
        self._tenant = tenant
        self._playbook = playbook
        self._texts = Texts(playbook)

    def render(self, touch: Touch, customer: Customer, *, now: datetime) -> RenderedMessage:
        """The message ``customer`` gets for ``touch`` if it is sent at ``now``."""
        texts = self._texts
        template = touch.template or touch.reason.value
        link = self.unsubscribe_url(touch, now=now)
        values: dict[str, object] = {
            "date": touch.occasion,
            "information": touch.precision.information,
            **dict(touch.details),
            "name": customer.name,
            "shop": self.shop_name,
            "signature": self._playbook.shop.signature,
            "unsubscribe_url": link,
        }

        def part(name: str, *, html: bool, of: str = template) -> str:
            source = texts.find(of, name)
            return "" if source is None else texts.message(source, values, html=html, name=f"{of}.{name}")

        body_html = part("html", html=True) or _paragraphs(part("body", html=True))
        return RenderedMessage(
            touch_id=touch.id,
            channel=touch.precision.channel.value,
            locale=texts.locale,
            # A subject is a header: one line, whatever the template did.
            subject=" ".join((part("subject", html=False) or template).split()),
            text=part("body", html=False) + part("text", html=False, of="footer"),
            html=body_html + part("html", html=True, of="footer"),
            unsubscribe_url=link,
            pictures=pictures_of(touch),
        )

    @property
    def shop_name(self) -> str:
        """The shop's name in messages: ``[shop] name``, else the older greetings sender, else nothing."""
        return self._playbook.shop.name or self._playbook.cadences.greetings.sender

    def unsubscribe_url(self, touch: Touch, *, now: datetime) -> str:
        """The signed link that withdraws this touch's purpose on its channel, or ``""``."""
        shop = self._playbook.shop
        if touch.purpose not in UNSUBSCRIBABLE or not shop.unsubscribe_secret:
            return ""
        # Whole days from the send: the same touch previewed and sent the same day has one link.
        day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        token = UnsubscribeToken.issue(
            tenant=self._tenant,
            customer_id=touch.customer_id,
            purpose=touch.purpose.value,
            channel=touch.precision.channel.value,
            expires_at=day_start + timedelta(days=shop.unsubscribe_days + 1),
        ).sign(shop.unsubscribe_secret)
        base = shop.unsubscribe_url
        if not base:
            return ""
        return f"{base}{'&' if '?' in base else '?'}token={quote(token, safe='')}"


def pictures_of(touch: Touch) -> tuple[Picture, ...]:
    """The pictures a touch shows: the space-separated web addresses in its ``pictures`` detail.

    The content type is guessed from the address's file extension (``image/jpeg``
    when it names none); an address that is not http(s), kept by an older
    release, is left out rather than failing the send.
    """
    found: list[Picture] = []
    for url in dict(touch.details).get("pictures", "").split():
        if not url.startswith(("https://", "http://")):
            continue
        guessed = mimetypes.guess_type(url.split("?", 1)[0])[0] or ""
        found.append(Picture(url=url, content_type=guessed if guessed.startswith("image/") else "image/jpeg"))
    return tuple(found)


def _paragraphs(escaped: str) -> str:
    # The body was rendered with autoescape; only the paragraph markup is added here.
    blocks = [b.replace("\n", "<br>") for b in escaped.split("\n\n") if b.strip()]
    return "".join(f"<p>{b}</p>" for b in blocks)
