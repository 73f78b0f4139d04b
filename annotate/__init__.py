"""The annotation domain: documents, spans, claims, stances, relations and the schema.

Pure Python (plus spaCy where tokens are needed). Nothing here imports Qt or talks SQL,
so every rule can be tested and reused from the command line, the window or a notebook.
Offsets are Python code-point indices into the document text exactly as imported.
"""
