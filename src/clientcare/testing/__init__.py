"""Test helpers shipped with clientcare, for its own adapters and yours.

:class:`BackendContract` is the repository contract suite: every storage
adapter — the in-memory one, the SQL one, or an embedder's own — must pass
it unchanged. Subclass it in a pytest module and implement
:meth:`BackendContract.make_backend`::

    from clientcare.testing import BackendContract

    class TestMyBackend(BackendContract):
        def make_backend(self):
            return MyBackend(...)

Requires pytest (``pip install clientcare[dev]``).
"""

from clientcare.testing._contract import BackendContract

__all__ = ["BackendContract"]
