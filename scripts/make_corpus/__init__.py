"""Generator of docflow's synthetic training corpus (``sample_docs/train``).

Run from the repository root::

    .venv/bin/python -m scripts.make_corpus --out sample_docs

Every document is fictitious and the output is identical for the same seed.
"""
