"""Public full-text search of disclosure entries, with Chinese segmentation.

* :mod:`.segmentation` — normalising and segmenting Chinese for indexing and querying;
* :mod:`.query` — the engine: visibility, filters, backend choice and fallback
  (:func:`~.query.search_entries` is what the public page and the API use);
* :mod:`.highlight` — snippets with the query words marked;
* :mod:`.forms`, :mod:`.views` — the search page of a disclosure section
  (``DisclosureIndexPage`` route ``search/``).

See ``docs/search.md``.
"""
