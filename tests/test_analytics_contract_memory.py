"""The analytics contract on the in-memory adapter."""

from clientcare.adapters.memory import MemoryBackend
from clientcare.testing import AnalyticsContract


class TestMemoryAnalytics(AnalyticsContract):
    """The in-memory backend's analytics port equals the reference."""

    def make_backend(self) -> MemoryBackend:
        return MemoryBackend()
