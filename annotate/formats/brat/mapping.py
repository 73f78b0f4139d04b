"""The names brat's reader and writer share: how our claims, claimants, stances and their evidence
are spelled in brat, and which annotation ids an .ann line mentions (both read and write check them)."""
from __future__ import annotations

CLAIM_TYPE = "CLAIM"
CLAIMANT = "CLAIMANT"
CLAIM_TYPE_ATTR, CHECKWORTHY_ATTR = "ClaimType", "Checkworthy"
NOTE = "AnnotatorNotes"
CLAIMANT_NOTE, EVIDENCE_NOTE = "claimant: ", "evidence: "


def refs(kind: str, fields: list[str]) -> list[str]:
    """The annotation ids a line mentions (not its own)."""
    if len(fields) < 2:
        return []
    body = [b for b in fields[1].split(" ") if b]
    if kind in "RE":
        return [a.split(":", 1)[1] for a in body if ":" in a]
    if kind in "AM#":
        return body[1:2]
    if kind == "N":
        return body[1:2]
    if kind == "*":
        return body[1:]
    return []
