"""Time cnn_core.conv2d forward + backward (float64) against PyTorch CPU and the loop reference.

Run (PyTorch optional; its column is skipped with a message when it is missing)::

    PYTHONPATH=. python benchmarks/bench_conv.py [--repeat 30] [--threads 2]

Budgets (docs/CONVENTIONS.md): within 3x of PyTorch on the two large sizes, and at least
20x faster than the per-cell loop reference on the small one.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from typing import Callable

import numpy as np

from cnn_core.conv import conv2d, conv2d_backward, conv2d_backward_naive, conv2d_naive

SIZES = [  # (label, x shape, w shape, padding)
    ("(8,3,64,64)x(16,3,3,3) p1", (8, 3, 64, 64), (16, 3, 3, 3), 1),
    ("(1,1,512,512)x(4,1,3,3) p1", (1, 1, 512, 512), (4, 1, 3, 3), 1),
    ("(1,3,32,32)x(4,3,3,3) p1", (1, 3, 32, 32), (4, 3, 3, 3), 1),
]
LOOP_SIZE = SIZES[2][0]


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up (allocations, BLAS threads, torch dispatch)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def numpy_step(x: np.ndarray, w: np.ndarray, b: np.ndarray, pad: int) -> Callable[[], object]:
    def run() -> object:
        y = conv2d(x, w, b, 1, pad)
        return conv2d_backward(np.ones_like(y), x, w, 1, pad)
    return run


def loop_step(x: np.ndarray, w: np.ndarray, b: np.ndarray, pad: int) -> Callable[[], object]:
    def run() -> object:
        y = conv2d_naive(x, w, b, 1, pad)
        return conv2d_backward_naive(np.ones_like(y), x, w, 1, pad)
    return run


def torch_step(torch, x: np.ndarray, w: np.ndarray, b: np.ndarray, pad: int) -> Callable[[], object]:
    F = torch.nn.functional
    xt = torch.from_numpy(x).requires_grad_(True)
    wt = torch.from_numpy(w).requires_grad_(True)
    bt = torch.from_numpy(b).requires_grad_(True)

    def run() -> object:
        xt.grad = wt.grad = bt.grad = None
        y = F.conv2d(xt, wt, bt, stride=1, padding=pad)
        y.backward(torch.ones_like(y))
        return xt.grad, wt.grad, bt.grad
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    problems = [(label, rng.normal(size=xs), rng.normal(size=ws), rng.normal(size=ws[0]), pad)
                for label, xs, ws, pad in SIZES]
    # NumPy (and the loop reference) first, before torch is even imported: on 2 cores torch's
    # OpenMP workers keep spinning after each call and would steal time from NumPy's BLAS.
    t_np = {label: median_seconds(numpy_step(x, w, b, pad), args.repeat) for label, x, w, b, pad in problems}
    t_loop = {label: median_seconds(loop_step(x, w, b, pad), max(3, args.repeat // 10))
              for label, x, w, b, pad in problems if label == LOOP_SIZE}

    t_torch: dict[str, float] = {}
    try:
        import torch  # only here: never in cnn_core or tests
        torch.set_num_threads(args.threads)
        torch_note = f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)"
        for label, x, w, b, pad in problems:
            run = torch_step(torch, x, w, b, pad)
            # sanity: the same numbers as PyTorch before timing them
            dx, dw, db = conv2d_backward(np.ones(conv2d(x, w, b, 1, pad).shape), x, w, 1, pad)
            tdx, tdw, tdb = run()
            assert np.allclose(dx, tdx.numpy()) and np.allclose(dw, tdw.numpy()) and np.allclose(db, tdb.numpy())
            t_torch[label] = median_seconds(run, args.repeat)
    except ImportError:
        torch_note = "PyTorch not installed: its column is skipped (pip install torch to fill it)"

    print(f"numpy {np.__version__}, Python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} CPU(s); {torch_note}; median of {args.repeat} runs of forward+backward, float64")
    header = f"{'size':<30}{'numpy ms':>10}{'torch ms':>10}{'np/torch':>10}{'loop ms':>10}{'loop/np':>10}"
    print(header)
    print("-" * len(header))
    for label, *_ in problems:
        row = f"{label:<30}{t_np[label] * 1e3:>10.2f}"
        if label in t_torch:
            row += f"{t_torch[label] * 1e3:>10.2f}{t_np[label] / t_torch[label]:>10.2f}"
        else:
            row += f"{'-':>10}{'-':>10}"
        if label in t_loop:
            row += f"{t_loop[label] * 1e3:>10.1f}{t_loop[label] / t_np[label]:>10.0f}"
        else:
            row += f"{'-':>10}{'-':>10}"
        print(row)


if __name__ == "__main__":
    main()
