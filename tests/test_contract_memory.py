"""The repository and unit-of-work contract suites on the in-memory adapter."""

from clientcare.adapters.memory import MemoryBackend
from clientcare.testing import BackendContract, UnitOfWorkContract


class TestMemoryBackend(BackendContract):
    """The in-memory backend honours the repository contract."""

    def make_backend(self) -> MemoryBackend:
        return MemoryBackend()


class TestMemoryUnitOfWork(UnitOfWorkContract):
    """The in-memory unit of work honours the unit-of-work contract."""

    def make_backend(self) -> MemoryBackend:
        return MemoryBackend()
