"""The complaint repositories' contract (clientcare.testing), run on the in-memory adapter.

The SQL adapter runs the same contract in tests/sql/test_contracts_sql.py.
"""

from __future__ import annotations

from clientcare.adapters.memory import MemoryBackend
from clientcare.testing import ComplaintRepositoryContract


class TestMemoryComplaints(ComplaintRepositoryContract):
    """The in-memory adapter honours the complaint repository contract."""

    def make_backend(self) -> MemoryBackend:
        return MemoryBackend()
