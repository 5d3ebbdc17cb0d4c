"""CellDecide: read stem-cell claims as named products, evidence stages and red flags."""

__version__ = "0.1.0"
