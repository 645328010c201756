"""The embedded store, embeddings and search."""
