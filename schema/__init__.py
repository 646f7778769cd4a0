"""The portfolio's data model and the programme's rules.

Nothing here knows about files, git, templates or the command line: it can be
imported from a notebook.
"""
