"""Bringing a customer base over from the old system, streaming and idempotent.

Rows come from any iterable of mappings or from a CSV file whose header names
the columns of :data:`CUSTOMER_COLUMNS` (order free, extra columns ignored).
Each row is checked; a bad one becomes an :class:`ImportReject` (line number
and ``field: rule``, never the value) and the rest go on. A row whose
``external_id`` or normalised phone is known already is skipped, so importing
a file twice adds nothing: the customer's id is derived from the tenant and
the external id, so the same person gets the same id on every run.

Consents come with their provenance (``consent_method``, ``consent_source``,
``consent_at``), tags, important dates, the member level and the opening
points in the same pass and the same transaction as the customer. Imported
customers publish no ``CustomerRegistered`` event and plan no welcome: the
old system already knew them.

The storage adapter may offer a fast path (:class:`BulkCustomerImport`);
otherwise customers go through the ordinary repository.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

import attrs

from clientcare.customers._model import (
    Channel,
    Consent,
    ConsentMethod,
    Customer,
    DataSource,
    DateKind,
    Gender,
    HardProfile,
    ImportantDate,
    Purpose,
)
from clientcare.errors import ClientcareError, ValidationError
from clientcare.kernel import clean_text, normalise_email, normalise_phone, tag_set
from clientcare.kernel._ids import new_id
from clientcare.kernel._tabular import BadRow, ImportProgress, ImportReject, Row, parse_day, parse_moment

if TYPE_CHECKING:
    from clientcare.kernel import Context
    from clientcare.ports import UnitOfWork

__all__ = [
    "CUSTOMER_COLUMNS",
    "BulkCustomerImport",
    "CustomerImportHook",
    "CustomerImportReport",
    "ImportedCustomer",
    "RowChecker",
    "checked",
    "customer_id_for",
    "run_import",
    "store_customers",
]

#: The documented CSV layout (docs/customers-import.md): required ones first.
CUSTOMER_COLUMNS = (
    "name",
    "phone",
    "external_id",
    "store",
    "registered_at",
    "gender",
    "birthday",
    "email",
    "tags",
    "dates",
    "consents",
    "consent_method",
    "consent_source",
    "consent_at",
    "member_level",
    "points",
)
REQUIRED = frozenset({"name", "phone"})
_SEPARATORS = str.maketrans({"|": ";", "；": ";", ",": ";", "，": ";"})
E = TypeVar("E")

#: A stable namespace: the same tenant and external id give the same customer id on every run.
_NAMESPACE = uuid.UUID("6f1d3c1e-5b0c-4a53-9a53-6c6c69656e74")
#: Gender as old systems write it.
_GENDERS = {
    "female": Gender.FEMALE,
    "f": Gender.FEMALE,
    "女": Gender.FEMALE,
    "male": Gender.MALE,
    "m": Gender.MALE,
    "男": Gender.MALE,
    "other": Gender.OTHER,
    "": Gender.UNSPECIFIED,
    "unspecified": Gender.UNSPECIFIED,
}


def customer_id_for(tenant: str, external_id: str) -> str:
    """The customer id an imported external id becomes (32 hex digits, like any id)."""
    return uuid.uuid5(_NAMESPACE, f"{tenant}\x1f{external_id}").hex


@attrs.frozen
class ImportedCustomer:
    """A checked row: the customer to store and what the loyalty area opens for them."""

    line: int
    customer: Customer
    member_level: str | None = None
    points: int = 0


@attrs.define
class CustomerImportReport:
    """The outcome of a customer import: counts and every rejected line."""

    imported: int = 0
    skipped: int = 0
    rejected: list[ImportReject] = attrs.field(factory=list)
    lines_read: int = 0


@runtime_checkable
class BulkCustomerImport(Protocol):
    """A storage fast path for customer imports (optional on a customer repository)."""

    def import_customers(self, customers: Sequence[Customer]) -> list[Customer]:
        """Store the customers whose id and phone are both unknown, in the unit of work's
        transaction; return those stored (the others are skipped)."""
        ...


def _text(value: object, field: str, limit: int) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    return clean_text(text, field, limit=limit)


class RowChecker:
    """Turns one row in :data:`CUSTOMER_COLUMNS` order into an :class:`ImportedCustomer`."""

    def __init__(self, *, tenant: str, zone: tzinfo, region: str, levels: Iterable[str], now: datetime) -> None:
        self._tenant = tenant
        self._zone = zone
        self._region = region
        self._levels = frozenset(levels)
        self._now = now

    def check(self, line: int, row: Row) -> ImportedCustomer:
        """The checked customer; ValidationError names the first bad field."""
        (name, phone, external, store, registered, gender, birthday, email, tags, dates) = row[:10]
        consents, method, source, consent_at, level, points = row[10:16]
        external_id = _text(external, "external_id", 64)
        phone_text = _text(phone, "phone", 40)
        if phone_text is None:
            raise ValidationError("phone", "required")
        at = self._now if _text(registered, "registered_at", 40) is None else self._moment(registered, "registered_at")
        hard = HardProfile(
            gender=self._gender(gender),
            birthday=None if _text(birthday, "birthday", 40) is None else parse_day(birthday, "birthday"),
            email=None if _text(email, "email", 320) is None else normalise_email(str(email).strip()),
        )
        given = at if _text(consent_at, "consent_at", 40) is None else self._moment(consent_at, "consent_at")
        customer = Customer(
            id=customer_id_for(self._tenant, external_id) if external_id else new_id(),
            tenant=self._tenant,
            name=clean_text(name, "name", limit=100),
            phone=normalise_phone(phone_text, self._region),
            registered_at=at,
            home_store=_text(store, "store", 64),
            hard=hard,
            tags=tag_set(_split(tags)),
            important_dates=tuple(self._date(item) for item in _split(dates)),
            consents=self._consents(consents, method, source, given),
        )
        return ImportedCustomer(line, customer, self._level(level), self._points(points))

    def _moment(self, raw: object, field: str) -> datetime:
        moment = parse_moment(raw, self._zone, field)
        if moment > self._now:
            raise ValidationError(field, "must not be in the future")
        return moment

    @staticmethod
    def _gender(raw: object) -> Gender:
        found = _GENDERS.get(str(raw or "").strip().lower())
        if found is None:
            raise ValidationError("gender", "must be female, male, other or empty")
        return found

    @staticmethod
    def _date(item: str) -> ImportantDate:
        parts = item.split(":")
        if len(parts) != 3:
            raise ValidationError("dates", "each must be kind:label:date")
        kind, label, when = (part.strip() for part in parts)
        try:
            date_kind = DateKind(kind)
        except ValueError:
            raise ValidationError("dates", "kind must be one of " + ", ".join(k.value for k in DateKind)) from None
        if len(when) == 5 and when[2] == "-":  # MM-DD: a yearly date whose year is not known
            month, day, year = int(when[:2]), int(when[3:]), None
        else:
            full = parse_day(when, "dates")
            month, day, year = full.month, full.day, full.year
        return ImportantDate(kind=date_kind, label=label, month=month, day=day, year=year)

    @staticmethod
    def _consents(raw: object, method: object, source: object, at: datetime) -> tuple[Consent, ...]:
        items = _split(raw)
        if not items:
            return ()
        how = _choice(ConsentMethod, method, "consent_method", ConsentMethod.IMPORTED)
        where = _choice(DataSource, source, "consent_source", DataSource.IMPORT)
        result: dict[tuple[Purpose, Channel], Consent] = {}
        for item in items:
            purpose_text, _, channel_text = item.partition(":")
            if not purpose_text.strip() or not channel_text.strip():
                raise ValidationError("consents", "each must be purpose:channel")
            purpose = _choice(Purpose, purpose_text, "consents", Purpose.SERVICE)
            channel = _choice(Channel, channel_text, "consents", Channel.PHONE)
            result[purpose, channel] = Consent(purpose=purpose, channel=channel, given_at=at, method=how, source=where)
        return tuple(result.values())

    def _level(self, raw: object) -> str | None:
        level = _text(raw, "member_level", 50)
        if level is not None and level not in self._levels:
            raise ValidationError("member_level", "not a level of the playbook")
        return level

    @staticmethod
    def _points(raw: object) -> int:
        text = str(raw).strip() if raw is not None else ""
        if not text:
            return 0
        if not text.isdigit():
            raise ValidationError("points", "must be a whole number, zero or more")
        return int(text)


def _split(raw: object) -> list[str]:
    if raw is None:
        return []
    return [part.strip() for part in str(raw).translate(_SEPARATORS).split(";") if part.strip()]


def _choice(kind: Callable[[str], E], raw: object, field: str, default: E) -> E:
    """One of an enum's values, or ``default`` when empty."""
    text = str(raw or "").strip().lower()
    if not text:
        return default
    try:
        return kind(text)
    except ValueError:
        raise ValidationError(field, "not one of the known values") from None


def checked(
    rows: Iterable[tuple[int, Row | BadRow]], checker: RowChecker, rejects: list[ImportReject]
) -> Iterator[ImportedCustomer]:
    """Checked customers; bad rows go to ``rejects`` with their line and ``field: rule``."""
    for line, row in rows:
        if isinstance(row, BadRow):
            rejects.append(ImportReject(line, row.reason))
            continue
        try:
            yield checker.check(line, row)
        except ClientcareError as exc:
            rejects.append(ImportReject(line, _reason(exc)))


def _reason(exc: ClientcareError) -> str:
    if isinstance(exc, ValidationError):
        return f"{exc.field}: {exc.rule}"
    return str(exc)


def store_customers(uow: UnitOfWork, customers: Sequence[Customer]) -> list[Customer]:
    """Store the customers whose id and phone are unknown; return those stored.

    The adapter's fast path when it has one, else the ordinary repository.
    """
    repository = uow.customers
    if isinstance(repository, BulkCustomerImport):
        return repository.import_customers(customers)
    known = {c.id for c in repository.by_ids(c.id for c in customers)}
    stored: list[Customer] = []
    for customer in customers:
        if customer.id in known or (customer.phone and repository.by_phone(customer.phone) is not None):
            continue
        repository.add(customer)
        stored.append(customer)
    return stored


#: What another area does, in the same unit of work, with a batch of stored customers
#: (the loyalty area opens member levels and points).
CustomerImportHook = Callable[["Context", "UnitOfWork", Sequence[ImportedCustomer]], None]
ProgressCallback = Callable[[ImportProgress], None]


def run_import(
    ctx: Context,
    rows: Iterable[tuple[int, Row | BadRow]],
    *,
    hooks: Sequence[CustomerImportHook],
    batch_size: int,
    on_progress: ProgressCallback | None,
    total_bytes: Callable[[], tuple[int | None, int | None]] = lambda: (None, None),
) -> CustomerImportReport:
    """Check the rows and store them ``batch_size`` at a time, each batch in its own unit of work."""
    if batch_size <= 0:
        raise ValidationError("batch_size", "must be greater than zero")
    locale = ctx.playbook.locale
    checker = RowChecker(
        tenant=ctx.tenant,
        zone=locale.zone,
        region=locale.country,
        levels=[level.name for level in ctx.playbook.membership.levels],
        now=ctx.now(),
    )
    report = CustomerImportReport()
    rejects: list[ImportReject] = []
    read = 0

    def counted() -> Iterator[tuple[int, Row | BadRow]]:
        nonlocal read
        for item in rows:
            read += 1
            yield item

    last: list[ImportProgress] = []

    def progress() -> None:
        if on_progress is None:
            return
        done, total = total_bytes()
        now = ImportProgress(read, report.imported, report.skipped, len(rejects), done, total)
        if not last or last[0] != now:  # the end of the last batch is the end of the file: report it once
            last[:] = [now]
            on_progress(now)

    batch: list[ImportedCustomer] = []
    # Rows are checked outside any unit of work: the facade's ids must be in force for the loop.
    with ctx.minting():
        for item in checked(counted(), checker, rejects):
            batch.append(item)
            if len(batch) >= batch_size:
                _write(ctx, batch, hooks, report)
                batch = []
                progress()
        if batch:
            _write(ctx, batch, hooks, report)
    report.rejected = sorted(rejects, key=lambda r: r.line)
    report.lines_read = read
    progress()
    return report


def _write(
    ctx: Context, batch: Sequence[ImportedCustomer], hooks: Sequence[CustomerImportHook], report: CustomerImportReport
) -> None:
    """One batch in one unit of work; the same id or phone twice in it keeps the first."""
    unique: dict[str, ImportedCustomer] = {}
    phones: set[str] = set()
    for item in batch:
        phone = item.customer.phone
        if item.customer.id in unique or (phone and phone in phones):
            continue
        unique[item.customer.id] = item
        if phone:
            phones.add(phone)
    with ctx.unit() as uow:
        stored = store_customers(uow, [item.customer for item in unique.values()])
        kept = {c.id for c in stored}
        opened = [item for item in unique.values() if item.customer.id in kept]
        for hook in hooks:
            hook(ctx, uow, opened)
    report.imported += len(stored)
    report.skipped += len(batch) - len(stored)
