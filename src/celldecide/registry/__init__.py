"""Registered trials: parse every registry format into one `TrialRecord`, classify it, fetch from ClinicalTrials.gov.

Modules: `records` (the normalized record), `parsers` (format detection and parsing),
`normalize` (one vocabulary for every registry's wording), `ids` (registration ids from the
knowledge base's patterns), `classify` (cell-therapy classification and the pay-to-participate
hint), `client` (the ClinicalTrials.gov API v2 client). Plain Python: no web framework here.
"""
