"""The consult worksheet /consult/: a patient writes down a clinic's answers and sees each one read."""
