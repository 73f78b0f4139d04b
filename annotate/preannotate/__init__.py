"""Pre-annotation: pipelines that propose suggestions, and the engine that streams them.

Pure Python + spaCy (no Qt, no SQL). ``load_annotator("builtin", schema)`` gives the rule-based
pre-annotator that needs no download; ``load_annotator(path_or_package, schema)`` any spaCy
pipeline. :func:`preannotate` is the generator the window and the command line both run.
"""
from .annotators import (CLAIM_LABEL, REGISTRY, Annotator, DocSuggestions, available, installed_pipelines, latest,
                         load_annotator, register, suggestion_id)
from .engine import Progress, SuggestionBatch, preannotate

__all__ = ["Annotator", "CLAIM_LABEL", "DocSuggestions", "Progress", "REGISTRY", "SuggestionBatch", "available",
           "installed_pipelines", "latest", "load_annotator", "preannotate", "register", "suggestion_id"]
