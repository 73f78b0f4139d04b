"""The names Label Studio's reader and writer share: the control tags of the labeling config
and the labels that carry claims, claimants and unlabelled relations."""
from __future__ import annotations

NO_LABEL = "RELATED"
TEXT_KEY = "text"
#: our document id in ``data`` (Label Studio's task id replaces any id we give the task)
ID_KEY = "marginalia_id"
ENTITY_TAG, CLAIM_TAG = "label", "claim"
CLAIM_LABEL = "CLAIM"
CLAIM_TYPE, CHECKWORTHY, CLAIMANT_TEXT, DOC_LABELS = "claim_type", "checkworthy", "claimant_text", "doc_labels"
CHECKWORTHY_YES, CHECKWORTHY_NO = "checkworthy", "not checkworthy"
CLAIMANT = "CLAIMANT"
