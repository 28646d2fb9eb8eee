"""The readers' catalog in ``output/``: the entries read from the editions' manifests
(:mod:`~azad.catalog.entries`), the HTML pages (:mod:`~azad.catalog.pages`), the OPDS and
Atom feeds (:mod:`~azad.catalog.feeds`), and the writer that regenerates them all
(:mod:`~azad.catalog.write`). Entries are below pages and feeds; the writer is above both."""
