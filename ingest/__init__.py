"""Documents in, searchable chunks out: load -> clean -> chunk -> index.

This layer takes explicit arguments (paths, an embedding function, a store) and never reads settings
or imports ``tutor``.
"""
