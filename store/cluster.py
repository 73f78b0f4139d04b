"""Pre-annotation on a Dask cluster: workers on this machine or others run the pipeline, this
process writes what they return.

The documents are read here, a page at a time, and sent out in shards of ``batch_size``; each
worker process loads the pipeline once (``annotate.preannotate.shards``) and returns the shard's
suggestions; this process writes each shard as it comes back, in one transaction, with the same
rules and audit events as a local run (``write_suggestions``). Only a few shards per worker are
out at once, so memory stays flat however large the corpus. A run stopped half-way goes on where
it stopped, as a local run does.

Dask (``pip install 'marginalia[cluster]'``) is imported only here. ``connect`` gives a client for
a running scheduler (``--scheduler tcp://host:8786``) or for a local cluster of worker processes
(``--workers N``).
"""
from __future__ import annotations

import contextlib
from typing import Callable, Iterator

from annotate.errors import InputError
from annotate.preannotate.shards import annotate_shard, origin_of

from .store import Store
from .suggestions import RunResult, iter_texts, preannotated_by, write_suggestions

#: Shards out at once, per worker thread: one computing, one waiting, one on its way back.
IN_FLIGHT_PER_WORKER = 3


def _distributed():
    try:
        import distributed
    except ImportError:
        raise InputError("pre-annotating on a cluster needs Dask: pip install 'marginalia[cluster]' "
                         "(on this machine and on every worker)") from None
    return distributed


@contextlib.contextmanager
def connect(*, scheduler: str | None = None, workers: int | None = None) -> Iterator[object]:
    """A Dask client: of the scheduler at ``scheduler``, or of a local cluster of ``workers``
    worker processes (one thread each: spaCy's pipelines are not made for threads), closed on exit."""
    distributed = _distributed()
    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
        with client:
            yield client
        return
    cluster = distributed.LocalCluster(n_workers=max(1, int(workers or 1)), threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        yield client


def _shards(documents, size: int) -> Iterator[list[tuple[str, str]]]:
    shard: list[tuple[str, str]] = []
    for pair in documents:
        shard.append(pair)
        if len(shard) >= size:
            yield shard
            shard = []
    if shard:
        yield shard


def run_on_cluster(store: Store, model: str, client, *, batch_size: int = 64,
                   cancelled: Callable[[], bool] | None = None,
                   on_progress: Callable[[int, int | None, RunResult], None] | None = None) -> RunResult:
    """Pre-annotate the database's documents with ``model`` (a name or a folder every worker can
    load) on the cluster behind ``client``; the same suggestions as ``run_preannotation``."""
    distributed = _distributed()
    schema = store.schema
    # The model's origin decides what was done already; a worker loads the model to say it (and
    # keeps it loaded for the shards).
    try:
        origin = client.submit(origin_of, model, schema, pure=False).result()
    except InputError:
        raise
    result = RunResult(origin)
    done = preannotated_by(store, origin)
    result.resumed = len(done)
    total = store.document_count() - len(done)
    shards = _shards(iter_texts(store, skip=done), max(1, int(batch_size)))
    stop = cancelled or (lambda: False)
    limit = max(1, sum(client.nthreads().values())) * IN_FLIGHT_PER_WORKER
    running = distributed.as_completed()
    sent = finished = 0

    def send() -> bool:
        nonlocal sent
        if stop():
            return False
        shard = next(shards, None)
        if shard is None:
            return False
        running.add(client.submit(annotate_shard, model, schema, shard, pure=False))
        sent += 1
        return True

    while sent < limit and send():
        pass
    try:
        for future in running:
            shard = future.result()
            result.stats.add(write_suggestions(store, origin, shard.items))
            result.unmapped.update(shard.unmapped)
            result.tokens += shard.tokens
            finished += len(shard.items)
            if on_progress is not None:
                on_progress(finished, total, result)
            send()
    finally:
        for future in list(running.futures):
            future.cancel()
    result.cancelled = stop()
    return result
