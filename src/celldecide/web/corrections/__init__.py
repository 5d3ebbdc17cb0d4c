"""Error reports from readers, reviewed by editors, and the public log of fixes."""
