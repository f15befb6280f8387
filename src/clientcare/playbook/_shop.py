"""Who the messages come from: the shop's name and signature, and the unsubscribe links."""

from __future__ import annotations

from typing import Any

import attrs

from clientcare.errors import PlaybookError
from clientcare.playbook._checks import positive_int
from clientcare.playbook._provenance import assumed

__all__ = ["ShopSettings"]


def _link_base(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if value and not value.startswith(("https://", "http://")):
        raise PlaybookError(attribute.name, "must be an http(s) URL or empty")


def _secret(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    # A short secret can be guessed offline from one link; 16 characters is the floor.
    if value and len(value) < 16:
        raise PlaybookError(attribute.name, "must be at least 16 characters or empty")


@attrs.frozen
class ShopSettings:
    """``[shop]``: the name and signature customers see, and how they unsubscribe.

    A message never names the tenant id: with ``name`` empty the texts leave
    the shop out. ``unsubscribe_secret`` signs the unsubscribe tokens (give it
    here or as ``connect(..., unsubscribe_secret=...)``); without one, messages
    carry no unsubscribe link. ``unsubscribe_url`` is the embedder's page that
    takes ``?token=`` and calls ``care.privacy.unsubscribe``.
    """

    name: str = assumed("", why="the shop's own: the documents cannot know it")
    signature: str = assumed("", why="the shop's own: the documents cannot know it")
    unsubscribe_url: str = assumed("", why="the shop's own: the documents cannot know it", validator=_link_base)
    unsubscribe_secret: str = assumed(
        "", why="the shop's own: the documents cannot know it", validator=_secret, repr=False
    )
    #: How long a link in a sent message keeps working.
    unsubscribe_days: int = assumed(
        90, why="the documents do not speak of unsubscribing; a season of mailings", validator=positive_int
    )
