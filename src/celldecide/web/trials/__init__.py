"""Registered trials in the database: import, full-text search with facets, and the trial pages."""
