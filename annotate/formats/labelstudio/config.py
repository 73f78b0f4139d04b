"""The Label Studio labeling config that a project needs to show and accept our export."""
from __future__ import annotations

from pathlib import Path

from ..groups import COREF
from .mapping import CHECKWORTHY, CHECKWORTHY_NO, CHECKWORTHY_YES, CLAIM_LABEL, CLAIM_TAG, CLAIM_TYPE, CLAIMANT, \
    CLAIMANT_TEXT, DOC_LABELS, ENTITY_TAG, TEXT_KEY


def labeling_config(schema) -> str:
    """The Label Studio labeling config (XML) for a schema: what a project needs to show and
    accept the export (entity labels, the claim label with its per-region type, check-worthiness
    and free-text claimant, relation labels including stance polarities, CLAIMANT and COREF (entity
    groups), and document labels)."""
    from xml.sax.saxutils import quoteattr as q
    lines = ["<View>", f'  <Labels name="{ENTITY_TAG}" toName="{TEXT_KEY}">']
    lines += [f"    <Label value={q(e.label)} background={q(e.color or '#DDDDDD')}/>" for e in schema.entities]
    lines += ["  </Labels>", f'  <Labels name="{CLAIM_TAG}" toName="{TEXT_KEY}">',
              f'    <Label value="{CLAIM_LABEL}" background="#BBBBBB"/>', "  </Labels>",
              f'  <Text name="{TEXT_KEY}" value="${TEXT_KEY}"/>', "  <Relations>"]
    relation_labels = [r.label for r in schema.relations] + list(schema.polarities) + [CLAIMANT, COREF]
    lines += [f"    <Relation value={q(label)}/>" for label in dict.fromkeys(relation_labels)]
    lines += ["  </Relations>",
              f'  <Choices name="{CLAIM_TYPE}" toName="{TEXT_KEY}" perRegion="true" choice="single" '
              f'visibleWhen="region-selected" whenTagName="{CLAIM_TAG}">']
    lines += [f"    <Choice value={q(t)}/>" for t in schema.claim_types]
    lines += ["  </Choices>",
              f'  <Choices name="{CHECKWORTHY}" toName="{TEXT_KEY}" perRegion="true" choice="single" '
              f'visibleWhen="region-selected" whenTagName="{CLAIM_TAG}">',
              f'    <Choice value="{CHECKWORTHY_YES}"/>', f'    <Choice value="{CHECKWORTHY_NO}"/>', "  </Choices>",
              f'  <TextArea name="{CLAIMANT_TEXT}" toName="{TEXT_KEY}" perRegion="true" '
              f'visibleWhen="region-selected" whenTagName="{CLAIM_TAG}" maxSubmissions="1"/>']
    if schema.document_labels:
        lines.append(f'  <Choices name="{DOC_LABELS}" toName="{TEXT_KEY}" choice="multiple">')
        lines += [f"    <Choice value={q(label)}/>" for label in schema.document_labels]
        lines.append("  </Choices>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


def config_path(target: Path) -> Path:
    """Where the labeling config goes beside an export: out.json -> out.label_config.xml."""
    return target.with_name(f"{target.stem}.label_config.xml")
