"""The chapter's notebooks, generated from the same source files as the chapter.

`python -m precompute.notebooks` builds ``docs/notebooks/*.ipynb`` with nbformat:
every training-loop cell is a ``--8<-- [start:NAME]`` section of ``precompute/``
(the sections the chapter includes), so the notebooks cannot drift from the page.
Each notebook is then executed with nbclient, so the committed files carry their
outputs (printed numbers, plots) and mkdocs-jupyter renders them without a kernel.
"""
