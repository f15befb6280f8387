"""Steps for consent, export and erasure (P04)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import attrs
from conftest import capture, customer_named
from pytest_bdd import given, parsers, scenarios, then, when

import clientcare
from clientcare.cadences import Touch
from clientcare.errors import ClientcareError, InvalidToken
from clientcare.playbook import ShopSettings

scenarios("privacy.feature")


@when(parsers.parse('"{name}" agrees in writing in store to "{purpose}" by "{channel}"'))
def agrees(care: clientcare.Clientcare, name: str, purpose: str, channel: str) -> None:
    customer = customer_named(care, name)
    care.privacy.give_consent(customer.id, purpose, channel, method="written", source="in_store")


@when(parsers.parse('"{name}" withdraws consent to "{purpose}"'))
def withdraws(care: clientcare.Clientcare, name: str, purpose: str) -> None:
    care.privacy.withdraw_consent(customer_named(care, name).id, purpose)


@then(parsers.parse('the store may contact "{name}" for "{purpose}" by "{channel}"'))
def may_contact(care: clientcare.Clientcare, name: str, purpose: str, channel: str) -> None:
    assert care.privacy.may_contact(customer_named(care, name).id, purpose, channel)


@then(parsers.parse('the store may not contact "{name}" for "{purpose}" by "{channel}"'))
def may_not_contact(care: clientcare.Clientcare, name: str, purpose: str, channel: str) -> None:
    assert not care.privacy.may_contact(customer_named(care, name).id, purpose, channel)


@then(parsers.parse('the consent record of "{name}" shows when it was given and withdrawn'))
def consent_record(care: clientcare.Clientcare, name: str) -> None:
    (consent,) = customer_named(care, name).consents
    assert (consent.method, consent.source) == ("written", "in_store")
    assert consent.withdrawn_at is not None and consent.withdrawn_at >= consent.given_at


@given(parsers.parse('"{name}" bought style "{style}" for "{price}"'), target_fixture="purchase")
def bought(care: clientcare.Clientcare, name: str, style: str, price: str) -> clientcare.Purchase:
    return care.purchases.record(customer_named(care, name).id, [care.purchases.line(style, price)])


@given(parsers.parse('staff "{staff}" noted about "{name}": "{text}"'))
def noted(care: clientcare.Clientcare, staff: str, name: str, text: str) -> None:
    care.notebook.write(customer_named(care, name).id, text, author=staff)


@when(parsers.parse('the store exports the data of "{name}"'), target_fixture="export")
def export(care: clientcare.Clientcare, name: str) -> dict[str, object]:
    return care.privacy.export(customer_named(care, name).id)


@then(parsers.parse("the export holds her profile, {purchases:d} purchase and {notes:d} note"))
def export_holds(export: dict[str, list[object]], purchases: int, notes: int) -> None:
    assert export["customer"]["phone"] == "+8613800138000"  # type: ignore[call-overload]
    assert (len(export["purchases"]), len(export["notes"])) == (purchases, notes)


@when(parsers.parse('the store erases "{name}"'), target_fixture="erased")
def erase(care: clientcare.Clientcare, name: str) -> clientcare.Customer:
    customer = customer_named(care, name)
    care.privacy.erase(customer.id, by="li")
    return customer


@then(parsers.parse('nobody can be found by phone "{phone}"'))
def nobody_by_phone(care: clientcare.Clientcare, phone: str) -> None:
    assert care.customers.find_by_phone(phone) is None


@then(parsers.parse('the erased customer still counts {count:d} purchase worth "{amount}"'))
def erased_figures(care: clientcare.Clientcare, erased: clientcare.Customer, count: int, amount: str) -> None:
    figures = care.purchases.figures(erased.id)
    assert (figures.purchase_count, figures.total_spend) == (count, clientcare.Money.of(amount))


@then("the erased customer has no notes")
def erased_notes(care: clientcare.Clientcare, erased: clientcare.Customer) -> None:
    assert care.notebook.for_customer(erased.id) == []


@when(parsers.parse('staff note of "{name}" the email "{email}" and the address "{address}"'))
def email_address(care: clientcare.Clientcare, name: str, email: str, address: str) -> None:
    customer = customer_named(care, name)
    care.customers.update_profile(customer.id, by="staff", email=email, address=address)


@then(parsers.parse('the printed form of "{name}" shows neither her phone, email, address nor name'))
def printed(care: clientcare.Clientcare, name: str) -> None:
    customer = customer_named(care, name)
    text = repr(customer) + repr(care.customers.card(customer.id)) + repr(care.customers.history(customer.id))
    for secret in (name, "13800138000", "wf@example.com", "南京西路"):
        assert secret not in text


@given(
    parsers.parse('the shop "{shop}" signs unsubscribe links to "{url}"'),
    target_fixture="care",
)
def signs_links(care: clientcare.Clientcare, shop: str, url: str) -> clientcare.Clientcare:
    # The same storage, tenant and clock, with the shop's settings and a signing secret.
    playbook = attrs.evolve(care.playbook, shop=ShopSettings(name=shop, signature=shop, unsubscribe_url=url))
    return clientcare.Clientcare(
        care.backend,
        care.tenant,
        clock=care.clock,
        playbook=playbook,
        ids=care.ids,
        unsubscribe_secret="scenario-secret-0123456789",
    )


@when(parsers.parse('the store informs "{name}" of "{topic}": "{text}"'), target_fixture="informed")
def informs(care: clientcare.Clientcare, name: str, topic: str, text: str) -> Touch:
    [touch] = care.touches.inform(topic, text, customer_ids=[customer_named(care, name).id])
    return touch


@then(
    parsers.parse('the message to "{name}" reads "{text}" signed "{signature}" with an unsubscribe link'),
    target_fixture="link",
)
def message_reads(care: clientcare.Clientcare, informed: Touch, name: str, text: str, signature: str) -> str:
    message = care.touches.preview(informed.id)
    assert informed.customer_id == customer_named(care, name).id
    assert message.text.startswith(f"{text}\n{signature}\n") and message.unsubscribe_url in message.text
    return message.unsubscribe_url


@when(parsers.parse('"{name}" follows a forged unsubscribe link'), target_fixture="refusal")
def follows_forged(care: clientcare.Clientcare, link: str, name: str) -> ClientcareError | None:
    token = parse_qs(urlsplit(link).query)["token"][0]
    return capture(lambda: care.privacy.unsubscribe(token[:-4] + "AAAA"))


@then(parsers.parse('the link is refused as "{rule}"'))
def refused_as(refusal: ClientcareError | None, rule: str) -> None:
    assert isinstance(refusal, InvalidToken) and refusal.rule == rule


@when(parsers.parse('"{name}" follows the unsubscribe link'), target_fixture="ended")
def follows(care: clientcare.Clientcare, link: str, name: str) -> int:
    return care.privacy.unsubscribe(parse_qs(urlsplit(link).query)["token"][0])


@then(parsers.parse("{count:d} consent ended"))
@then(parsers.parse("{count:d} consents ended"))
def consents_ended(ended: int, count: int) -> None:
    assert ended == count
