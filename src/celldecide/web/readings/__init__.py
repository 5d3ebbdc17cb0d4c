"""The reader on the web: the /read/ page, printable and PDF readings, and share links that expire."""
