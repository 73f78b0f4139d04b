"""Python's cycle collector paused for a bulk step."""
from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the length of a bulk step: it walks every object the
    process holds each few hundred allocations, and a bulk write (an import, accept-all, a
    pre-annotation batch) or the preparing of an import allocates hundreds of thousands of rows,
    none of them in a cycle (an eighth of an import's time went to it; a third of the preparing
    of 3,000 documents). Reference counting still frees them."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
