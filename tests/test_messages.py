"""Messages customers receive: sandboxed templates, Babel formats, shop name, preview, unsubscribe links."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.notifiers import RecordingNotifier
from clientcare.errors import ConfigurationError, InvalidToken, PlaybookError, ValidationError
from clientcare.kernel import Money, Texts, UnsubscribeToken
from clientcare.playbook import Playbook

T0 = datetime.fromisoformat("2026-01-05T10:00:00+08:00")
SECRET = "s3cret-for-tests-only-0123456789"
SHOP = f"""
[shop]
name = "衣尚女装"
signature = "衣尚女装 南京西路店"
unsubscribe_url = "https://shop.example/unsubscribe"
unsubscribe_secret = "{SECRET}"
"""


def _care(playbook: str = SHOP, *, tenant: str = "shop", clock: FixedClock | None = None) -> clientcare.Clientcare:
    return clientcare.connect(
        "memory://", tenant=tenant, clock=clock or FixedClock(T0), playbook=Playbook.from_toml(playbook)
    )


def _informed(care: clientcare.Clientcare, name: str = "王芳", channel: str = "sms") -> tuple[str, str]:
    customer = care.customers.register(name, "13800138000", by="staff", email="wf@example.com")
    care.privacy.give_consent(customer.id, "marketing", channel, method="online", source="website")
    [touch] = care.touches.inform("新品到店", "春季新款已到，欢迎来店试穿。", customer_ids=[customer.id])
    return customer.id, touch.id


def _token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


def test_preview_is_exactly_what_dispatch_sends() -> None:
    """The preview of a touch has the subject, text, HTML and channel the notifier then receives."""
    care = _care()
    _, touch_id = _informed(care)
    preview = care.touches.preview(touch_id)
    notifier = RecordingNotifier()
    assert care.touches.dispatch(notifier).sent == 1
    [sent] = notifier.sent
    assert (sent.subject, sent.body, sent.html, sent.channel, sent.unsubscribe_url) == (
        preview.subject,
        preview.text,
        preview.html,
        preview.channel,
        preview.unsubscribe_url,
    )
    assert preview.text.startswith("王芳，您好！新品到店：春季新款已到") and "衣尚女装 南京西路店" in preview.text


def test_a_message_never_carries_the_tenant_id() -> None:
    """Without a shop name the greeting leaves the shop out instead of naming the tenant."""
    care = _care("", tenant="t")
    customer = care.customers.register(
        "王芳", "13800138000", by="staff", birthday=date(1990, 1, 9), customer_agrees=True
    )
    care.privacy.give_consent(customer.id, "greetings", "sms", method="verbal", source="in_store")
    care.daily.run(date(2026, 1, 6))
    [touch] = [t for t in care.touches.for_customer(customer.id) if t.reason.value == "birthday"]
    assert care.touches.preview(touch.id).text == "王芳，您好！祝您生日快乐，万事如意！"


def test_the_shop_name_comes_from_the_playbook() -> None:
    """[shop] name appears where the greeting names the shop."""
    care = _care('[shop]\nname = "衣尚女装"\n')
    customer = care.customers.register(
        "王芳", "13800138000", by="staff", birthday=date(1990, 1, 9), customer_agrees=True
    )
    care.privacy.give_consent(customer.id, "greetings", "sms", method="verbal", source="in_store")
    care.daily.run(date(2026, 1, 6))
    [touch] = [t for t in care.touches.for_customer(customer.id) if t.reason.value == "birthday"]
    assert care.touches.preview(touch.id).text == "王芳，您好！衣尚女装 祝您生日快乐，万事如意！"


def test_a_customer_named_script_is_escaped_in_html_only() -> None:
    """Values are escaped in the HTML part; the plain text keeps them as written."""
    care = _care()
    _, touch_id = _informed(care, name="<script>alert(1)</script>")
    preview = care.touches.preview(touch_id)
    assert "<script>" not in preview.html and "&lt;script&gt;alert(1)&lt;/script&gt;" in preview.html
    assert preview.text.startswith("<script>alert(1)</script>，您好！")


@pytest.mark.parametrize(
    "attack",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ name.__class__ }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ lipsum.__globals__ }}",
        "{% set x = [].append(1) %}{{ x }}",
    ],
)
def test_a_template_cannot_reach_python_internals(attack: str) -> None:
    """A tenant template that reaches for internals is refused by the sandbox, naming the template."""
    care = _care(SHOP + f'\n[cadences.templates."zh-CN".inform]\nbody = "{attack}"\n')
    _, touch_id = _informed(care)
    with pytest.raises(ValidationError) as refused:
        care.touches.preview(touch_id)
    assert refused.value.field == "template" and "inform" in str(refused.value)


def test_older_dollar_placeholders_keep_working_in_messages() -> None:
    """A tenant text written with $name renders as {{ name }} (escaped in HTML)."""
    texts = Texts(Playbook.default())
    assert texts.message("$name 您好 $$5", {"name": "<b>"}, html=False, name="x") == "<b> 您好 $5"
    assert texts.message("$name", {"name": "<b>"}, html=True, name="x") == "&lt;b&gt;"


def test_money_dates_and_numbers_follow_the_tenant_locale() -> None:
    """The money, date and number filters use Babel with the playbook's language and currency."""
    values = {"amount": Decimal("12345.5"), "day": date(2026, 12, 24), "price": Money.of("88", "USD")}
    source = "{{ amount|money }} | {{ day|date }} | {{ 1234567|number }} | {{ price|money }}"
    zh = Texts(Playbook.default()).message(source, values, html=False, name="x")
    en = Texts(Playbook.from_toml('[locale]\nlanguage = "en_US"\ncurrency = "USD"\n')).message(
        source, values, html=False, name="x"
    )
    assert zh == "¥12,345.50 | 2026年12月24日 | 1,234,567 | US$88.00"
    assert en == "$12,345.50 | December 24, 2026 | 1,234,567 | $88.00"


def test_shop_settings_refuse_a_short_secret_and_hide_it() -> None:
    """The unsubscribe secret needs 16 characters and never shows in the playbook's repr."""
    with pytest.raises(PlaybookError) as short:
        Playbook.from_toml('[shop]\nunsubscribe_secret = "short"\n')
    assert short.value.field == "shop.unsubscribe_secret"
    assert SECRET not in repr(Playbook.from_toml(SHOP))


def test_marketing_messages_carry_a_working_unsubscribe_link() -> None:
    """The link in a marketing message withdraws that purpose on that channel; a second use changes nothing."""
    care = _care()
    customer_id, touch_id = _informed(care, channel="email")
    preview = care.touches.preview(touch_id)
    assert preview.unsubscribe_url.startswith("https://shop.example/unsubscribe?token=")
    assert preview.unsubscribe_url in preview.text and 'href="https://shop.example/unsubscribe?token=' in preview.html
    token = _token_of(preview.unsubscribe_url)
    assert care.privacy.unsubscribe(token) == 1
    assert not care.privacy.may_contact(customer_id, "marketing", "email")
    assert care.privacy.unsubscribe(token) == 0


def test_unsubscribe_ends_only_the_named_purpose_and_channel() -> None:
    """Greetings and other channels stay when marketing by e-mail is withdrawn."""
    care = _care()
    customer_id, touch_id = _informed(care, channel="email")
    care.privacy.give_consent(customer_id, "marketing", "sms", method="online", source="website")
    care.privacy.give_consent(customer_id, "greetings", "email", method="online", source="website")
    care.privacy.unsubscribe(_token_of(care.touches.preview(touch_id).unsubscribe_url))
    assert care.privacy.may_contact(customer_id, "marketing", "sms")
    assert care.privacy.may_contact(customer_id, "greetings", "email")


def test_service_messages_carry_no_unsubscribe_link() -> None:
    """An arrival notice is service, not advertising: no link."""
    care = _care()
    customer = care.customers.register("王芳", "13800138000", by="staff")
    care.privacy.give_consent(customer.id, "service", "sms", method="verbal", source="in_store")
    care.touches.want(customer.id, "QY-1", description="风衣")
    [touch] = care.touches.stock_arrived("QY-1")
    preview = care.touches.preview(touch.id)
    assert preview.unsubscribe_url == "" and "unsubscribe" not in preview.text


def test_a_forged_token_is_refused_and_changes_nothing() -> None:
    """A token signed with another secret, or altered, is refused; consent stays."""
    care = _care()
    customer_id, _ = _informed(care)
    forged = UnsubscribeToken.issue(
        tenant="shop", customer_id=customer_id, purpose="marketing", channel="sms", expires_at=T0 + timedelta(days=9)
    ).sign("another-secret-of-sixteen-chars")
    with pytest.raises(InvalidToken) as refused:
        care.privacy.unsubscribe(forged)
    assert refused.value.rule == "signature does not match" and forged not in str(refused.value)
    with pytest.raises(InvalidToken, match="malformed"):
        care.privacy.unsubscribe("v1.not-base64!.x")
    assert care.privacy.may_contact(customer_id, "marketing", "sms")


def test_an_expired_token_is_refused() -> None:
    """Past its days a link no longer works, and consent stays."""
    clock = FixedClock(T0)
    care = _care(clock=clock)
    customer_id, touch_id = _informed(care)
    token = _token_of(care.touches.preview(touch_id).unsubscribe_url)
    clock.advance(days=92)
    with pytest.raises(InvalidToken, match="expired"):
        care.privacy.unsubscribe(token)
    assert care.privacy.may_contact(customer_id, "marketing", "sms")


def test_another_tenants_token_is_refused() -> None:
    """A link minted for one tenant does nothing in another, even with the same secret and ids."""
    ours = _care(tenant="shop")
    _, touch_id = _informed(ours)
    token = _token_of(ours.touches.preview(touch_id).unsubscribe_url)
    theirs = clientcare.connect("memory://", tenant="other", clock=FixedClock(T0), playbook=Playbook.from_toml(SHOP))
    with pytest.raises(InvalidToken, match="another tenant"):
        theirs.privacy.unsubscribe(token)


def test_the_secret_may_come_from_connect() -> None:
    """connect(unsubscribe_secret=...) signs links the playbook cannot; with no secret, unsubscribe is refused."""
    bare = '[shop]\nunsubscribe_url = "https://shop.example/u"\n'
    with pytest.raises(ConfigurationError):
        _care(bare).privacy.unsubscribe("v1.a.b")
    care = clientcare.connect(
        "memory://", tenant="shop", clock=FixedClock(T0), playbook=Playbook.from_toml(bare), unsubscribe_secret=SECRET
    )
    customer_id, touch_id = _informed(care)
    assert care.privacy.unsubscribe(_token_of(care.touches.preview(touch_id).unsubscribe_url)) == 1
    assert not care.privacy.may_contact(customer_id, "marketing", "sms")
