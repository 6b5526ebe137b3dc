"""The one error type the core raises for bad arguments.

`CoreValueError` is a plain `ValueError` (so callers and tests can catch
`ValueError`) that also carries a stable ``code`` and the numbers involved as
``params``. The UI turns ``code`` + ``params`` into a sentence in the user's
language (``assets/locales/<lang>/errors.json``); the English ``str(err)`` is
for programmers and logs.
"""

from __future__ import annotations

from typing import Any


class CoreValueError(ValueError):
    """A bad argument, with a translatable code and the offending numbers.

    Parameters
    ----------
    code : str
        Key of the message in the ``errors`` locale namespace, e.g. ``"kernel_too_large"``.
    message : str
        English message with the numbers in it.
    **params
        The numbers and names the message is built from (used by the translations).

    Examples
    --------
    >>> err = CoreValueError("not_positive", "stride must be >= 1, got 0", name="stride", value=0)
    >>> isinstance(err, ValueError), err.code, err.params["value"]
    (True, 'not_positive', 0)
    """

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params

    def __reduce__(self):
        # Exceptions pickle as cls(*args) by default, which loses code and params; pages cache
        # core results (st.cache_data pickles them), errors included.
        return (_rebuild, (type(self), self.code, str(self), dict(self.params)))


def _rebuild(cls: type, code: str, message: str, params: dict) -> CoreValueError:
    return cls(code, message, **params)
