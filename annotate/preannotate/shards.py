"""Pre-annotating a shard of documents in a worker process (a Dask worker, on this machine or
another): the pipeline is loaded once per process and kept for the shards that follow.

Pure: texts in, suggestions out. Reading the documents and writing the suggestions stay with
the one process that holds the database (``store.cluster``).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..schema import Schema
from .annotators import Annotator, DocSuggestions, load_annotator
from .engine import preannotate

#: (model, schema as JSON) -> the loaded annotator, in this worker process.
_LOADED: dict[tuple[str, str], Annotator] = {}


@dataclass
class ShardResult:
    items: list[DocSuggestions]
    unmapped: Counter = field(default_factory=Counter)
    tokens: int = 0
    loaded: bool = False  # whether this shard loaded the pipeline (the first one in its process)


def annotator_for(model: str, schema: Schema) -> tuple[Annotator, bool]:
    """The annotator for ``model`` under ``schema``, loaded on first use in this process."""
    key = (model, schema.to_json())
    annotator = _LOADED.get(key)
    if annotator is not None:
        return annotator, False
    annotator = _LOADED[key] = load_annotator(model, schema)
    return annotator, True


def annotate_shard(model: str, schema: Schema, documents: list[tuple[str, str]]) -> ShardResult:
    """Suggestions for ``(text, doc_id)`` pairs, as one batch of the local run would give them."""
    annotator, loaded = annotator_for(model, schema)
    result = ShardResult([], loaded=loaded)
    for batch in preannotate(annotator, documents, batch_size=max(1, len(documents))):
        result.items += batch.items
        result.unmapped.update(batch.unmapped)
        result.tokens += batch.tokens
    return result


def origin_of(model: str, schema: Schema) -> str:
    """The origin a model's suggestions carry (loads it here once, as the workers will)."""
    return annotator_for(model, schema)[0].origin
