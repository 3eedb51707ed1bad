"""The pipeline's stages, one package each, in the order the data moves:

    read     input files -> decoded text, or a rejection with its reason
    text     decoded text -> one normalized text per plan, with a log of every edit
    parse    normalized text -> document metadata and the tree of headings
    extract  the tree -> measures, targets, agencies, instruments (``process_plan``)
    themes   a plan's rows -> its chapters, sections and measures placed on its national outline
    release  rows -> schemas, checks, validation, staging, diff, the published files
    runtime  the plumbing that serves the Prefect flow (server, workers, locks, cache, batches)

A stage imports only the stages before it (the release may import their row types) and
never Prefect; ``vocab`` loads the reviewed vocabularies that every stage may read.
"""
