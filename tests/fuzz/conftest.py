"""How many examples the fuzzers try: a short run inside `make test`, a long one in `make fuzz`.

CELLDECIDE_FUZZ_EXAMPLES sets the reader fuzzer's count (default 300, a few seconds);
CELLDECIDE_FUZZ_API_EXAMPLES sets the API fuzzer's count per operation (default 15).
"""

from __future__ import annotations

import os

from tests.reader.conftest import knowledge, schema_validator  # noqa: F401  shared with the reader tests


def examples(name: str, default: int) -> int:
    """Return a positive example count from the environment, refusing anything else with a clear message."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a positive whole number (got {value!r})")
    return int(value)


READER_EXAMPLES = examples("CELLDECIDE_FUZZ_EXAMPLES", 300)
API_EXAMPLES = examples("CELLDECIDE_FUZZ_API_EXAMPLES", 15)
