"""CoreValueError survives pickling (st.cache_data pickles cached results and errors)."""

import pickle

from cnn_core.errors import CoreValueError
from ui.matrix_input import ParseError


def test_core_error_pickles_with_code_and_params():
    err = CoreValueError("kernel_too_large", "kernel 5 > padded 4", kernel=5, padded=4, axis="height")
    back = pickle.loads(pickle.dumps(err))
    assert isinstance(back, ValueError) and type(back) is CoreValueError
    assert (back.code, str(back), back.params) == (err.code, str(err), err.params)


def test_subclass_pickles_as_itself():
    err = ParseError("matrix_ragged", "row 2 has 3 numbers, expected 2", row=2, got=3, expected=2)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is ParseError and back.params == err.params
