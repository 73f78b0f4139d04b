"""The Model menu: train from the gold, pre-annotate with any pre-annotator, evaluate one.

A mixin of MainWindow. Training and evaluation run on a worker thread with a Store of their own
(progress, cancel); pre-annotation goes through ``preannotate_corpus``. Pipelines trained from
the window are remembered per database and offered first.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from . import settings

if TYPE_CHECKING:  # imported when first used: not needed for the window's first paint
    from .background import BackgroundTask
    from .model_dialogs import EvaluationDialog, ModelChooser, TrainDialog


class ModelActions:
    """Expects: self.store, self.message, self.error, self._start, self._report, self._has_file."""

    def trained_models(self) -> list[str]:
        paths = settings.database_value(self.store.path or "", "models", []) if self._has_file(quiet=True) else []
        return [p for p in paths if (Path(p) / "meta.json").is_file()]

    def _installed_pipelines(self) -> list[str]:
        from annotate.preannotate import installed_pipelines
        try:
            return installed_pipelines()
        except Exception:  # a broken package must not stop the menu
            return []

    # ---- train -------------------------------------------------------------------------------------

    def train_model(self) -> TrainDialog | None:
        if not self._has_file():
            return None
        db = Path(str(self.store.path))
        out = db.with_name(f"{db.stem}-models") / datetime.now().strftime("model-%Y%m%d-%H%M%S")
        from .model_dialogs import TrainDialog
        dialog = TrainDialog(self, out=str(out), done=self.store.stats()["status"]["done"])
        dialog.accepted.connect(lambda: self.run_training(dialog.choices()))
        self.train_dialog = dialog
        dialog.open()
        return dialog

    def run_training(self, choices: dict) -> BackgroundTask | None:
        if not self._has_file() or not choices["out"]:
            return None
        db_path, annotator = str(self.store.path), self.store.annotator
        steps = choices["max_steps"]

        def work(task):
            from annotate.training import train_pipeline
            from store import Store
            from store.decided import gold_documents
            from annotate.paths import refuse_database_paths
            refuse_database_paths(db_path, [("the training folder", Path(choices["out"]))])
            task.report(0, steps or 0, "Reading the gold…")
            with Store.open(db_path, annotator, create=False) as store:
                gold = gold_documents(store)

            def step(n: int) -> None:
                task.check()  # raising here stops training; the folder is left as it was
                task.report(n, steps or 0, f"Training: step {n}" + (f" of {steps}" if steps else ""))
            return train_pipeline(gold, choices["out"], dev_fraction=choices["dev_fraction"], seed=choices["seed"],
                                  max_steps=steps, name=Path(db_path).stem or "marginalia", on_step=step)

        from .background import BackgroundTask
        task = BackgroundTask(self, "Train", work, label="Training a spaCy pipeline on the gold…")
        task.done.connect(self._trained)
        task.failed.connect(lambda message: self._report("Training failed", message))
        task.cancelled.connect(lambda: self.message("training cancelled: no pipeline was written"))
        return self._start(task)

    def _trained(self, result) -> None:
        path = str(Path(result.path).resolve())
        models = [path] + [p for p in settings.database_value(self.store.path, "models", []) if p != path]
        settings.set_database_value(self.store.path, "models", models[:20])
        self.last_trained = path
        self.message(f"trained model:{result.name}@{result.version} on {result.train_docs} documents "
                     f"(dev F1 {result.scores.get('ents_f', 0.0):.3f}), saved to {path}; "
                     "Model → Pre-annotate with… offers it first")

    # ---- pre-annotate --------------------------------------------------------------------------------

    def preannotate_with(self) -> ModelChooser:
        from .model_dialogs import ModelChooser
        dialog = ModelChooser(self, title="Pre-annotate with", trained=self.trained_models(),
                              installed=self._installed_pipelines())
        dialog.accepted.connect(lambda: self.preannotate_corpus(dialog.choice()))
        self.model_chooser = dialog
        dialog.open()
        return dialog

    # ---- evaluate -----------------------------------------------------------------------------------

    def evaluate_model(self) -> ModelChooser:
        from .model_dialogs import ModelChooser
        dialog = ModelChooser(self, title="Evaluate", trained=self.trained_models(),
                              installed=self._installed_pipelines(), held_out=True)
        dialog.accepted.connect(lambda: self.run_evaluation(dialog.choice(), held_out=dialog.held_out.isChecked()))
        self.model_chooser = dialog
        dialog.open()
        return dialog

    def run_evaluation(self, model: str, *, held_out: bool = False) -> BackgroundTask | None:
        if not self._has_file():
            return None
        db_path, annotator = str(self.store.path), self.store.annotator

        def work(task):
            from store import Store
            from store.evaluating import evaluate_model
            task.report(0, 0, f"Evaluating {model}…")
            with Store.open(db_path, annotator, create=False, read_only=True) as store, store.snapshot():
                report = evaluate_model(store, model, held_out=held_out)
            task.check()  # a Cancel pressed meanwhile: show nothing
            return report

        from .background import BackgroundTask
        task = BackgroundTask(self, "Evaluate", work, label=f"Evaluating {model} against the gold…")
        task.done.connect(self._show_evaluation)
        task.failed.connect(lambda message: self._report("Evaluation failed", message))
        task.cancelled.connect(lambda: self.message("evaluation cancelled"))
        return self._start(task)

    def _show_evaluation(self, report: dict) -> None:
        from .model_dialogs import EvaluationDialog
        dialog = EvaluationDialog(self, report)
        self.evaluation_dialog = dialog
        overall = report["entities"].get("ALL", {})
        self.message(f"{report['model']}: entity F1 {overall.get('f1', 0.0):.3f} on {report['documents']} documents")
        dialog.show()
