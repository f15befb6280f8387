"""The touches repository contract on the in-memory adapter."""

from clientcare.adapters.memory import MemoryBackend
from clientcare.testing import TouchesContract


class TestMemoryTouches(TouchesContract):
    """The in-memory backend honours the touches contract."""

    def make_backend(self) -> MemoryBackend:
        return MemoryBackend()
