"""Storage of the knowledge base in the database (for search, relations and the admin)."""
