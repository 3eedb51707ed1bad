"""Runtime: what the Prefect flow needs to run, kept out of the stages.

Settings that keep a local run quiet, the temporary Prefect server and the watchdog that
ends it with its run, the task runners (local processes or Dask), the output-folder lock,
the extraction cache, batches of plans and their assembly into one release's tables.
"""
