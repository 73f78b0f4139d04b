"""The pre-annotation engine: a generator, free of any UI, that streams documents through a
pipeline and yields progress with batches of suggestions.

The window runs it on a worker thread (cancellation is a callback checked between documents);
the command line runs it with a progress bar. Writing is the caller's business (see
``store.suggestions``), one batch per transaction.
"""
from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from .annotators import Annotator, DocSuggestions


@dataclass
class Progress:
    done: int
    total: int | None


@dataclass
class SuggestionBatch:
    """Suggestions for a run of documents, with the progress after them."""

    items: list[DocSuggestions]
    progress: Progress
    unmapped: Counter = field(default_factory=Counter)

    @property
    def tokens(self) -> int:
        return sum(item.tokens for item in self.items)


def preannotate(annotator, docs: Iterable[tuple[str, str]], *, batch_size: int = 64,
                cancelled: Callable[[], bool] | None = None, total: int | None = None,
                n_process: int = 1, schema=None) -> Iterator[SuggestionBatch]:
    """Run ``annotator`` (an :class:`Annotator`, or a bare spaCy ``Language`` with ``schema``)
    over ``(text, doc_id)`` pairs; yield a :class:`SuggestionBatch` every ``batch_size`` documents.

    ``nlp.pipe(as_tuples=True)`` carries the ids through the pipeline. ``cancelled`` is asked
    before each document; when it returns true the generator stops after yielding what is done.
    """
    if not isinstance(annotator, Annotator):
        if schema is None:
            from ..schema import default_schema
            schema = default_schema()
        meta = getattr(annotator, "meta", {}) or {}
        annotator = Annotator(annotator, meta.get("name") or "pipeline", meta.get("version") or "0", schema)
    if total is None and hasattr(docs, "__len__"):
        total = len(docs)  # type: ignore[arg-type]
    batch_size = max(1, int(batch_size))
    done = 0
    items: list[DocSuggestions] = []
    unmapped: Counter = Counter()
    stop = cancelled or (lambda: False)

    # The texts handed to the pipeline, in order, for the conversion: reading Doc.text makes a
    # Token of every token again (a fifth of the conversion). nlp.pipe keeps the order.
    fed: deque = deque()

    def source():
        for text, doc_id in docs:
            if stop():
                return
            fed.append((doc_id, text))
            yield text, doc_id

    stream = annotator.nlp.pipe(source(), as_tuples=True, batch_size=batch_size, n_process=n_process)
    try:
        for doc, doc_id in stream:
            fed_id, text = fed.popleft()
            item = annotator.suggestions(doc, doc_id, text if fed_id == doc_id else None)
            items.append(item)
            unmapped.update(item.unmapped)
            done += 1
            if len(items) >= batch_size:
                yield SuggestionBatch(items, Progress(done, total), unmapped)
                items, unmapped = [], Counter()
            if stop():
                break
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()
    if items:
        yield SuggestionBatch(items, Progress(done, total), unmapped)
