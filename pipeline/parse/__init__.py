"""Parse: the plan's document metadata and its tree of headings.

In: normalized text. Out: metadata fields (title, jurisdiction, level, type, period,
status) and ``Section`` nodes (chapter, section, item) with offsets. Must not extract
measures or targets, and must not know about tables or files.
"""
