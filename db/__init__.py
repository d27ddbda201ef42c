"""Data layer: models, sessions, queries and migrations."""
