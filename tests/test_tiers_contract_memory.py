"""The loyalty repository contract (tiers, membership, points, referrals, contracts) on the in-memory adapter."""

from clientcare.adapters.memory import MemoryBackend
from clientcare.testing import LoyaltyContract


class TestMemoryLoyalty(LoyaltyContract):
    """The in-memory backend honours the loyalty repository contract."""

    def make_backend(self) -> MemoryBackend:
        return MemoryBackend()
