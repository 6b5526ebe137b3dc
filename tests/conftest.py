"""Shared test set-up: the repo root on sys.path so `cnn_core` and `ui` import from anywhere."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _generous_apptest_timeout() -> None:
    """AppTest's default 3 s per run is too short on a loaded 2-core CI machine: make it 30 s.

    A timeout is a failure, not a measurement (speed lives in benchmarks/), so a generous bound
    only removes flakiness; a script that hangs still fails.
    """
    from streamlit.testing.v1 import AppTest

    for name in ("from_file", "from_function", "from_string"):
        original = getattr(AppTest, name).__func__

        def patched(cls, *args, _original=original, default_timeout: float = 30, **kwargs):
            return _original(cls, *args, default_timeout=default_timeout, **kwargs)

        setattr(AppTest, name, classmethod(patched))


_generous_apptest_timeout()


@pytest.fixture(autouse=True)
def _default_display_digits():
    """Every test starts at the reader's default digits: a test that chose 2 or 6 (``use_display_digits``)
    sets a ContextVar of the test thread, which would otherwise leak into the tests after it."""
    from ui.latex import _DIGITS

    _DIGITS.set(None)
    yield
    _DIGITS.set(None)
