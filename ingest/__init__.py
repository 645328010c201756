"""Files → structured, page-cited documents, tables and typed items."""
