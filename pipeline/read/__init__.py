"""Read inputs: find the plan files in a folder, hash their bytes and decode them.

In: a folder of input files. Out: ``InputFile`` (name, path, sha256) and ``Decoded`` text,
or a ``Rejection`` naming the file and the reason. Must not modify or move an input, guess
an encoding, or read more of a file than its limits allow. New input formats belong here.
"""
