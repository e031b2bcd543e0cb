"""Every file lipctl reads from or writes to a path the user names: one place for each direction.

``outputs`` opens the files lipctl writes (reports, backups, rejects), ``inputs`` the files it reads
(documents, the seed, survey exports). Both refuse what is not a regular file before anything waits.
"""
