"""The auditors' site: the register, its lineage and its findings as pages.

``pages`` builds every page as Markdown (plus downloads) from a checked inventory,
with no knowledge of MkDocs; ``plugin`` is the thin MkDocs adapter that hands those
pages to a build. Moving to another generator means writing another adapter.
"""
