"""Release: the tables' schemas, checks, Great Expectations and Frictionless validation,
staging of rows as Parquet/CSV parts, the diff against the previous release, the changelog,
the data dictionary and the atomic publication of a versioned release.

In: the rows of every plan. Out: ``output/releases/<version>/``. May import the stages' row
types; must not parse text. New tables start as a schema in ``schemas/``.
"""
