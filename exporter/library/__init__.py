"""The output folder as a library: its catalog (``manifest.json``), and the pages and feeds readers browse it by
(``index.html``, the OPDS catalog), made from the catalog after every run."""
