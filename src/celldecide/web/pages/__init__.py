"""Server-rendered pages built from the knowledge base."""
