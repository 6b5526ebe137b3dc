"""Shared assertion for the core's bad-argument errors."""

import pytest

from cnn_core.errors import CoreValueError


def raises_core_error(call, code: str, *numbers) -> None:
    """``call()`` raises a CoreValueError (a ValueError) with ``code`` and every number in its message."""
    with pytest.raises(ValueError) as info:
        call()
    assert isinstance(info.value, CoreValueError) and info.value.code == code, info.value
    for n in numbers:
        assert str(n) in str(info.value), (n, str(info.value))
