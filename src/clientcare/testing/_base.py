"""What every contract suite shares: the factory hook and the backend fixture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from clientcare import serialization
from clientcare.ports import Backend

__all__ = ["ContractBase", "state"]


def state(obj: object) -> object:
    """An aggregate's stored fields, without its version, for before/after comparison."""
    data = serialization.unstructure(obj)
    if isinstance(data, dict):
        data.pop("version", None)
    return data


class ContractBase:
    """The factory hook: subclasses implement :meth:`make_backend`."""

    tenant = "contract-a"
    other_tenant = "contract-b"

    def make_backend(self) -> Backend:
        """Return a fresh, empty backend (override in your test module)."""
        raise NotImplementedError

    @pytest.fixture
    def backend(self) -> Iterator[Backend]:
        """A fresh backend per test, closed afterwards."""
        backend = self.make_backend()
        yield backend
        backend.close()
