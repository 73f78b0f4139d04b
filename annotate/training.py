"""Training a spaCy pipeline from the gold: entities with ``ner``, claims with ``spancat``.

Uses spaCy's own machinery: :func:`spacy.cli.init_config.init_config` writes the config
(``optimize="efficiency"``, no pretrained vectors, the tokenizer of ``spacy.blank("en")``), the
gold goes to DocBin files, and :func:`spacy.training.initialize.init_nlp` plus
:func:`spacy.training.loop.train` train it. The best pipeline is saved to the output folder,
which ``spacy.load`` (and so ``marginalia preannotate --model DIR``) reads.

Claims are long, so spancat's n-gram suggester would propose far too many candidates; instead
the claim-cue rules (``marginalia_claims`` writing ``doc.spans["claim_candidates"]``) propose
candidates, and spancat learns which of them people kept (``spacy.preset_spans_suggester.v1``).
"""
from __future__ import annotations

import io
import json
import random
import shutil
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from .errors import InputError
from .formats.landing import land, temp_beside
from .model import CLAIM, ENTITY, Document, Span

MIN_DONE_DOCUMENTS = 2
MIN_GOLD_ENTITIES = 10
MIN_CLAIMS_FOR_SPANCAT = 20
CLAIMS_KEY = "claims"
CANDIDATES_KEY = "claim_candidates"
CLAIM_LABEL = "CLAIM"


class NotEnoughGold(InputError):
    """Too little gold to train on."""


@dataclass
class TrainResult:
    path: Path
    name: str
    version: str
    labels: list[str]
    with_claims: bool
    train_docs: int
    dev_docs: int
    entities: int
    claims: int
    dropped: int
    scores: dict = field(default_factory=dict)


def check_gold(gold: list[tuple[Document, list[Span]]]) -> tuple[int, int]:
    """Raise NotEnoughGold unless there is enough to train on; return (entities, claims)."""
    entities = sum(1 for _, spans in gold for s in spans if s.layer == ENTITY)
    claims = sum(1 for _, spans in gold for s in spans if s.layer == CLAIM)
    if len(gold) < MIN_DONE_DOCUMENTS or entities < MIN_GOLD_ENTITIES:
        raise NotEnoughGold(
            f"not enough gold to train: {len(gold)} document(s) marked done with {entities} gold entities; "
            f"training needs at least {MIN_DONE_DOCUMENTS} done documents and {MIN_GOLD_ENTITIES} accepted or "
            "manual entities (review more documents and mark them done)")
    return entities, claims


def split(items: list, dev_fraction: float, seed: int) -> tuple[list, list]:
    """Documents shuffled with ``seed``; at least one in each part."""
    if not 0 < dev_fraction < 1:
        raise InputError(f"--dev-fraction must be between 0 and 1, not {dev_fraction}")
    order = list(items)
    random.Random(seed).shuffle(order)
    n_dev = min(len(order) - 1, max(1, round(len(order) * dev_fraction)))
    return order[n_dev:], order[:n_dev]


def to_docs(nlp, gold: list[tuple[Document, list[Span]]]) -> tuple[list, int]:
    """spaCy Docs with ``ents`` and ``spans["claims"]``; returns (docs, spans dropped).

    Spans are snapped outward to tokens; overlapping entities keep the longest (``doc.ents``
    cannot overlap). Dropped spans are counted, never silently lost.
    """
    from spacy.util import filter_spans
    docs, dropped = [], 0
    for document, spans in gold:
        doc = nlp.make_doc(document.text)
        ents, claims = [], []
        for span in spans:
            char_span = doc.char_span(span.start, span.end, label=span.label if span.layer == ENTITY else CLAIM_LABEL,
                                      alignment_mode="expand")
            if char_span is None:
                dropped += 1
                continue
            (ents if span.layer == ENTITY else claims).append(char_span)
        kept = filter_spans(ents)
        dropped += len(ents) - len(kept)
        doc.ents = kept
        doc.spans[CLAIMS_KEY] = claims
        docs.append(doc)
    return docs, dropped


STEP_CALLBACK = "marginalia.training_step.v1"
DOCUMENTS_FILE = "documents.json"
_step = threading.local()


def _register_step_callback() -> None:
    """A ``[training.before_update]`` callback that hands each step to the running ``train_pipeline``'s
    ``on_step`` (which may raise to stop training: nothing is then written to the output folder)."""
    from spacy.util import registry

    def make():
        def before_update(nlp, info) -> None:
            hook = getattr(_step, "hook", None)
            if hook is not None:
                hook(int(info["step"]))
        return before_update
    registry.callbacks.register(STEP_CALLBACK, func=make)


def build_config(*, with_claims: bool, max_steps: int | None, seed: int, train_path: str, dev_path: str):
    """The training config: spaCy's quickstart (efficiency, CPU, no vectors), adapted."""
    from spacy.cli.init_config import init_config
    config = init_config(lang="en", pipeline=["ner", "spancat"] if with_claims else ["ner"],
                         optimize="efficiency", gpu=False)
    config["paths"]["train"] = train_path
    config["paths"]["dev"] = dev_path
    config["paths"]["vectors"] = None
    config["system"]["seed"] = seed
    training = config["training"]
    if max_steps:
        training["max_steps"] = int(max_steps)
        training["eval_frequency"] = max(1, min(200, int(max_steps) // 2))
        training["patience"] = 0
    training["logger"] = {"@loggers": "spacy.ConsoleLogger.v1", "progress_bar": False}
    weights = {"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None}
    if with_claims:
        config["nlp"]["pipeline"] = ["tok2vec", "ner", CANDIDATES_KEY, "spancat"]
        config["components"][CANDIDATES_KEY] = {"factory": "marginalia_claims", "key": CANDIDATES_KEY,
                                                "require_speaker": False, "min_tokens": 3}
        spancat = config["components"]["spancat"]
        spancat["spans_key"] = CLAIMS_KEY
        spancat["suggester"] = {"@misc": "spacy.preset_spans_suggester.v1", "spans_key": CANDIDATES_KEY}
        training["annotating_components"] = [CANDIDATES_KEY]
        weights = {"ents_f": 0.6, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None,
                   f"spans_{CLAIMS_KEY}_f": 0.4, f"spans_{CLAIMS_KEY}_p": 0.0, f"spans_{CLAIMS_KEY}_r": 0.0}
    training["score_weights"] = weights
    return config


def train_pipeline(gold: list[tuple[Document, list[Span]]], out_dir: str | Path, *, dev_fraction: float = 0.2,
                   seed: int = 0, max_steps: int | None = None, name: str = "marginalia",
                   log: Callable[[str], None] | None = None,
                   on_step: Callable[[int], None] | None = None) -> TrainResult:
    """Train from ``gold`` (documents with their accepted/manual spans) and save to ``out_dir``.

    The folder also gets ``training/documents.json``: the id and text hash of every document
    trained on and of every dev document, so ``evaluate --held-out`` can leave the former out.
    ``on_step(step)`` is called before each update; an exception from it stops training and
    leaves ``out_dir`` as it was.
    """
    import spacy
    from spacy.tokens import DocBin
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_loop

    from . import preannotate  # noqa: F401  (registers marginalia_claims)

    entities, claims = check_gold(gold)
    with_claims = claims >= MIN_CLAIMS_FOR_SPANCAT
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / "meta.json").exists():
        raise InputError("the output folder exists and is not a pipeline folder; give a new or empty folder",
                         source=str(out_dir))
    blank = spacy.blank("en")
    train_gold, dev_gold = split(gold, dev_fraction, seed)
    train_docs, dropped_train = to_docs(blank, train_gold)
    dev_docs, dropped_dev = to_docs(blank, dev_gold)
    stdout = io.StringIO()
    # Everything is built in a folder beside the target (.NAME.PID.RANDOM.part, removed by the next run
    # if this one is killed), and the pipeline replaces the target in one step at the end: a kill at
    # any moment leaves the previous model whole, never no model or half of one.
    part = temp_beside(out_dir, folder=True)
    try:
        work_dir = part / "work"
        work_dir.mkdir()
        DocBin(docs=train_docs, store_user_data=False).to_disk(work_dir / "train.spacy")
        DocBin(docs=dev_docs, store_user_data=False).to_disk(work_dir / "dev.spacy")
        config = build_config(with_claims=with_claims, max_steps=max_steps, seed=seed,
                              train_path=str(work_dir / "train.spacy"), dev_path=str(work_dir / "dev.spacy"))
        config.to_disk(work_dir / "config.cfg")
        if on_step is not None:
            _register_step_callback()
            config["training"]["before_update"] = {"@callbacks": STEP_CALLBACK}
        if log:
            log(f"training on {len(train_docs)} documents, evaluating on {len(dev_docs)} "
                f"({entities} gold entities, {claims} gold claims{'' if with_claims else '; too few claims for spancat'})")
        nlp = init_nlp(config, use_gpu=-1)
        (work_dir / "output").mkdir()
        _step.hook = on_step
        try:
            train_loop(nlp, work_dir / "output", use_gpu=-1, stdout=stdout, stderr=stdout)
        finally:
            _step.hook = None
        best = work_dir / "output" / "model-best"
        if not best.exists():
            best = work_dir / "output" / "model-last"
        trained = spacy.load(best)
        if on_step is not None:
            # The saved pipeline must load and retrain without this process's callback.
            trained.config["training"]["before_update"] = None
        version = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        trained.meta["name"] = name
        trained.meta["version"] = version
        trained.meta["description"] = "Trained by Marginalia from reviewed gold"
        perf = trained.meta.get("performance", {}) or {}
        trained.meta["marginalia"] = {"train_docs": len(train_docs), "dev_docs": len(dev_docs),
                                      "entities": entities, "claims": claims, "with_claims": with_claims,
                                      "dropped_spans": dropped_train + dropped_dev, "seed": seed,
                                      "dev_fraction": dev_fraction, "max_steps": max_steps}
        model = part / "model"
        trained.to_disk(model)
        (model / "training").mkdir()
        shutil.copy(work_dir / "config.cfg", model / "training" / "config.cfg")
        (model / "training" / "log.txt").write_text(stdout.getvalue(), encoding="utf-8")
        (model / "training" / DOCUMENTS_FILE).write_text(json.dumps({
            "train": [{"id": doc.id, "sha256": doc.sha256} for doc, _ in train_gold],
            "dev": [{"id": doc.id, "sha256": doc.sha256} for doc, _ in dev_gold]}, indent=0), encoding="utf-8")
        _sync_tree(model)
        land(model, out_dir)
    finally:
        shutil.rmtree(part, ignore_errors=True)
    labels = sorted(trained.get_pipe("ner").labels) if "ner" in trained.pipe_names else []
    return TrainResult(out_dir, name, version, labels, with_claims, len(train_docs), len(dev_docs), entities,
                       claims, dropped_train + dropped_dev,
                       {k: v for k, v in perf.items() if isinstance(v, (int, float))})


def _sync_tree(folder: Path) -> None:
    """Every file of the new pipeline on disk before it replaces the old one (a power cut then leaves
    one of the two, whole)."""
    for path in sorted(folder.rglob("*"), reverse=True) + [folder]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def trained_on(model_dir: str | Path) -> set[str] | None:
    """Text hashes of the documents a pipeline folder was trained on (not its dev documents), or
    None when it records none (builtin, a downloaded pipeline, or one trained elsewhere)."""
    path = Path(model_dir) / "training" / DOCUMENTS_FILE
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        return {entry["sha256"] for entry in record["train"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"unreadable record of training documents ({exc})", source=str(path)) from None


def summary(result: TrainResult) -> dict:
    return {"path": str(result.path), "model": f"model:{result.name}@{result.version}", "labels": result.labels,
            "with_claims": result.with_claims, "train_docs": result.train_docs, "dev_docs": result.dev_docs,
            "entities": result.entities, "claims": result.claims, "dropped_spans": result.dropped,
            "dev_scores": result.scores}

