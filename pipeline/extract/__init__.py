"""Extract: measures, targets, agencies and instruments, and ``process_plan``, which runs
text, parse and extract for one plan and returns its rows.

In: normalized text and its sections. Out: plain row dicts per table (``PlanRows``). Must not
validate, stage or publish rows, and must not import the release or the runtime.
"""
