"""The customer paging contract: keyset pages by (name, id) in code point order."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from clientcare.customers import Customer
from clientcare.ports import Backend
from clientcare.testing._base import ContractBase

__all__ = ["CustomerPagingContract"]

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=8)))

# Capitals sort before small letters and both before Han characters by code
# point; a database collation that sorts otherwise fails here.
NAMES = ("王芳", "Anna", "anna", "Zoe", "李雷", "王芳", "Émile", "bob")


class CustomerPagingContract(ContractBase):
    """``CustomerRepository.page``: every backend pages alike. Subclasses implement ``make_backend``."""

    def _archive(self, backend: Backend, tenant: str | None = None) -> list[Customer]:
        customers = [
            Customer.register(tenant=tenant or self.tenant, name=name, phone=f"1390000{n:04d}", at=T0)
            for n, name in enumerate(NAMES)
        ]
        customers[1].tag("wedding", by="s1", at=T0)
        customers[5].tag("wedding", by="s1", at=T0)
        with backend.unit_of_work(tenant or self.tenant) as uow:
            for customer in customers:
                uow.customers.add(customer)
            uow.commit()
        return customers

    def _walk(self, backend: Backend, size: int, **filters: str) -> list[list[str]]:
        pages: list[list[str]] = []
        after: str | None = None
        while True:
            with backend.unit_of_work(self.tenant) as uow:
                page = uow.customers.page(after=after, limit=size, **filters)
            if not page:
                return pages
            pages.append([c.id for c in page])
            after = page[-1].id

    def test_pages_cover_everyone_once_in_code_point_order(self, backend: Backend) -> None:
        """Pages of two, resumed after each page's last id, give every customer once, by (name, id)."""
        customers = self._archive(backend)
        expected = [c.id for c in sorted(customers, key=lambda c: (c.name, c.id))]
        pages = self._walk(backend, 3)
        assert [customer_id for page in pages for customer_id in page] == expected
        assert [len(page) for page in pages] == [3, 3, 2]

    def test_filters_narrow_the_pages(self, backend: Backend) -> None:
        """A name fragment (case-folded), a tag and a phone each narrow the listing; paging still works."""
        customers = self._archive(backend)
        same_name = sorted(c.id for c in customers if c.name == "王芳")
        assert [i for page in self._walk(backend, 1, name="王") for i in page] == same_name
        assert sorted(i for page in self._walk(backend, 5, name="ANNA") for i in page) == sorted(
            c.id for c in customers if c.name.casefold() == "anna"
        )
        tagged = sorted([customers[1], customers[5]], key=lambda c: (c.name, c.id))
        assert self._walk(backend, 5, tag="wedding") == [[c.id for c in tagged]]
        assert self._walk(backend, 5, phone=customers[3].phone or "") == [[customers[3].id]]
        assert self._walk(backend, 5, name="nobody") == []

    def test_erased_customers_are_left_out_and_still_resume(self, backend: Backend) -> None:
        """An erased customer is not listed, and a cursor ending on her still resumes (after her new name)."""
        customers = self._archive(backend)
        ordered = sorted(customers, key=lambda c: (c.name, c.id))
        with backend.unit_of_work(self.tenant) as uow:
            anchor = uow.customers.get(ordered[2].id)
            anchor.erase(at=T0)
            uow.customers.save(anchor)
            uow.commit()
        listed = [i for page in self._walk(backend, 3) for i in page]
        assert anchor.id not in listed and len(listed) == len(customers) - 1
        with backend.unit_of_work(self.tenant) as uow:
            # She is "(erased)" now: the page resumes after that name.
            rest = [c.id for c in uow.customers.page(after=anchor.id, limit=50)]
        others = sorted((c for c in customers if c.id != anchor.id), key=lambda c: (c.name, c.id))
        assert rest == [c.id for c in others if c.name > "(erased)"]

    def test_other_tenants_and_unknown_cursors_give_nothing(self, backend: Backend) -> None:
        """Another tenant's customers never appear, and resuming after an unknown id gives an empty page."""
        mine = self._archive(backend)
        self._archive(backend, tenant=self.other_tenant)
        listed = [i for page in self._walk(backend, 4) for i in page]
        assert sorted(listed) == sorted(c.id for c in mine)
        with backend.unit_of_work(self.tenant) as uow:
            assert uow.customers.page(after="no-such-id") == []
        with backend.unit_of_work(self.other_tenant) as uow:
            assert uow.customers.page(after=mine[0].id) == []
