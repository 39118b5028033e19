"""Spaced review: what is due, as items to ask."""
from __future__ import annotations

import random

from ..core.models import Bank
from ..core.session import Item
from .items import UnknownItem, item_from_id


def due_items(bank: Bank, store, limit: int, seed: int | None = None) -> list[Item]:
    """The items whose cards are due in `store` (progress.store.Store), most overdue first.

    A generator family's card comes back as a fresh variant of the same kind of problem; a
    card whose question has left the bank is passed over. The order is interleaved (see
    study/interleave.py): never two of one family or first concept in a row when avoidable."""
    from .interleave import interleave

    rng = random.Random(seed)
    items = []
    for row in store.due_cards(limit=limit):
        card = row["card"]
        try:
            if card.startswith("family:"):
                items.append(item_from_id(bank, f"{card.split(':', 1)[1]}:{rng.randrange(1, 10_000)}"))
            else:
                items.append(item_from_id(bank, card))
        except UnknownItem:
            continue
    return interleave(items)
