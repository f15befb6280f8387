"""The repository contract suite on the in-memory adapter."""

from clientcare.adapters.memory import MemoryBackend
from clientcare.testing import BackendContract


class TestMemoryBackend(BackendContract):
    """The in-memory backend honours the repository contract."""

    def make_backend(self) -> MemoryBackend:
        return MemoryBackend()
