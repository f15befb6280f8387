"""P70 pictures reach the customer: on the Notification, inline or attached in the e-mail, in the webhook body."""

from __future__ import annotations

import base64
from datetime import datetime

import pytest

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.notifiers import RecordingNotifier, SmtpNotifier, WebhookNotifier
from clientcare.errors import RuleViolation, ValidationError
from clientcare.ports import Notification, Picture

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
URL = "https://shop.example/img/qy-2301.png"
NOW = datetime.fromisoformat("2026-01-06T10:00:00+08:00")


def _note(*pictures: Picture, html: str = "") -> Notification:
    return Notification(
        touch_id="T-1",
        customer_id="c1",
        channel="email",
        address="wangfang@example.com",
        subject="春季新款到店",
        body="王芳，您好！春季新款到店。",
        html=html,
        locale="zh-CN",
        idempotency_key="k1",
        pictures=pictures,
    )


def _smtp(**options: object) -> SmtpNotifier:
    return SmtpNotifier("127.0.0.1", 2525, sender="care@shop.example", security="none", **options)  # type: ignore[arg-type]


def test_a_picture_needs_an_image_type_and_a_url_or_the_image() -> None:
    """Bad pictures are refused by field and rule; the bytes stay out of the repr."""
    with pytest.raises(ValidationError) as kind:
        Picture(content_type="text/html", url=URL)
    assert kind.value.field == "content_type"
    with pytest.raises(ValidationError):
        Picture(content_type="image/png")
    with pytest.raises(ValidationError):
        Picture(content_type="image/png", url="javascript:alert(1)")
    picture = Picture(content_type="image/png", data=PNG, name="qy.png")
    assert "PNG" not in repr(picture) and picture.filename == "qy.png"
    assert Picture(content_type="image/png", url=URL + "?v=2").filename == "qy-2301.png"


def test_the_mail_carries_a_picture_inline_where_the_template_placed_it() -> None:
    """The HTML's <img src=URL> becomes cid: and the image a related part of the HTML."""
    html = f'<p>春季新款</p><p><img src="{URL}" alt=""></p>'
    message = _smtp().message(_note(Picture(content_type="image/png", url=URL, data=PNG), html=html))
    related = message.get_body(("related",))
    assert related is not None
    body = message.get_body(("html",))
    assert (
        body is not None
        and URL not in body.get_content()
        and 'src="cid:picture1.T-1@shop.example"' in body.get_content()
    )
    [image] = [part for part in related.iter_parts() if part.get_content_type() == "image/png"]
    assert image["Content-ID"] == "<picture1.T-1@shop.example>" and image.get_content() == PNG


def test_a_text_only_mail_attaches_the_picture_and_a_url_only_picture_stays_a_link() -> None:
    """Without HTML the image is an attachment; a picture with only a URL adds no part."""
    message = _smtp().message(_note(Picture(content_type="image/jpeg", data=PNG, name="new.jpg")))
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "new.jpg" and attachment.get_content() == PNG
    linked = _smtp().message(_note(Picture(content_type="image/png", url=URL), html=f'<img src="{URL}">'))
    assert list(linked.iter_attachments()) == [] and linked.get_body(("related",)) is None


def test_a_picture_loader_puts_a_linked_picture_inside_the_mail() -> None:
    """With a loader the URL picture is fetched and sent inline (mail clients often block remote images)."""
    asked: list[str] = []

    def load(url: str) -> bytes:
        asked.append(url)
        return PNG

    message = _smtp(picture_loader=load).message(
        _note(Picture(content_type="image/png", url=URL), html=f'<img src="{URL}">')
    )
    assert asked == [URL]
    related = message.get_body(("related",))
    assert related is not None and any(p.get_content_type() == "image/png" for p in related.iter_parts())


def test_the_webhook_body_carries_the_pictures() -> None:
    """Each picture: url, content_type, name, and data_base64 when the image is at hand."""
    notifier = WebhookNotifier("https://gateway.example/sms", secret="0123456789abcdef")
    payload = notifier.payload(
        _note(Picture(content_type="image/png", url=URL), Picture(content_type="image/png", data=PNG, name="b.png"))
    )
    notifier.close()
    assert payload["pictures"] == [
        {"url": URL, "content_type": "image/png", "name": "qy-2301.png"},
        {"url": "", "content_type": "image/png", "name": "b.png", "data_base64": base64.b64encode(PNG).decode()},
    ]


def _buyers(count: int, channel: str) -> clientcare.Clientcare:
    care = clientcare.connect("memory://", tenant="acme", clock=FixedClock(NOW))
    for n in range(count):
        customer = care.customers.register(f"顾客{n}", f"1380013{n:04d}", by="staff", email=f"c{n}@example.com")
        care.privacy.give_consent(customer.id, "marketing", channel, method="written", source="in_store")
        care.purchases.record(customer.id, [care.purchases.line("QY-2301", "899")])
    return care


def _launch(care: clientcare.Clientcare, channel: str, **options: object) -> clientcare.CampaignReport:
    return care.campaigns.launch(
        "SPRING",
        title="春季新款到店",
        body="会员专享",
        starts=NOW,
        ends=datetime.fromisoformat("2026-01-12T21:00:00+08:00"),
        channel=channel,
        pictures=[URL],
        bought_styles=["QY-2301"],
        **options,  # type: ignore[arg-type]
    )


def test_a_dispatched_campaign_mail_carries_its_pictures() -> None:
    """The campaign's picture URL reaches the Notification, typed from its extension, and the HTML shows it."""
    care = _buyers(1, "email")
    _launch(care, "email")
    notifier = RecordingNotifier()
    care.touches.dispatch(notifier)
    [sent] = notifier.sent
    assert sent.pictures == (Picture(content_type="image/png", url=URL),)
    assert f'<img src="{URL}"' in sent.html


def test_a_small_audience_is_called_and_a_large_one_refused_by_phone() -> None:
    """Phone campaigns plan staff calls (not dispatched); over max_calls they are refused and nothing is planned."""
    care = _buyers(3, "phone")
    with pytest.raises(RuleViolation) as refused:
        _launch(care, "phone", max_calls=2)
    assert refused.value.rule == "campaign.too_many_calls"
    assert all(care.touches.for_customer(c.id) == [] for c in care.customers.search(name="顾客"))
    report = _launch(care, "phone")
    assert report.planned == 3
    calls = [t for c in care.customers.search(name="顾客") for t in care.touches.for_customer(c.id)]
    assert {(t.precision.channel.value, t.automated) for t in calls} == {("phone", False)}
    assert care.touches.dispatch(RecordingNotifier()).sent == 0
    with pytest.raises(ValidationError):
        care.campaigns.launch(
            "BAD", title="t", body="b", starts=NOW, ends=NOW.replace(day=9), pictures=["ftp://x/y.png"]
        )
