"""The facade's checking layer refuses the issue's bad inputs with a ValidationError and writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

import clientcare
from clientcare.errors import ValidationError


@pytest.fixture
def ann(care: clientcare.Clientcare) -> str:
    """A registered customer's id."""
    return care.customers.register("Ann", "13800138000").id


BAD: dict[str, Callable[[clientcare.Clientcare, str], object]] = {
    "customer_agrees is not a bool": lambda care, _: care.customers.register(
        "Bo", "13800138001", customer_agrees="no", birthday=dt.date(1990, 1, 1)
    ),
    "key is not a bool": lambda care, cid: care.customers.set_key(cid, "false", by="li"),  # type: ignore[arg-type]
    "by is None": lambda care, cid: care.customers.tag(cid, "vip", by=None),  # type: ignore[arg-type]
    "by is an int": lambda care, cid: care.customers.tag(cid, "vip", by=7),  # type: ignore[arg-type]
    "by is blank": lambda care, cid: care.customers.tag(cid, "vip", by="  "),
    "gender None": lambda care, cid: care.customers.update_profile(cid, by="li", gender=None),
    "birthday far": lambda care, cid: care.customers.update_profile(cid, by="li", birthday=dt.date(9999, 12, 31)),
    "year blank": lambda care, cid: care.customers.add_important_date(
        cid,
        "wedding",
        "ours",
        5,
        4,
        year="",
        by="li",  # type: ignore[arg-type]
    ),
    "price not a number": lambda care, _: care.purchases.line("A", "12abc"),
    "price huge": lambda care, _: care.purchases.line("A", Decimal("1e15")),
    "price NaN": lambda care, _: care.purchases.line("A", Decimal("NaN")),
    "NUL in a note": lambda care, cid: care.notebook.write(cid, "a\x00b", author="li"),
    "store id of 65 characters": lambda care, cid: care.purchases.record(
        cid, [care.purchases.line("A", "10")], store_id="s" * 65
    ),
    "store id not text": lambda care, cid: care.complaints.file(
        cid,
        channel="in_store",
        category="other",
        description="d",
        by="li",
        store_id=1,  # type: ignore[arg-type]
    ),
    "a datetime where a date is due": lambda care, cid: care.touches.plan(
        cid,
        information="call her",
        due=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),  # type: ignore[arg-type]
    ),
    "naive expiry": lambda care, cid: care.points.import_opening_balance(cid, 10, expires_at=dt.datetime(2027, 1, 1)),
    "a megabyte of text": lambda care, cid: care.notebook.write(cid, "x" * 1_000_000, author="li"),
}


@pytest.mark.parametrize("call", BAD.values(), ids=BAD.keys())
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    care: clientcare.Clientcare, ann: str, call: Callable[[clientcare.Clientcare, str], object]
) -> None:
    """Each bad input raises ValidationError (code validation_error) and leaves the customer's data as it was."""
    before = care.privacy.export(ann)
    with pytest.raises(ValidationError) as caught:
        call(care, ann)
    assert caught.value.code == "validation_error" and caught.value.field
    assert care.privacy.export(ann) == before


def test_the_refusal_names_the_parameter_and_rule_never_the_value(care: clientcare.Clientcare, ann: str) -> None:
    """A datetime given for a date names ``due``; a refused note does not quote its text."""
    with pytest.raises(ValidationError) as caught:
        care.touches.plan(ann, information="call her", due=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))  # type: ignore[arg-type]
    assert caught.value.field == "due"
    with pytest.raises(ValidationError) as refused:
        care.notebook.write(ann, "secret\x00plan", author="li")
    assert "secret" not in str(refused.value)
