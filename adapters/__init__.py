"""Adapters: implementations of clientcare's ports.

Each subpackage is imported on demand (``clientcare.adapters.memory``,
``clientcare.adapters.sqlalchemy``); importing this package imports none of
them, so the core stays free of SQLAlchemy and drivers.
"""

__all__: list[str] = []
