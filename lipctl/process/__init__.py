"""The rules of the LIP process, in plain Python.

Nothing here imports a database, a terminal or a file format library: the lifecycle, the vote
arithmetic, name matching and the seed's meaning can be tested on their own.
"""
