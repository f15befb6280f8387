"""What a customer merge moves in the cadences: the absorbed customer's touches, without duplicate keys."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clientcare.kernel._context import Context
    from clientcare.ports import UnitOfWork

__all__ = ["cadences_on_merge"]

#: Why an absorbed customer's open touch was cancelled: the kept customer has the same one.
DUPLICATE = "merged: the kept customer has the same touch"


def cadences_on_merge(ctx: Context, uow: UnitOfWork, kept_id: str, absorbed_id: str, at: datetime) -> None:
    """Each absorbed touch takes the kept customer's id and key, unless the kept customer already
    has a touch with that key: then an open one is cancelled and a closed one stays as history."""
    prefix = f"{absorbed_id}|"
    for touch in uow.touches.for_customer(absorbed_id):
        key = f"{kept_id}|{touch.key.removeprefix(prefix)}" if touch.key.startswith(prefix) else touch.key
        if key != touch.key and uow.touches.by_key(key) is not None:
            if touch.status.open:
                touch.cancel(why=DUPLICATE, by="merge", at=at)
                uow.touches.save(touch)
            continue
        touch.customer_id = kept_id
        touch.key = key
        uow.touches.save(touch)
