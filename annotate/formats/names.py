"""The formats' names and one-line descriptions, with nothing to import: the command line's
help and choices need them, and the window's start-up should not load every format to build it."""
from __future__ import annotations

#: name -> one line for --help: what it is, and the offset convention.
IMPORT_FORMATS = {
    "txt": "plain text, one document per file (.txt or a folder)",
    "jsonl": "native JSONL, lossless (code points)",
    "prodigy": "Prodigy JSONL: text, spans, tokens, relations, answer (code points)",
    "spacy": "spaCy DocBin .spacy, or a folder of them: doc.ents, doc.spans['claims'] (code points)",
    "brat": "brat standoff .txt + .ann, or a folder of them (code points)",
    "conll": "CoNLL-2003 / IOB (IOB1, IOB2, BILUO; tab, space or | columns); the text is rebuilt by joining "
             "tokens with single spaces, one sentence per line",
    "conllu": "CoNLL-U, text rebuilt exactly from '# text' and SpaceAfter=No; no entities",
    "doccano": "doccano JSONL (label or entities/relations; UTF-16 code units, converted)",
    "labelstudio": "Label Studio JSON tasks: annotations -> gold, predictions -> suggestions (code points)",
}
EXPORT_FORMATS = {
    "jsonl": "native JSONL, everything, lossless (code points)",
    "prodigy": "Prodigy JSONL with tokens, spans, relations, answer (code points)",
    "spacy": ".spacy DocBin for spacy train: gold ents, spans['claims'] (code points); a folder target gets "
             "shards",
    "brat": "a folder of .txt + .ann, gold entities and relations (code points)",
    "conll": "CoNLL-2003 TOKEN _ _ TAG, IOB2, gold entities (tokens, no offsets)",
    "doccano": "doccano JSONL entities/relations, gold (UTF-16 code units)",
    "labelstudio": "Label Studio JSON: gold as annotations, suggestions as predictions (code points)",
    "csv": "CSV: entities, claims, stances, relations and active time as rows (code points)",
}
SUFFIX = {"jsonl": ".jsonl", "prodigy": ".jsonl", "spacy": ".spacy", "brat": "", "conll": ".conll",
          "doccano": ".jsonl", "labelstudio": ".json", "csv": ".csv"}
