"""The repository and unit-of-work contract suites on the in-memory adapter."""

import pytest

from clientcare.adapters.memory import MemoryBackend
from clientcare.errors import DuplicateRecord
from clientcare.testing import BackendContract, CustomerPagingContract, UnitOfWorkContract
from clientcare.testing._complaints_contract import _complaint


class TestMemoryBackend(BackendContract):
    """The in-memory backend honours the repository contract."""

    def make_backend(self) -> MemoryBackend:
        return MemoryBackend()


class TestMemoryCustomerPaging(CustomerPagingContract):
    """The in-memory backend pages through customers as every backend does."""

    def make_backend(self) -> MemoryBackend:
        return MemoryBackend()


class TestMemoryUnitOfWork(UnitOfWorkContract):
    """The in-memory unit of work honours the unit-of-work contract."""

    def make_backend(self) -> MemoryBackend:
        return MemoryBackend()


def test_one_signal_opens_one_complaint_in_memory_too() -> None:
    """A second complaint from the same silent-complaint signal is DuplicateRecord("complaint", "signal")."""
    backend = MemoryBackend()
    with backend.unit_of_work("shop") as uow:
        uow.complaints.add(_complaint("shop", channel="survey", signal=("survey", "r-1")))
        uow.commit()
    with backend.unit_of_work("shop") as uow, pytest.raises(DuplicateRecord) as caught:
        uow.complaints.add(_complaint("shop", channel="survey", signal=("survey", "r-1")))
    assert (caught.value.entity, caught.value.field) == ("complaint", "signal")
    with backend.unit_of_work("shop") as uow:
        uow.complaints.add(_complaint("shop", channel="survey", signal=("survey", "r-2")))
        uow.complaints.add(_complaint("shop"))
        uow.complaints.add(_complaint("shop"))
        uow.commit()
