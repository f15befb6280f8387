"""The in-memory adapter: dict-backed storage with real transaction semantics.

It is the fake every test and example can use: units of work stage their
writes and apply them at commit under a lock, checking versions, so rollback,
optimistic concurrency and uniqueness behave as on the SQL adapter.
"""

from clientcare.adapters.memory._backend import MemoryBackend, MemoryUnitOfWork, open_backend

__all__ = ["MemoryBackend", "MemoryUnitOfWork", "open_backend"]
