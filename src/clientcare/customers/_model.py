"""The customer archive (P01–P04, P06, P07): hard and soft profile, consent,
relationship card with its history, important dates."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from clientcare.customers._events import (
    CardReviewed,
    ConsentGiven,
    ConsentWithdrawn,
    CustomerErased,
    CustomerRegistered,
    ProfileChanged,
)
from clientcare.customers._values import Channel, ConsentMethod, DataSource, DateKind, Gender, Purpose
from clientcare.errors import ErasedCustomer, RuleViolation, ValidationError
from clientcare.kernel._aggregate import Aggregate
from clientcare.kernel._boundary import DATE_RANGE as _BIRTH_YEARS
from clientcare.kernel._boundary import check_text
from clientcare.kernel._checks import aware as _aware
from clientcare.kernel._checks import clean_text, tag_set
from clientcare.kernel._checks import one_of as _enum
from clientcare.kernel._values import new_id, normalise_email, normalise_phone
from clientcare.playbook import Playbook

__all__ = [
    "Channel",
    "Consent",
    "ConsentMethod",
    "Contact",
    "Customer",
    "DataSource",
    "DateKind",
    "Gender",
    "HardProfile",
    "ImportantDate",
    "ProfileChange",
    "Purpose",
    "RelationshipCard",
    "SoftProfile",
]

_ERASED = "(erased)"


def _text(limit: int) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            raise ValidationError(attribute.name, "must be a str or None")
        if len(value) > limit:
            raise ValidationError(attribute.name, f"at most {limit} characters")
        check_text(value, attribute.name)

    return check


@attrs.frozen(kw_only=True)
class HardProfile:
    """P02: the facts about a customer. Personal fields never show in repr."""

    gender: Gender = Gender.UNSPECIFIED
    ethnicity: str | None = attrs.field(default=None, repr=False, validator=_text(50))
    age_band: str | None = attrs.field(default=None, validator=_text(20))
    birthday: date | None = attrs.field(default=None, repr=False)
    email: str | None = attrs.field(default=None, repr=False)
    address: str | None = attrs.field(default=None, repr=False, validator=_text(300))
    clothing_size: str | None = attrs.field(default=None, validator=_text(20))
    employer: str | None = attrs.field(default=None, repr=False, validator=_text(200))
    position: str | None = attrs.field(default=None, validator=_text(100))
    income_band: str | None = attrs.field(default=None, repr=False, validator=_text(50))
    family_situation: str | None = attrs.field(default=None, repr=False, validator=_text(200))

    #: P02: the hard archive of seed 002 (硬件档案) that counts towards completeness
    #: for every customer; name and phone are counted by the customer, spend and
    #: styles bought (消费金额、购买产品款号) by the deal archive.
    SCORED: ClassVar[tuple[str, ...]] = ("gender", "ethnicity", "age_band", "email", "address", "clothing_size")
    #: P02/P06: counted for B2B customers only (seed 003's card: 工作單位、職位). The
    #: family situation is not here: 家庭状况 is one field of the soft archive (seed 002).
    SCORED_B2B: ClassVar[tuple[str, ...]] = ("employer", "position", "income_band")

    def filled(self, *, b2b: bool = False) -> int:
        """How many scored fields hold a value (the B2B ones too for a B2B customer)."""
        names = self.SCORED + self.SCORED_B2B if b2b else self.SCORED
        return sum(1 for name in names if getattr(self, name) not in (None, "", Gender.UNSPECIFIED))


@attrs.frozen(kw_only=True)
class SoftProfile:
    """P03: what a good salesperson learns over time (80% of a profile's worth)."""

    work_situation: str | None = attrs.field(default=None, repr=False, validator=_text(300))
    family: str | None = attrs.field(default=None, repr=False, validator=_text(300))
    personality: str | None = attrs.field(default=None, validator=_text(100))
    consumption_habits: str | None = attrs.field(default=None, validator=_text(300))
    dress_preferences: str | None = attrs.field(default=None, validator=_text(300))
    hobbies: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    lifestyle: str | None = attrs.field(default=None, validator=_text(300))
    service_preference: str | None = attrs.field(default=None, validator=_text(300))
    promotion_receptiveness: str | None = attrs.field(default=None, validator=_text(100))

    SCORED: ClassVar[tuple[str, ...]] = (
        "work_situation",
        "family",
        "personality",
        "consumption_habits",
        "dress_preferences",
        "hobbies",
        "lifestyle",
        "service_preference",
        "promotion_receptiveness",
    )

    def filled(self, *, family_known: bool = False) -> int:
        """How many scored fields hold a value; ``family_known``: the family is on file
        elsewhere (the hard profile's family situation), so "family" counts, once."""
        found = sum(1 for name in self.SCORED if getattr(self, name) not in (None, "", ()))
        return found + (1 if family_known and not self.family else 0)


@attrs.frozen(kw_only=True)
class ImportantDate:
    """P07: a date to remember every year (the year is optional)."""

    kind: DateKind
    label: str = attrs.field(validator=_text(100))
    month: int
    day: int
    year: int | None = None

    def __attrs_post_init__(self) -> None:
        for name in ("month", "day", "year"):
            number = getattr(self, name)
            if (number is not None or name != "year") and (isinstance(number, bool) or not isinstance(number, int)):
                raise ValidationError(name, "must be an int")
        if self.year is not None and not _BIRTH_YEARS[0] <= self.year <= _BIRTH_YEARS[1]:
            raise ValidationError("year", "out of range")
        if not 1 <= self.month <= 12:
            raise ValidationError("month", "must be 1 to 12")
        try:
            date(self.year or 2000, self.month, self.day)  # 2000 admits 29 February
        except ValueError:
            raise ValidationError("day", "not a day of that month") from None

    def next_on_or_after(self, day: date) -> date:
        """The next anniversary of this date on or after ``day``."""
        for year in (day.year, day.year + 1, day.year + 2, day.year + 3, day.year + 4):
            try:
                candidate = date(year, self.month, self.day)
            except ValueError:  # 29 February outside a leap year
                continue
            if candidate >= day:
                return candidate
        raise RuleViolation("important_date.next", "no occurrence within four years")


@attrs.frozen(kw_only=True)
class Consent:
    """P04: one consent for one purpose on one channel, and its withdrawal."""

    purpose: Purpose
    channel: Channel
    given_at: datetime
    method: ConsentMethod
    source: DataSource
    withdrawn_at: datetime | None = None

    def active_at(self, moment: datetime) -> bool:
        """Whether the consent holds at ``moment``."""
        return self.given_at <= moment and (self.withdrawn_at is None or moment < self.withdrawn_at)


@attrs.frozen(kw_only=True)
class Contact:
    """P06: one more way to reach a customer (a second phone, a messaging id)."""

    kind: str = attrs.field(validator=_text(30))
    value: str = attrs.field(repr=False, validator=_text(200))


@attrs.frozen(kw_only=True)
class ProfileChange:
    """P06: one field changed, by whom and when. Values are personal: no repr."""

    at: datetime
    by: str
    field: str
    before: str | None = attrs.field(repr=False)
    after: str | None = attrs.field(repr=False)


@attrs.frozen(kw_only=True)
class RelationshipCard:
    """P06: the standard card, as staff see it (a read model of the customer)."""

    customer_id: str
    name: str = attrs.field(repr=False)
    employer: str | None = attrs.field(repr=False)
    position: str | None
    address: str | None = attrs.field(repr=False)
    phone: str | None = attrs.field(repr=False)
    email: str | None = attrs.field(repr=False)
    contacts: tuple[Contact, ...]
    key: bool
    reviewed_at: datetime | None
    stale: bool


_HARD_FIELDS = frozenset(attrs.fields_dict(HardProfile))
_SOFT_FIELDS = frozenset(attrs.fields_dict(SoftProfile))


def _display(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


@attrs.define(eq=False, kw_only=True)
class Customer(Aggregate):
    """A customer of one tenant, shared by all of its stores (one card for all)."""

    name: str = attrs.field(repr=False)
    phone: str | None = attrs.field(repr=False)
    registered_at: datetime
    home_store: str | None = None
    hard: HardProfile = attrs.field(factory=HardProfile)
    soft: SoftProfile = attrs.field(factory=SoftProfile)
    tags: frozenset[str] = attrs.field(factory=frozenset, converter=tag_set)
    important_dates: tuple[ImportantDate, ...] = ()
    consents: tuple[Consent, ...] = ()
    contacts: tuple[Contact, ...] = attrs.field(default=(), repr=False)
    key: bool = False
    reviewed_at: datetime | None = None
    history: tuple[ProfileChange, ...] = attrs.field(default=(), repr=False)
    erased_at: datetime | None = None
    erased_by: str | None = None  # staff id of whoever erased her (the audit keeps ids only)

    @classmethod
    def register(
        cls,
        *,
        tenant: str,
        name: str,
        phone: str,
        at: datetime,
        store: str | None = None,
        region: str = "CN",
        customer_id: str | None = None,
    ) -> Customer:
        """P01: start small — a name and a phone are enough to begin."""
        customer = cls(
            id=customer_id or new_id(),
            tenant=tenant,
            name=_clean_name(name),
            phone=normalise_phone(phone, region),
            registered_at=_aware(at, "at"),
            home_store=store,
        )
        customer.record(CustomerRegistered(tenant=tenant, occurred_at=at, customer_id=customer.id, store_id=store))
        return customer

    # -- profile -------------------------------------------------------------
    @property
    def erased(self) -> bool:
        """Whether personal data was erased (P04)."""
        return self.erased_at is not None

    def ensure_not_erased(self) -> None:
        """Refuse anything new about an erased customer: the one place that rule lives (P04)."""
        if self.erased:
            raise ErasedCustomer()

    def update_profile(self, *, by: str, at: datetime, region: str = "CN", **changes: Any) -> tuple[str, ...]:
        """P02/P03: set hard or soft fields (or ``name``/``phone``); history keeps each change.

        Returns the names of the fields that really changed.
        """
        self.ensure_not_erased()
        hard: dict[str, Any] = {}
        soft: dict[str, Any] = {}
        changed: list[ProfileChange] = []
        for field, raw in changes.items():
            value = _normalise(field, raw, region)
            if field in ("name", "phone"):
                before = getattr(self, field)
            elif field in _HARD_FIELDS:
                before = getattr(self.hard, field)
                hard[field] = value
            elif field in _SOFT_FIELDS:
                before = getattr(self.soft, field)
                soft[field] = value
            else:
                raise ValidationError(field, "not a profile field")
            if before != value:
                changed.append(ProfileChange(at=at, by=by, field=field, before=_display(before), after=_display(value)))
        new_hard = attrs.evolve(self.hard, **hard) if hard else self.hard
        new_soft = attrs.evolve(self.soft, **soft) if soft else self.soft
        # Everything above validated; only now is the customer changed.
        if "name" in changes:
            self.name = _normalise("name", changes["name"], region)
        if "phone" in changes:
            self.phone = _normalise("phone", changes["phone"], region)
        self.hard, self.soft = new_hard, new_soft
        return self._log(changed, by, at)

    def _log(self, changed: list[ProfileChange], by: str, at: datetime) -> tuple[str, ...]:
        if not changed:
            return ()
        self.history = self.history + tuple(changed)
        names = tuple(c.field for c in changed)
        self.record(ProfileChanged(tenant=self.tenant, occurred_at=at, customer_id=self.id, fields=names, by=by))
        return names

    def set_contacts(self, contacts: tuple[Contact, ...], *, by: str, at: datetime) -> None:
        """P06: replace the extra contacts on the card."""
        self.ensure_not_erased()
        if contacts != self.contacts:
            change = ProfileChange(
                at=at,
                by=by,
                field="contacts",
                before=_display(tuple(f"{c.kind}:{c.value}" for c in self.contacts)),
                after=_display(tuple(f"{c.kind}:{c.value}" for c in contacts)),
            )
            self.contacts = tuple(contacts)
            self._log([change], by, at)

    def mark_key(self, key: bool, *, by: str, at: datetime) -> None:
        """P06/P17: key customers are managed apart from general ones."""
        self.ensure_not_erased()
        if key != self.key:
            change = ProfileChange(at=at, by=by, field="key", before=str(self.key), after=str(key))
            self.key = key
            self._log([change], by, at)

    def tag(self, *tags: str, by: str, at: datetime) -> None:
        """Attach free labels (``vip-candidate``, ``wedding``) for later lookups."""
        self.ensure_not_erased()
        clean = {t.strip() for t in tags if t.strip()}
        if any(len(t) > 50 for t in clean):
            raise ValidationError("tags", "at most 50 characters each")
        if not clean <= self.tags:
            before = _display(tuple(sorted(self.tags)))
            self.tags = self.tags | clean
            self._log(
                [ProfileChange(at=at, by=by, field="tags", before=before, after=_display(tuple(sorted(self.tags))))],
                by,
                at,
            )

    def untag(self, *tags: str, by: str, at: datetime) -> None:
        """Remove labels."""
        if self.tags & set(tags):
            before = _display(tuple(sorted(self.tags)))
            self.tags = self.tags - set(tags)
            self._log(
                [ProfileChange(at=at, by=by, field="tags", before=before, after=_display(tuple(sorted(self.tags))))],
                by,
                at,
            )

    def add_important_date(self, important: ImportantDate, *, by: str, at: datetime) -> None:
        """P07: remember an anniversary or a founding day."""
        self.ensure_not_erased()
        if important not in self.important_dates:
            self.important_dates = (*self.important_dates, important)
            self._log(
                [ProfileChange(at=at, by=by, field="important_dates", before=None, after=important.label)], by, at
            )

    def review_card(self, *, by: str, at: datetime) -> None:
        """P06: staff confirm the card is accurate; it is no longer stale."""
        self.ensure_not_erased()
        self.reviewed_at = at
        self.record(CardReviewed(tenant=self.tenant, occurred_at=at, customer_id=self.id, by=by))

    def card(self, *, now: datetime, playbook: Playbook, key: bool | None = None) -> RelationshipCard:
        """P06: the relationship card with its staleness at ``now``.

        ``key`` is the customer's key status as the tiers see it (P17: A
        customers are key by default); None means the hand-picked flag alone.
        """
        is_key = self.key if key is None else key
        return RelationshipCard(
            customer_id=self.id,
            name=self.name,
            employer=self.hard.employer,
            position=self.hard.position,
            address=self.hard.address,
            phone=self.phone,
            email=self.hard.email,
            contacts=self.contacts,
            key=is_key,
            reviewed_at=self.reviewed_at,
            stale=self.card_stale(now=now, playbook=playbook, key=is_key),
        )

    def card_stale(self, *, now: datetime, playbook: Playbook, key: bool | None = None) -> bool:
        """Not reviewed within the playbook's period (shorter for key customers; ``key`` as in :meth:`card`)."""
        if self.erased:
            return False
        is_key = self.key if key is None else key
        days = playbook.card.key_stale_after_days if is_key else playbook.card.stale_after_days
        last = self.reviewed_at or self.registered_at
        return now - last > timedelta(days=days)

    def completeness(self, playbook: Playbook, *, purchases: int = 0) -> Decimal:
        """P02/P03: profile completeness in 0..1, the hard archive weighted 20%, the soft 80%.

        The hard archive is seed 002's list: name, gender, ethnicity, age band,
        email, address, phone, clothing size, spend and styles bought — the
        last two from the deal archive, known once the customer has bought
        (``purchases``, the number of sales). A B2B customer (tagged
        ``profile.b2b_tag``) adds employer, position and income band. The soft
        archive is seed 002's nine fields; the family counts once, whichever
        profile holds it. A start-small customer (P01) has two of ten hard fields.
        """
        weights = playbook.profile
        b2b = weights.b2b_tag in self.tags
        named = (1 if self.name and not self.erased else 0) + (1 if self.phone else 0)
        bought = 2 if purchases > 0 else 0  # spend and styles bought
        hard_total = len(HardProfile.SCORED) + (len(HardProfile.SCORED_B2B) if b2b else 0) + 4
        hard_filled = self.hard.filled(b2b=b2b) + named + bought
        soft_filled = self.soft.filled(family_known=bool(self.hard.family_situation))
        score = weights.hard_weight * Decimal(hard_filled) / Decimal(hard_total) + weights.soft_weight * Decimal(
            soft_filled
        ) / Decimal(len(SoftProfile.SCORED))
        return score.quantize(Decimal("0.0001"))

    # -- consent -------------------------------------------------------------
    def give_consent(
        self,
        purpose: Purpose | str,
        channel: Channel | str,
        *,
        at: datetime,
        method: ConsentMethod | str,
        source: DataSource | str,
    ) -> Consent:
        """P04: record that the customer agreed, how, and where the data came from."""
        self.ensure_not_erased()
        consent = Consent(
            purpose=_enum(Purpose, purpose, "purpose"),
            channel=_enum(Channel, channel, "channel"),
            given_at=_aware(at, "at"),
            method=_enum(ConsentMethod, method, "method"),
            source=_enum(DataSource, source, "source"),
        )
        if self.has_consent(consent.purpose, consent.channel, at=at):
            return next(
                c
                for c in self.consents
                if c.purpose == consent.purpose and c.channel == consent.channel and c.active_at(at)
            )
        self.consents = (*self.consents, consent)
        self.record(
            ConsentGiven(
                tenant=self.tenant,
                occurred_at=at,
                customer_id=self.id,
                purpose=consent.purpose,
                channel=consent.channel,
            )
        )
        return consent

    def withdraw_consent(self, purpose: Purpose | str, channel: Channel | str | None = None, *, at: datetime) -> int:
        """P04: honour a withdrawal (all channels when ``channel`` is None). Returns how many ended."""
        p = _enum(Purpose, purpose, "purpose")
        ch = _enum(Channel, channel, "channel") if channel is not None else None
        ended = 0
        updated: list[Consent] = []
        for consent in self.consents:
            if consent.purpose == p and (ch is None or consent.channel == ch) and consent.active_at(at):
                updated.append(attrs.evolve(consent, withdrawn_at=at))
                self.record(
                    ConsentWithdrawn(
                        tenant=self.tenant, occurred_at=at, customer_id=self.id, purpose=p, channel=consent.channel
                    )
                )
                ended += 1
            else:
                updated.append(consent)
        self.consents = tuple(updated)
        return ended

    def has_consent(self, purpose: Purpose | str, channel: Channel | str, *, at: datetime) -> bool:
        """Whether contact for ``purpose`` on ``channel`` is allowed at ``at``."""
        if self.erased:
            return False
        p = _enum(Purpose, purpose, "purpose")
        ch = _enum(Channel, channel, "channel")
        return any(c.purpose == p and c.channel == ch and c.active_at(at) for c in self.consents)

    # -- erasure -------------------------------------------------------------
    def erase(self, *, at: datetime, by: str | None = None) -> None:
        """P04: remove every personal field; the id and purchase figures stay anonymous.

        ``by`` and ``at`` stay as the audit of who erased her and when."""
        if self.erased:
            return
        self.name = _ERASED
        self.phone = None
        self.hard = HardProfile()
        self.soft = SoftProfile()
        self.tags = frozenset()
        self.important_dates = ()
        self.contacts = ()
        self.history = tuple(attrs.evolve(c, before=None, after=None) for c in self.history)
        self.consents = tuple(c if c.withdrawn_at else attrs.evolve(c, withdrawn_at=at) for c in self.consents)
        self.erased_at = at
        self.erased_by = by
        self.record(CustomerErased(tenant=self.tenant, occurred_at=at, customer_id=self.id, by=by or ""))


def _clean_name(name: object) -> str:
    return clean_text(name, "name", limit=100)


def _normalise(field: str, value: Any, region: str) -> Any:
    """One profile input in its stored form (checked, normalised)."""
    if field == "name":
        return _clean_name(value)
    if field == "phone":
        if value is None:
            raise ValidationError("phone", "required")
        return normalise_phone(value, region)
    if field == "email" and value is not None:
        return normalise_email(value)
    if field == "gender":
        # Every stored customer has a gender (UNSPECIFIED when unknown): None would be unreadable.
        return _enum(Gender, "" if value is None else value, "gender")
    if field == "birthday" and value is not None:
        if not isinstance(value, date) or isinstance(value, datetime):
            raise ValidationError("birthday", "must be a date (not a datetime)")
        if not _BIRTH_YEARS[0] <= value.year <= _BIRTH_YEARS[1]:
            raise ValidationError("birthday", "year out of range")
    if field == "hobbies":
        if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset, type(None))):
            raise ValidationError("hobbies", "must be a sequence of text")
        return tuple(clean_text(hobby, "hobbies", limit=100) for hobby in value or ())
    return value
