"""The repository contract suite (see the package docstring)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from clientcare.customers import Channel, ConsentMethod, Customer, DataSource, Note, Purpose
from clientcare.errors import ConcurrencyConflict, DuplicateRecord, NotFound
from clientcare.kernel import Money
from clientcare.ports import Backend
from clientcare.purchases import Purchase, PurchaseKind, PurchaseLine, summaries_from
from clientcare.testing._base import ContractBase, state

__all__ = ["BackendContract"]

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=8)))


def _customer(tenant: str, name: str = "王芳", phone: str = "13800138000", at: datetime = T0) -> Customer:
    return Customer.register(tenant=tenant, name=name, phone=phone, at=at)


def _sale(
    tenant: str, customer_id: str | None, amount: str = "100.00", *, receipt: str | None = None, at: datetime = T0
) -> Purchase:
    line = PurchaseLine(style_no="ST-1", unit_price=Money.of(amount), quantity=1, size="M", colour="红")
    return Purchase.sale(
        tenant=tenant, customer_id=customer_id, lines=[line], at=at, currency="CNY", receipt_id=receipt
    )


class BackendContract(ContractBase):
    """What every backend must do. Subclasses implement :meth:`make_backend`."""

    def _store(self, backend: Backend, *objs: Customer | Purchase | Note, tenant: str | None = None) -> None:
        with backend.unit_of_work(tenant or self.tenant) as uow:
            for obj in objs:
                if isinstance(obj, Customer):
                    uow.customers.add(obj)
                elif isinstance(obj, Purchase):
                    uow.purchases.add(obj)
                else:
                    uow.notes.add(obj)
            uow.commit()

    # -- customers -------------------------------------------------------------
    def test_customer_round_trips(self, backend: Backend) -> None:
        """A stored customer reads back with every field intact."""
        customer = _customer(self.tenant)
        customer.update_profile(by="s1", at=T0, email="wf@example.com", hobbies=("瑜伽",), birthday=T0.date())
        customer.give_consent(
            Purpose.MARKETING, Channel.SMS, at=T0, method=ConsentMethod.WRITTEN, source=DataSource.IN_STORE
        )
        customer.tag("vip", by="s1", at=T0)
        self._store(backend, customer)
        with backend.unit_of_work(self.tenant) as uow:
            loaded = uow.customers.get(customer.id)
        assert state(loaded) == state(customer)
        assert loaded.version == 1

    def test_missing_customer_is_not_found(self, backend: Backend) -> None:
        """Reading an unknown id raises NotFound (a LookupError)."""
        with backend.unit_of_work(self.tenant) as uow, pytest.raises(NotFound):
            uow.customers.get("nope")

    def test_other_tenants_customer_is_invisible(self, backend: Backend) -> None:
        """A tenant can neither read nor find nor overwrite another tenant's customer."""
        customer = _customer(self.tenant)
        self._store(backend, customer)
        with backend.unit_of_work(self.other_tenant) as uow:
            with pytest.raises(NotFound):
                uow.customers.get(customer.id)
            assert uow.customers.by_phone(customer.phone or "") is None
            assert uow.customers.search(name="王") == []
            assert uow.customers.by_ids([customer.id]) == []
            assert list(uow.customers.iter_all()) == []
            assert uow.customers.count() == 0
            with pytest.raises(NotFound):
                uow.customers.save(customer)

    def test_same_phone_allowed_in_other_tenant(self, backend: Backend) -> None:
        """Phones are unique per tenant, not across tenants."""
        self._store(backend, _customer(self.tenant))
        self._store(backend, _customer(self.other_tenant), tenant=self.other_tenant)
        with backend.unit_of_work(self.other_tenant) as uow:
            assert uow.customers.count() == 1

    def test_duplicate_phone_is_refused(self, backend: Backend) -> None:
        """Two customers of one tenant cannot share a phone."""
        self._store(backend, _customer(self.tenant))
        with pytest.raises(DuplicateRecord):
            self._store(backend, _customer(self.tenant, name="王小芳"))
        with backend.unit_of_work(self.tenant) as uow:
            assert uow.customers.count() == 1

    def test_lookup_by_phone(self, backend: Backend) -> None:
        """A customer is found by its E.164 phone."""
        customer = _customer(self.tenant)
        self._store(backend, customer)
        with backend.unit_of_work(self.tenant) as uow:
            found = uow.customers.by_phone("+8613800138000")
        assert found is not None and found.id == customer.id

    def test_search_by_name_and_tag(self, backend: Backend) -> None:
        """Search finds name fragments and tags, sorted by name, skipping erased customers."""
        a = _customer(self.tenant, "王芳", "13800138000")
        b = _customer(self.tenant, "王强", "13900139000")
        c = _customer(self.tenant, "李娜", "13700137000")
        b.tag("wedding", by="s", at=T0)
        c.erase(at=T0)
        self._store(backend, a, b, c)
        with backend.unit_of_work(self.tenant) as uow:
            assert [x.id for x in uow.customers.search(name="王")] == sorted(
                [a.id, b.id], key=lambda i: {a.id: a.name, b.id: b.name}[i]
            )
            assert [x.id for x in uow.customers.search(tag="wedding")] == [b.id]
            assert [x.id for x in uow.customers.search(name="王", tag="wedding")] == [b.id]
            assert uow.customers.search(name="李") == []
            assert uow.customers.search(name="王", limit=1)[0].id in {a.id, b.id}

    def test_iter_all_and_by_ids(self, backend: Backend) -> None:
        """Every customer comes back once, in id order; by_ids skips unknown ids."""
        customers = [_customer(self.tenant, f"客户{i}", f"1380013{i:04d}") for i in range(7)]
        self._store(backend, *customers)
        with backend.unit_of_work(self.tenant) as uow:
            assert [c.id for c in uow.customers.iter_all(batch=3)] == sorted(c.id for c in customers)
            assert {c.id for c in uow.customers.by_ids([customers[0].id, "nope"])} == {customers[0].id}
            assert uow.customers.count() == 7

    def test_save_bumps_version(self, backend: Backend) -> None:
        """Each committed save increments the version."""
        customer = _customer(self.tenant)
        self._store(backend, customer)
        with backend.unit_of_work(self.tenant) as uow:
            loaded = uow.customers.get(customer.id)
            loaded.mark_key(True, by="s", at=T0)
            uow.customers.save(loaded)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            again = uow.customers.get(customer.id)
        assert again.key is True
        assert again.version == 2

    def test_concurrent_saves_conflict(self, backend: Backend) -> None:
        """Two units of work changing one customer: one commits, the other conflicts."""
        customer = _customer(self.tenant)
        self._store(backend, customer)
        first = backend.unit_of_work(self.tenant)
        second = backend.unit_of_work(self.tenant)
        with first:
            a = first.customers.get(customer.id)
        with second:
            b = second.customers.get(customer.id)
        with first:
            a.mark_key(True, by="s1", at=T0)
            first.customers.save(a)
            first.commit()
        with second, pytest.raises(ConcurrencyConflict):
            b.update_profile(by="s2", at=T0, clothing_size="L")
            second.customers.save(b)
            second.commit()
        with backend.unit_of_work(self.tenant) as uow:
            final = uow.customers.get(customer.id)
        assert final.key is True and final.hard.clothing_size is None

    def test_uncommitted_work_is_rolled_back(self, backend: Backend) -> None:
        """Leaving a unit of work without commit writes nothing."""
        customer = _customer(self.tenant)
        with backend.unit_of_work(self.tenant) as uow:
            uow.customers.add(customer)
            uow.purchases.add(_sale(self.tenant, customer.id))
        with backend.unit_of_work(self.tenant) as uow:
            assert uow.customers.count() == 0
            assert uow.purchases.for_customer(customer.id) == []
            assert uow.outbox.pending() == []

    def test_failure_mid_way_writes_nothing(self, backend: Backend) -> None:
        """An exception after some writes rolls all of them back."""
        customer = _customer(self.tenant)
        with pytest.raises(RuntimeError), backend.unit_of_work(self.tenant) as uow:
            uow.customers.add(customer)
            uow.purchases.add(_sale(self.tenant, customer.id))
            raise RuntimeError("boom")
        with backend.unit_of_work(self.tenant) as uow:
            assert uow.customers.count() == 0

    # -- purchases -------------------------------------------------------------
    def test_purchase_round_trips(self, backend: Backend) -> None:
        """A purchase with lines reads back intact, also by receipt id."""
        customer = _customer(self.tenant)
        sale = _sale(self.tenant, customer.id, "299.50", receipt="POS-1")
        self._store(backend, customer, sale)
        with backend.unit_of_work(self.tenant) as uow:
            loaded = uow.purchases.get(sale.id)
            by_receipt = uow.purchases.by_receipt("POS-1")
        assert state(loaded) == state(sale)
        assert by_receipt is not None and by_receipt.id == sale.id

    def test_duplicate_receipt_is_refused(self, backend: Backend) -> None:
        """A POS receipt id is stored once per tenant."""
        self._store(backend, _sale(self.tenant, None, receipt="POS-1"))
        with pytest.raises(DuplicateRecord):
            self._store(backend, _sale(self.tenant, None, receipt="POS-1"))
        self._store(backend, _sale(self.other_tenant, None, receipt="POS-1"), tenant=self.other_tenant)

    def test_purchases_newest_first_with_returns_and_figures(self, backend: Backend) -> None:
        """The deal archive lists newest first and sums spend net of returns."""
        customer = _customer(self.tenant)
        first = _sale(self.tenant, customer.id, "100.00", at=T0)
        second = _sale(self.tenant, customer.id, "300.00", at=T0 + timedelta(days=10))
        back = second.make_return(lines=[second.lines[0]], at=T0 + timedelta(days=11))
        self._store(backend, customer, first, second, back)
        with backend.unit_of_work(self.tenant) as uow:
            listed = uow.purchases.for_customer(customer.id)
            limited = uow.purchases.for_customer(customer.id, limit=1)
            returns = uow.purchases.returns_of(second.id)
            figures = uow.purchases.figures(customer.id, "CNY")
            empty = uow.purchases.figures("nobody", "CNY")
        assert [p.id for p in listed] == [back.id, second.id, first.id]
        assert [p.id for p in limited] == [back.id]
        assert [p.id for p in returns] == [back.id]
        assert returns[0].kind is PurchaseKind.RETURN
        assert figures.total_spend == Money.of("100.00")
        assert (figures.purchase_count, figures.return_count) == (2, 1)
        assert figures.first_purchase_at == T0 and figures.last_purchase_at == T0 + timedelta(days=10)
        assert figures.average_ticket == Money.of("50.00")
        assert empty.total_spend == Money.of(0) and empty.purchase_count == 0

    def test_purchases_between_stream_oldest_first(self, backend: Backend) -> None:
        """Purchases in a half-open period come oldest first; None means no lower bound."""
        sales = [_sale(self.tenant, "c1", at=T0 + timedelta(days=d)) for d in (3, 1, 2, 0)]
        self._store(backend, *sales)
        self._store(backend, _sale(self.other_tenant, "c1", at=T0), tenant=self.other_tenant)
        with backend.unit_of_work(self.tenant) as uow:
            window = [p.occurred_at for p in uow.purchases.between(T0 + timedelta(days=1), T0 + timedelta(days=3))]
            everything = list(uow.purchases.between(None, T0 + timedelta(days=10)))
        assert window == [T0 + timedelta(days=1), T0 + timedelta(days=2)]
        assert [p.occurred_at for p in everything] == [T0 + timedelta(days=d) for d in range(4)]

    def test_buying_summaries_count_local_purchase_days(self, backend: Backend) -> None:
        """Sales on one local day are one purchase day; returns, walk-ins and later sales do not count."""
        shanghai = timezone(timedelta(hours=8))
        day = datetime(2026, 3, 2, 0, 30, tzinfo=shanghai)
        first = _sale(self.tenant, "c1", "10.00", at=day)
        same_day = _sale(self.tenant, "c1", "5.50", at=day + timedelta(hours=23))
        later = _sale(self.tenant, "c1", "20.00", at=day + timedelta(days=3))
        back = later.make_return(lines=later.lines, at=day + timedelta(days=4))
        walk_in = _sale(self.tenant, None, at=day)
        after_end = _sale(self.tenant, "c1", at=day + timedelta(days=9))
        self._store(backend, first, same_day, later, back, walk_in, after_end)
        self._store(backend, _sale(self.other_tenant, "c1", at=day), tenant=self.other_tenant)
        with backend.unit_of_work(self.tenant) as uow:
            summaries = uow.purchases.buying_summaries(day + timedelta(days=9), "CNY")
        assert [(s.customer_id, s.first_day, s.last_day, s.purchase_days) for s in summaries] == [
            ("c1", date(2026, 3, 2), date(2026, 3, 5), 2)
        ]
        assert summaries[0].repeat_spend == Money.of("20.00") and summaries[0].repeat_days == 1

    def test_buying_summaries_match_the_reference_on_random_data(self, backend: Backend) -> None:
        """On random sales at many offsets, near local midnight, the store agrees with summaries_from."""
        rng = random.Random(1303)  # noqa: S311 - repeatable test data, not secrets
        offsets = [timezone(timedelta(minutes=m)) for m in (480, -300, 345, 0, -570)]
        purchases = []
        for n in range(120):
            zone = rng.choice(offsets)
            local = datetime(2026, 1, 1, tzinfo=zone) + timedelta(
                days=rng.randrange(60), minutes=rng.choice([0, 1, 719, 1439, rng.randrange(1440)])
            )
            amount = f"{rng.randrange(0, 50000) / 100:.2f}"
            customer = None if n % 17 == 0 else f"c{rng.randrange(12):02d}"
            purchases.append(_sale(self.tenant, customer, amount, at=local))
        purchases.append(purchases[1].make_return(lines=purchases[1].lines, at=purchases[1].occurred_at))
        self._store(backend, *purchases)
        end = datetime(2026, 2, 15, 12, tzinfo=UTC)
        with backend.unit_of_work(self.tenant) as uow:
            stored = uow.purchases.buying_summaries(end, "CNY")
        assert stored == summaries_from(purchases, end, "CNY")

    def test_purchase_condition_report_saved(self, backend: Backend) -> None:
        """Condition reports added later are saved with a version check."""
        sale = _sale(self.tenant, None)
        self._store(backend, sale)
        with backend.unit_of_work(self.tenant) as uow:
            loaded = uow.purchases.get(sale.id)
            loaded.report_condition(style_no="ST-1", years_in_use=Decimal("1.5"), condition="完好", at=T0)
            uow.purchases.save(loaded)
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert uow.purchases.get(sale.id).condition_reports[0].years_in_use == Decimal("1.5")

    def test_other_tenants_purchases_are_invisible(self, backend: Backend) -> None:
        """Purchases of one tenant are not visible to another."""
        sale = _sale(self.tenant, "c1", receipt="R-9")
        self._store(backend, sale)
        with backend.unit_of_work(self.other_tenant) as uow:
            with pytest.raises(NotFound):
                uow.purchases.get(sale.id)
            assert uow.purchases.by_receipt("R-9") is None
            assert uow.purchases.for_customer("c1") == []
            assert uow.purchases.returns_of(sale.id) == []
            assert uow.purchases.figures("c1", "CNY").purchase_count == 0

    # -- notes -----------------------------------------------------------------
    def test_notes_search_and_delete(self, backend: Backend) -> None:
        """Notes are found case-insensitively by text or tag, and erased per customer."""
        customer = _customer(self.tenant)
        n1 = Note.write(tenant=self.tenant, customer_id=customer.id, author="s1", text="Likes SILK scarves", at=T0)
        n2 = Note.write(
            tenant=self.tenant,
            customer_id=customer.id,
            author="s2",
            text="孩子下月生日",
            at=T0 + timedelta(hours=1),
            tags=frozenset({"家庭"}),
        )
        self._store(backend, customer, n1, n2)
        with backend.unit_of_work(self.tenant) as uow:
            assert [n.id for n in uow.notes.for_customer(customer.id)] == [n2.id, n1.id]
            assert [n.id for n in uow.notes.search("silk")] == [n1.id]
            assert [n.id for n in uow.notes.search("家庭")] == [n2.id]
            assert uow.notes.search("生日", author="s1") == []
        with backend.unit_of_work(self.other_tenant) as uow:
            assert uow.notes.search("silk") == []
            assert uow.notes.delete_for_customer(customer.id) == 0
        with backend.unit_of_work(self.tenant) as uow:
            assert uow.notes.delete_for_customer(customer.id) == 2
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert uow.notes.for_customer(customer.id) == []

    # -- outbox ----------------------------------------------------------------
    def test_events_reach_the_outbox_on_commit(self, backend: Backend) -> None:
        """New events are stored with the change; delivered ones leave the list."""
        customer = _customer(self.tenant)
        self._store(backend, customer)
        with backend.unit_of_work(self.tenant) as uow:
            pending = uow.outbox.pending()
        assert [m.name for m in pending] == ["CustomerRegistered"]
        assert pending[0].payload["customer_id"] == customer.id
        with backend.unit_of_work(self.other_tenant) as uow:
            assert uow.outbox.pending() == []
        with backend.unit_of_work(self.tenant) as uow:
            uow.outbox.mark_delivered([pending[0].id])
            uow.commit()
        with backend.unit_of_work(self.tenant) as uow:
            assert uow.outbox.pending() == []
