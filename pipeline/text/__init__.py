"""Text: one canonical normalized text per plan, and a log of every edit that made it.

In: decoded text. Out: the normalized text (what every offset in the release points into)
and its ``normalization_edits``. Must not interpret the plan (no headings, no metadata).
"""
