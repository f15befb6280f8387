"""Money, phones and emails."""

from __future__ import annotations

from decimal import Decimal

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcare import Money
from clientcare.errors import ValidationError
from clientcare.kernel import normalise_email, normalise_phone
from clientcare.kernel._values import _mainland_mobile

amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


def test_money_refuses_floats() -> None:
    """Floats carry binary noise, so money refuses them."""
    with pytest.raises(ValidationError) as info:
        Money(0.1, "CNY")  # type: ignore[arg-type]
    assert info.value.field == "amount"


def test_money_refuses_mixed_currencies() -> None:
    """Adding yuan to dollars is an error naming the currency."""
    with pytest.raises(ValidationError) as info:
        Money.of("1") + Money.of("1", "USD")
    assert info.value.field == "currency"


@given(amounts, amounts)
def test_money_addition_is_exact(a: Decimal, b: Decimal) -> None:
    """Sums of money are exact decimals."""
    assert (Money(a, "CNY") + Money(b, "CNY")).amount == a + b


def test_money_quantize_rounds_half_up() -> None:
    """Cents round half up, as tills do."""
    assert Money.of("2.005").quantize() == Money.of("2.01")


@pytest.mark.parametrize("raw", ["138 0013 8000", "+86 138-0013-8000", "008613800138000", "13800138000"])
def test_phone_normalised_to_e164(raw: str) -> None:
    """Common ways to write a Chinese mobile number give one E.164 form."""
    assert normalise_phone(raw) == "+8613800138000"


def test_bad_phone_error_hides_the_number() -> None:
    """The error names the field and rule, never the digits."""
    with pytest.raises(ValidationError) as info:
        normalise_phone("12345")
    assert info.value.field == "phone"
    assert "12345" not in str(info.value)


def test_email_normalised_and_checked() -> None:
    """The domain is lower-cased; a broken address names the field only."""
    assert normalise_email("Wang.Fang@Example.COM") == "Wang.Fang@example.com"
    with pytest.raises(ValidationError) as info:
        normalise_email("wang.fang@")
    assert info.value.field == "email" and "wang.fang" not in str(info.value)


@given(
    national=st.from_regex(r"1[0-9]{10}", fullmatch=True),
    form=st.sampled_from(["{n}", "+86{n}", "0086{n}", "+86 {n}", "{a} {b} {c}", "{a}-{b}-{c}"]),
    region=st.sampled_from(["CN", "US", "HK"]),
)
def test_the_mainland_mobile_shortcut_agrees_with_phonenumbers(national: str, form: str, region: str) -> None:
    """Numbers the import's shortcut answers get the same E.164 form (or the same refusal) from a full parse."""
    raw = form.format(n=national, a=national[:3], b=national[3:7], c=national[7:])
    fast = _mainland_mobile(raw, region)
    try:
        parsed = phonenumbers.parse(raw, region)
        slow = (
            phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            if phonenumbers.is_valid_number(parsed)
            else None
        )
    except phonenumbers.NumberParseException:
        slow = None
    if fast is not None:
        assert fast == slow
    if slow is None:
        assert fast is None
