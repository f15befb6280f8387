"""The import's inline fast paths give what the general checks give, value for value."""

from __future__ import annotations

import io
from datetime import timedelta, timezone

import pytest

from clientcare.errors import ValidationError
from clientcare.kernel._ids import ids_in_force
from clientcare.kernel._tabular import read_table
from clientcare.purchases import ImportReject, validated_purchases
from clientcare.purchases._imports import CSV_COLUMNS, _RowChecker
from tests.test_ids import CountingIds

ZONE = timezone(timedelta(hours=8))
PRICES = [
    "129",
    "59.90",
    "0.0001",
    "007.5",
    "1.",
    ".5",
    "+3",
    "1e2",
    "１２.５",
    "12.34567",
    " 12.5 ",
    "-1",
    "NaN",
    "²",
    "1.2.3",
]
QUANTITIES = ["1", "3", "0", "00", "-2", " 4 ", "２", "", "1.5", "x"]


def _row(**values: str) -> list[object]:
    base = {"receipt_id": "R-1", "occurred_at": "2026-01-05T10:00:00+08:00", "style_no": "ST-1", "unit_price": "10"}
    base.update(values)
    return [base.get(column) for column in CSV_COLUMNS]


def _checked(row: list[object]) -> tuple[object, ...] | str:
    rejects: list[ImportReject] = []
    found = list(validated_purchases([(2, row)], zone=ZONE, region="CN", rejects=rejects))
    if rejects:
        return rejects[0].reason
    (line,) = found[0].lines
    return line.quantity, line.unit_price, line.places


def _expected(price: str, quantity: str) -> tuple[object, ...] | str:
    checker = _RowChecker(ZONE, "CN")
    try:
        count = checker.quantity(quantity)
        value, places = checker.price(price)
    except ValidationError as exc:
        return str(exc)
    return count, value, places


@pytest.mark.parametrize("price", PRICES)
@pytest.mark.parametrize("quantity", QUANTITIES)
def test_fast_price_and_quantity_agree_with_the_general_checks(price: str, quantity: str) -> None:
    assert _checked(_row(unit_price=price, quantity=quantity)) == _expected(price, quantity)


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("receipt_id", "R" * 65, "receipt_id: at most 64 characters"),
        ("receipt_id", "   ", "receipt_id: required"),
        ("style_no", "S" * 65, "style_no: at most 64 characters"),
        ("style_no", " ", "style_no: required"),
        ("customer_id", "C" * 65, "customer_id: at most 64 characters"),
    ],
)
def test_inline_text_checks_give_the_general_reasons(column: str, value: str, reason: str) -> None:
    assert _checked(_row(**{column: value})) == reason


def test_texts_are_stripped_and_a_blank_customer_is_a_walk_in() -> None:
    rejects: list[ImportReject] = []
    row = _row(receipt_id=" R-9 ", style_no=" ST-2 ", customer_id="  ")
    (purchase,) = validated_purchases([(2, row)], zone=ZONE, region="CN", rejects=rejects)
    assert (purchase.receipt_id, purchase.lines[0].style_no, purchase.customer_id) == ("R-9", "ST-2", None)


def test_a_purchase_rejected_before_its_id_takes_none_from_the_generator_in_force() -> None:
    """Ids are drawn where they always were: a too-long phone is refused before, a bad time after."""
    rows = [
        (2, _row(receipt_id="R-1", customer_phone="1" * 33)),
        (3, _row(receipt_id="R-2", occurred_at="not a time")),
        (4, _row(receipt_id="R-3")),
    ]
    rejects: list[ImportReject] = []
    with ids_in_force(CountingIds("p")):
        (purchase,) = validated_purchases(rows, zone=ZONE, region="CN", rejects=rejects)
    assert [r.line for r in rejects] == [2, 3] and purchase.id == "p00000002"


@pytest.mark.parametrize("headers", ["no-such-headers.toml", "."])
def test_a_headers_file_that_cannot_be_read_is_refused_with_our_error(headers: str) -> None:
    """Found by the facade fuzz test: a missing or directory ``headers=`` path raised OSError."""
    with pytest.raises(ValidationError, match=r"^headers: not a readable TOML file$"):
        read_table(io.StringIO("receipt_id\n"), CSV_COLUMNS, (), headers=headers)
