"""brat standoff: ``NAME.txt`` with ``NAME.ann`` beside it. Offsets are code points.

- ``T`` lines become entities with the T id as their id. A discontinuous entity
  (``Type 0 5;10 15``) is stored over its outer extent with ``attrs["fragments"] = [[0, 5], [10, 15]]``,
  and written back fragment by fragment. The text column is checked against the ``.txt``
  (fragments joined with one space, as brat writes it). Fragments whose gaps are only line
  breaks are one entity over the break: brat cannot hold a line break inside a fragment, so an
  entity that crosses one is written as fragments split at the break, and read back whole.
- ``R`` lines with ``Arg1``/``Arg2`` between two ``T`` become relations (head = Arg1).
- ``A`` attributes and ``#`` notes on a ``T`` go into the entity's attrs
  (``attributes``: name -> value or true; ``notes``: [[type, text], ...]).
- Claims and stances (README, "Formats and their clients"): a claim is a ``CLAIM`` text-bound
  annotation with the attributes ``ClaimType`` and ``Checkworthy`` (yes / no), its claimant a
  ``CLAIMANT`` relation (Arg1 the claim, Arg2 the entity) or an ``AnnotatorNotes`` note
  ``claimant: TEXT``; a stance is a relation typed by its polarity (``FAVOR``, ``AGAINST``,
  ``NEUTRAL``; Arg1 the holder, Arg2 the target) and its evidence an ``AnnotatorNotes`` note on
  that relation, ``evidence: T7``.
- Everything else (``E`` events, ``N`` normalisations, ``*`` equivalences, ``M``, and ``A``/``#``/``R``
  lines about events) is kept verbatim in the document's meta (``brat.lines``) and written back
  as it was, so nothing is lost; every id those lines mention must exist.
- A malformed line (a type or attribute name with spaces, an id used twice, an unknown id) is
  refused with the file and line.
- Export writes ``annotation.conf`` beside the documents, from the schema and what the
  documents use, so that brat (and its ``verify_annotations.py``) knows every type.
"""
from .conf import ConfTypes, annotation_conf
from .fragments import line_fragments
from .mapping import CHECKWORTHY_ATTR, CLAIM_TYPE, CLAIM_TYPE_ATTR, CLAIMANT, CLAIMANT_NOTE, EVIDENCE_NOTE, NOTE
from .reader import is_brat_folder, pairs, read, read_pair
from .writer import Writer, to_ann

__all__ = ["CHECKWORTHY_ATTR", "CLAIMANT", "CLAIMANT_NOTE", "CLAIM_TYPE", "CLAIM_TYPE_ATTR", "ConfTypes", "EVIDENCE_NOTE",
           "NOTE", "Writer", "annotation_conf", "is_brat_folder", "line_fragments", "pairs", "read", "read_pair",
           "to_ann"]
