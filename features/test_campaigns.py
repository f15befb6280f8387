"""Steps for campaigns (P70, P71)."""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import capture, customer_named
from pytest_bdd import given, parsers, scenarios, then, when

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.adapters.notifiers import RecordingNotifier
from clientcare.errors import ClientcareError

scenarios("campaigns.feature")


@pytest.fixture
def notifier() -> RecordingNotifier:
    """Where the dispatched messages land."""
    return RecordingNotifier()


@given(parsers.parse('"{a}" and "{b}" bought style "{style}" and "{c}" bought style "{other}"'))
def bought(care: clientcare.Clientcare, a: str, b: str, style: str, c: str, other: str) -> None:
    for name, item in ((a, style), (b, style), (c, other)):
        care.purchases.record(customer_named(care, name).id, [care.purchases.line(item, "899")])


@given(parsers.parse('"{a}" and "{b}" agreed to marketing by "{channel}"'))
def agreed(care: clientcare.Clientcare, a: str, b: str, channel: str) -> None:
    for name in (a, b):
        care.privacy.give_consent(
            customer_named(care, name).id, "marketing", channel, method="written", source="in_store"
        )


@when(
    parsers.parse(
        'the store launches campaign "{code}" "{title}" for buyers of "{style}" by "{channel}" from "{starts}" '
        'to "{ends}" with link "{link}" and picture "{picture}"'
    ),
    target_fixture="report",
)
def launch(
    care: clientcare.Clientcare, code: str, title: str, style: str, channel: str, starts: str, ends: str, link: str,
    picture: str,
) -> clientcare.CampaignReport:  # fmt: skip
    return care.campaigns.launch(
        code, title=title, body=f"{title}，会员专享", starts=datetime.fromisoformat(starts),
        ends=datetime.fromisoformat(ends), channel=channel, link=link, pictures=[picture], bought_styles=[style],
    )  # fmt: skip


@when(parsers.parse('the store tries to launch campaign "{code}" ending "{ends}"'), target_fixture="error")
def try_launch(care: clientcare.Clientcare, clock: FixedClock, code: str, ends: str) -> ClientcareError | None:
    return capture(
        lambda: care.campaigns.launch(
            code,
            title="t",
            body="b",
            starts=datetime.fromisoformat("2026-01-06T09:00:00+08:00"),
            ends=datetime.fromisoformat(ends),
        )
    )


@when(parsers.parse('it is "{moment}" and the messages are dispatched'), target_fixture="dispatch")
def dispatch(care: clientcare.Clientcare, clock: FixedClock, notifier: RecordingNotifier, moment: str) -> object:
    clock.set(datetime.fromisoformat(moment))
    return care.touches.dispatch(notifier)


@when(parsers.parse('the store ends campaign "{code}" early'), target_fixture="ended")
def end(care: clientcare.Clientcare, code: str) -> clientcare.CampaignReport:
    starts, ends = (
        datetime.fromisoformat("2026-01-01T00:00:00+08:00"),
        datetime.fromisoformat("2026-01-31T00:00:00+08:00"),
    )
    return care.campaigns.end(code, starts=starts, ends=ends, by="店长")


@then(parsers.parse("{planned:d} message is planned and {left:d} buyer is left out for want of consent"))
def planned(report: clientcare.CampaignReport, planned: int, left: int) -> None:
    assert (report.planned, report.skipped_no_consent) == (planned, left)


@then(parsers.parse("{planned:d} messages are planned and {before:d} was planned before"))
def planned_again(report: clientcare.CampaignReport, planned: int, before: int) -> None:
    assert (report.planned, report.already_planned) == (planned, before)


@then(parsers.parse('"{name}" received "{title}" with the link "{link}"'))
def received(care: clientcare.Clientcare, notifier: RecordingNotifier, name: str, title: str, link: str) -> None:
    (message,) = [n for n in notifier.sent if n.customer_id == customer_named(care, name).id]
    assert message.subject == title and link in message.body
    assert f'<a href="{link}">' in message.html  # the e-mail's HTML part links it
    notifier.sent.remove(message)


@then("nobody else received anything")
def nobody_else(notifier: RecordingNotifier) -> None:
    assert notifier.sent == []


@then(parsers.parse("{n:d} message was skipped because the promotion was over"))
def skipped(dispatch: object, n: int) -> None:
    assert dispatch.skipped_window_over == n


@then(parsers.parse("{n:d} message was cancelled"))
def cancelled(ended: clientcare.CampaignReport, n: int) -> None:
    assert ended.cancelled == n


@when(
    parsers.parse('the store tries to call the buyers of "{style}" with at most {most:d} call'), target_fixture="error"
)
def try_call(care: clientcare.Clientcare, style: str, most: int) -> ClientcareError | None:
    return capture(
        lambda: care.campaigns.launch(
            "CALL-MORE",
            title="t",
            body="b",
            starts=datetime.fromisoformat("2026-01-06T09:00:00+08:00"),
            ends=datetime.fromisoformat("2026-01-12T21:00:00+08:00"),
            channel="phone",
            bought_styles=[style],
            max_calls=most,
        )
    )


@then(parsers.parse('the message to "{name}" carries the picture "{url}" as "{kind}"'))
def carries_picture(care: clientcare.Clientcare, notifier: RecordingNotifier, name: str, url: str, kind: str) -> None:
    (message,) = [n for n in notifier.sent if n.customer_id == customer_named(care, name).id]
    assert [(p.url, p.content_type) for p in message.pictures] == [(url, kind)]


@then(parsers.parse("{n:d} calls are planned for the staff and nothing is sent automatically"))
def calls_planned(care: clientcare.Clientcare, report: clientcare.CampaignReport, n: int) -> None:
    assert report.planned == n
    calls = [t for name in ("王芳", "张伟") for t in care.touches.for_customer(customer_named(care, name).id)]
    assert len(calls) == n and all(t.precision.channel.value == "phone" and not t.automated for t in calls)
