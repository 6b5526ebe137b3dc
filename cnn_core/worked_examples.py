"""The seeds' worked examples as data: inputs, the text's printed result, where it is.

Nothing here is computed. Tests and pages feed these inputs to the core and
compare with ``printed`` (the numbers exactly as the source text prints them).
Arrays are NCHW / (F, C, KH, KW) like the rest of the core.

Sources (``../shared/seeds/``):

* seed 001 — ``001_4f08cbb30edfba64.txt`` "卷积神经网络反向传播：从直觉到推导"
* seed 003 — ``003_c7f5b9dec81c2034.txt`` "实战项目 2 - 动手搭建一个卷积神经网络"
* seed 004 — ``004_34bffd5eb27c3d31.txt`` "前馈神经网络" (自动微分)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np


def _frozen(a: Any) -> np.ndarray:
    arr = np.array(a, dtype=np.float64)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True)
class WorkedExample:
    """One example from a seed text.

    Attributes
    ----------
    key : str
        Stable identifier used by tests, pages and the locale files.
    seed : str
        Source file name in ``seeds/``.
    section : str
        Section heading (or equation number) in the source, in the source's language.
    inputs : Mapping[str, Any]
        Named inputs (read-only arrays or numbers).
    printed : Mapping[str, Any]
        The results as the text prints them.
    note : str
        What of the example the text gives and what we supplied.
    """

    key: str
    seed: str
    section: str
    inputs: Mapping[str, Any]
    printed: Mapping[str, Any]
    note: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)


SEED_001 = "001_4f08cbb30edfba64.txt"
SEED_003 = "003_c7f5b9dec81c2034.txt"
SEED_004 = "004_34bffd5eb27c3d31.txt"

# --- seed 003, "2.7.1 卷积神经网络的前向传播": o11 of a 4x4 input and a 2x2 kernel -------------
# The text prints only  net_o11 = i11*h11 + i12*h12 + i21*h21 + i22*h22 = 1*1 + 0*(-1) + 1*1 + 1*(-1) = 1.
# So i11=1, i12=0, i21=1, i22=1 and h = [[1,-1],[1,-1]] come from the text; the other 12 input
# cells are ours (the text's figure is an image). They are 0/1 like the figure's.
CONV_4X4 = WorkedExample(
    key="seed003_o11",
    seed=SEED_003,
    section="2.7.1 (1) 输入层---->卷积层, 公式 (1)(2)",
    inputs=MappingProxyType({
        "x": _frozen([[[[1, 0, 1, 0],
                        [1, 1, 0, 1],
                        [0, 1, 1, 0],
                        [1, 0, 0, 1]]]]),
        "w": _frozen([[[[1, -1],
                        [1, -1]]]]),
        "from_text": ((0, 0), (0, 1), (1, 0), (1, 1)),  # input cells the text gives (0-based)
    }),
    printed=MappingProxyType({"net_o11": 1.0, "out_o11": 1.0}),
    note="Only i11, i12, i21, i22 and the kernel are printed; the other input cells are supplied.",
    params=MappingProxyType({"stride": 1, "padding": 0, "activation": "relu"}),
)

# --- seed 003, "运行结果": the 5x5x3 input, two 3x3x3 filters, pad 1, stride 2, one SGD step -----
CONV_5X5X3 = WorkedExample(
    key="seed003_5x5x3",
    seed=SEED_003,
    section="2.7.3 init_test() / test() 运行结果",
    inputs=MappingProxyType({
        "x": _frozen([[[[0, 1, 1, 0, 2],
                        [2, 2, 2, 2, 1],
                        [1, 0, 0, 2, 0],
                        [0, 1, 1, 0, 0],
                        [1, 2, 0, 0, 2]],
                       [[1, 0, 2, 2, 0],
                        [0, 0, 0, 2, 0],
                        [1, 2, 1, 2, 1],
                        [1, 0, 0, 0, 0],
                        [1, 2, 1, 1, 1]],
                       [[2, 1, 2, 0, 0],
                        [1, 0, 0, 1, 0],
                        [0, 2, 1, 0, 1],
                        [0, 1, 2, 2, 2],
                        [2, 1, 0, 0, 1]]]]),
        "w": _frozen([[[[-1, 1, 0], [0, 1, 0], [0, 1, 1]],
                       [[-1, -1, 0], [0, 0, 0], [0, -1, 0]],
                       [[0, 0, -1], [0, 1, 0], [1, -1, -1]]],
                      [[[1, 1, -1], [-1, -1, 1], [0, -1, 1]],
                       [[0, 1, 0], [-1, 0, -1], [-1, 1, 0]],
                       [[-1, 0, 0], [-1, 0, 1], [-1, 0, 0]]]]),
        "b": _frozen([1, 0]),
        # the "sensitivity map" b of init_test(): dE/d(net) of the conv output, one 3x3 per filter
        "delta": _frozen([[[[0, 1, 1], [2, 2, 2], [1, 0, 0]],
                           [[1, 0, 2], [0, 0, 0], [1, 2, 1]]]]),
    }),
    printed=MappingProxyType({
        "y": _frozen([[[[6, 7, 5], [3, -1, -1], [2, -1, 4]],
                       [[2, -5, -8], [1, -4, -4], [0, -5, -5]]]]),
        "w_after": _frozen([[[[-1.008, 0.99, -0.009], [-0.005, 0.994, -0.006], [-0.006, 0.995, 0.996]],
                             [[-1.004, -1.001, -0.004], [-0.01, -0.009, -0.012], [-0.002, -1.002, -0.002]],
                             [[-0.002, -0.002, -1.003], [-0.005, 0.992, -0.005], [0.993, -1.008, -1.007]]],
                            [[[0.998, 0.998, -1.001], [-1.004, -1.007, 0.997], [-0.004, -1.004, 0.998]],
                             [[0.0, 0.999, 0.0], [-1.009, -0.005, -1.004], [-1.004, 1.0, 0.0]],
                             [[-1.004, -0.006, -0.005], [-1.002, -0.005, 0.998], [-1.002, -0.001, 0.0]]]]),
        # printed as 0.99099999999999999 and -0.0070000000000000001 (float repr noise)
        "b_after": _frozen([0.991, -0.007]),
    }),
    note="Identity activation; the update is w <- w - lr * dE/dw with lr = 0.001.",
    params=MappingProxyType({"stride": 2, "padding": 1, "lr": 0.001, "activation": "identity"}),
)

# --- seed 001, "反向传播过程的池化层操作": upsampling delta through 2x2 pooling -----------------------
# The text gives delta = [[2,8],[4,6]] and says the maxima were (upper-left, lower-right,
# upper-right, lower-left) of their windows; the 4x4 input is ours, built to put them there.
POOL_ROUTE = WorkedExample(
    key="seed001_pool",
    seed=SEED_001,
    section="反向传播过程的池化层操作",
    inputs=MappingProxyType({
        "x": _frozen([[[[9, 1, 2, 3],
                        [4, 5, 6, 9],
                        [7, 9, 4, 5],
                        [3, 1, 9, 2]]]]),
        "delta": _frozen([[[[2, 8], [4, 6]]]]),
    }),
    printed=MappingProxyType({
        "max": _frozen([[[[2, 0, 0, 0], [0, 0, 0, 8], [0, 4, 0, 0], [0, 0, 6, 0]]]]),
        "avg": _frozen([[[[0.5, 0.5, 2, 2], [0.5, 0.5, 2, 2], [1, 1, 1.5, 1.5], [1, 1, 1.5, 1.5]]]]),
    }),
    note="The input values are supplied; only the positions of the maxima are given in the text.",
    params=MappingProxyType({"kernel": 2, "stride": 2}),
)

# --- seed 004, "三. 自动微分": f(x; w, b) = 1 / (exp(-(wx + b)) + 1) at x = 1, w = 0, b = 0 -------
AUTODIFF_SIGMOID = WorkedExample(
    key="seed004_autodiff",
    seed=SEED_004,
    section="三. 自动微分, 公式 (3.3)-(3.5)",
    inputs=MappingProxyType({"x": 1.0, "w": 0.0, "b": 0.0}),
    printed=MappingProxyType({
        "df_dw": 0.25,
        # the factors of (3.3), in order df/dh6, dh6/dh5, dh5/dh4, dh4/dh3, dh3/dh2, dh2/dh1, dh1/dw
        "chain": (1.0, -0.25, 1.0, 1.0, -1.0, 1.0, 1.0),
    }),
    note="h1 = w*x, h2 = h1 + b, h3 = -h2, h4 = exp(h3), h5 = h4 + 1, h6 = 1/h5.",
)

ALL_EXAMPLES: tuple[WorkedExample, ...] = (CONV_4X4, CONV_5X5X3, POOL_ROUTE, AUTODIFF_SIGMOID)
