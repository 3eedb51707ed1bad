"""Themes: every chapter, section and measure of a plan placed on its national outline.

In: one plan's rows (``PlanRows`` from extract). Out: ``documents.outline``, the measures'
``outline_id``, and the plan's ``section_themes`` and ``theme_coverage`` rows; the outline
taxonomy itself (``vocab/outlines.csv``) becomes the release table ``outline_sections``.
Matching is by meaning (headings, bodies, position) with TF-IDF fitted once per process on
the outline side; it must not validate, stage or publish rows.
"""
