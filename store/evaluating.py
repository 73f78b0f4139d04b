"""Evaluating a pre-annotator against this database's gold, for ``marginalia evaluate`` and the
window's Model → Evaluate alike.

``held_out``: leave out the documents the pipeline was trained on (``train`` records them in the
pipeline folder), so the scores say how it does on text it has not seen.
"""
from __future__ import annotations

from annotate.errors import InputError
from annotate.evaluation import acceptance_rates, evaluate_annotator
from annotate.preannotate import load_annotator
from annotate.training import trained_on

from .decided import gold_documents, suggestion_outcomes


def evaluate_model(store, model: str, *, held_out: bool = False) -> dict:
    gold = gold_documents(store)
    source = str(store.path)
    if not gold:
        raise InputError(f"no documents marked done by {store.annotator}: the gold to evaluate against is empty",
                         source=source)
    excluded = 0
    if held_out:
        trained = trained_on(model)
        if trained is None:
            raise InputError("this model records no training documents, so none can be held out (only a pipeline "
                             "made by `marginalia train` does); evaluate without --held-out", source=model)
        kept = [(doc, spans) for doc, spans in gold if doc.sha256 not in trained]
        excluded = len(gold) - len(kept)
        if not kept:
            raise InputError(f"all {len(gold)} done documents were used to train this model: none is held out "
                             "to evaluate on (mark more documents done, or train with fewer)", source=model)
        gold = kept
    report = evaluate_annotator(load_annotator(str(model), store.schema), gold)
    report["acceptance"] = acceptance_rates(suggestion_outcomes(store))
    report["held_out"] = held_out
    report["excluded_trained"] = excluded
    return report
