"""Run inside brat's environment: what brat's own parser (annotation.TextAnnotations, the code
its server shows documents with) makes of each .ann: the lines it could not parse, every
text-bound annotation with its fragments and text, relations, attributes, notes and equivalence
(``*``) lines. Prints JSON."""
import json
import sys

import annotation

out = {}
for path in sys.argv[1:]:
    with annotation.TextAnnotations(path[:-len(".ann")], read_only=True) as ann:
        text = ann.get_document_text()
        out[path] = {
            "failed_lines": ann.failed_lines,
            "textbounds": [[t.id, t.type, [list(s) for s in t.spans], t.text,
                            " ".join(text[s:e] for s, e in t.spans)] for t in ann.get_textbounds()],
            "relations": [[r.id, r.type, r.arg1, r.arg2] for r in ann.get_relations()],
            "attributes": [[a.id, a.type, a.target, a.value] for a in ann.get_attributes()],
            "notes": [[n.id, n.type, n.target, n.tail.strip()] for n in ann.get_oneline_comments()],
            "equivs": [[e.type, list(e.entities)] for e in ann.get_equivs()],
        }
print(json.dumps(out, ensure_ascii=False))
