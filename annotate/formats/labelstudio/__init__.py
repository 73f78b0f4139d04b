"""Label Studio JSON: a list of tasks (or one task) with ``data``, ``annotations`` and ``predictions``.

Offsets are code points (``value.start``/``value.end`` over the text). Each region's
``value.text`` must be the text at its offsets; if it is not, the import is refused with a
message naming the file, the task and the region id (a copied or off-by-one region means the
file is not what it claims, and guessing would store wrong gold). A region whose text only
matches when its offsets are read as UTF-16 code units (a browser's count) is converted.

The mapping (README, "Formats and their clients"):

- ``labels`` regions are entities; a region labelled ``CLAIM`` is a claim, whose type,
  check-worthiness and free-text claimant are per-region ``choices`` (``claim_type``,
  ``checkworthy``) and ``textarea`` (``claimant_text``) results with the claim's region id.
- ``relation`` results (``from_id``/``to_id``, ``direction: left`` swaps the ends): labelled
  ``FAVOR``/``AGAINST``/``NEUTRAL`` they are stances (holder -> target), ``CLAIMANT`` names a
  claim's claimant (claim -> entity), ``COREF`` links entities into an entity group (see
  ``groups.py``; the group's id and who decided it are kept in the task's
  ``meta.marginalia.clusters``), any other label is a relation (no label: ``RELATED``).
- Document-level ``choices`` are document labels.
- ``annotations`` (and the legacy ``completions``) become gold; the annotator is the name kept
  in the task's ``meta.marginalia.annotators`` (our exports), else ``completed_by``'s email or
  id. An annotation that was ``was_cancelled`` is skipped and reported.
- ``predictions`` become suggestions with origin ``model:MODEL_VERSION`` and the region's
  ``score`` (or the prediction's). Label Studio's default export lists predictions as ids only;
  those are counted and reported, and the annotations are imported.
- The document id is ``data.marginalia_id`` (our exports carry it), else the task id. The text
  is ``data.text``; when there is no ``text`` key, the one string field of ``data`` that is not
  a URL (e.g. ``$ner``). The other ``data`` fields are kept in the meta.
- Other region types (``paragraphlabels``, ``rectanglelabels``, ...) are refused with a message.
"""
from .config import config_path, labeling_config
from .reader import looks_like_label_studio, parse_task, read
from .writer import Writer, to_task

__all__ = ["Writer", "config_path", "labeling_config", "looks_like_label_studio", "parse_task", "read", "to_task"]
