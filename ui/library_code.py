"""The same numbers in a library: PyTorch and plain-NumPy snippets built from a page's setup.

Each builder returns a :class:`LibraryCode` (two strings); a page shows them with
``ui.page_kit.lazy_code_panel`` (``st.code``, to copy — **the app never executes them**), which builds them
and draws :func:`show_library_code` only while the panel is open::

    lazy_code_panel(PAGE, lambda: conv2d_code(x, w, b, stride=s, padding=pad))

Numbers are written exactly (shortest round-trip text, :func:`ui.matrix_input.format_number`),
so running a snippet reproduces the page's numbers to the last digit of float64. Layouts are
the libraries': NCHW tensors; ``Conv2d`` weights (F, C, KH, KW); ``ConvTranspose2d`` weights
(C_in, C_out, KH, KW), in and out swapped. Padding is ``(top, bottom, left, right)`` as the
core's ``Padding``; an asymmetric one (TensorFlow's SAME with an even total) is written as
``F.pad`` before the call (PyTorch's ``padding=`` is symmetric), and as a crop for the
transposed convolution.

Each snippet leaves its results in fixed names (``y``; ``dx``, ``dw``, ``db`` for gradients)
so the tests can run them (NumPy always; PyTorch where it is installed) and compare with
``cnn_core``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ui.matrix_input import format_number

__all__ = ["LibraryCode", "conv2d_code", "conv2d_backward_code", "pool2d_code", "conv_transpose2d_code",
           "dense_softmax_ce_code", "sigmoid_neuron_code", "conv1d_code", "output_shape_code", "show_library_code",
           "array_literal"]


@dataclass(frozen=True)
class LibraryCode:
    """Two runnable texts that reproduce a page's numbers."""

    torch: str
    numpy: str


def array_literal(a: np.ndarray | Sequence, indent: int = 0) -> str:
    """A nested-list literal with exact numbers, one innermost row per line.

    >>> array_literal([[1.0, -0.5], [0.1, 2.0]])
    '[[1, -0.5],\\n [0.1, 2]]'
    """
    a = np.asarray(a, dtype=float)
    if a.ndim == 0:
        return format_number(a)
    if a.ndim == 1:
        return "[" + ", ".join(format_number(v) for v in a) + "]"
    sep = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(array_literal(sub, indent + 1) for sub in a) + "]"


def _assign(name: str, call: str, a: np.ndarray, close: str, comment: str) -> str:
    head = f"{name} = {call}("
    return f"{head}{array_literal(a, len(head))}{close}  # {comment}"


def _pair(v: int | Sequence[int]) -> tuple[int, int]:
    if isinstance(v, (int, np.integer)):
        return int(v), int(v)
    a, b = (int(x) for x in v)
    return a, b


def _padding4(padding: int | Sequence[int]) -> tuple[int, int, int, int]:
    """int, (ph, pw) or (top, bottom, left, right) -> (top, bottom, left, right)."""
    if isinstance(padding, (int, np.integer)):
        p = int(padding)
        return p, p, p, p
    values = tuple(int(v) for v in padding)
    if len(values) == 2:
        return values[0], values[0], values[1], values[1]
    if len(values) == 4:
        return values  # type: ignore[return-value]
    raise ValueError(f"padding must be an int, a pair or four numbers, got {padding!r}")


def _as_chw(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim == 2:
        return x[None]
    if x.ndim == 3:
        return x
    if x.ndim == 4 and x.shape[0] == 1:
        return x[0]
    raise ValueError(f"x must be (H, W), (C, H, W) or (1, C, H, W), got {x.shape}")


def _as_fckk(w: np.ndarray) -> np.ndarray:
    w = np.asarray(w, dtype=float)
    if w.ndim == 2:
        return w[None, None]
    if w.ndim == 4:
        return w
    raise ValueError(f"w must be (KH, KW) or (F, C, KH, KW), got {w.shape}")


def _shape_text(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(int(s)) for s in shape) + ")"


_TORCH_HEAD = "import torch\nimport torch.nn.functional as F\n"
_NUMPY_HEAD = "import numpy as np\nfrom numpy.lib.stride_tricks import sliding_window_view\n"


def _torch_tensor(name: str, a: np.ndarray, comment: str, grad: bool = False) -> str:
    close = ", dtype=torch.float64" + (", requires_grad=True" if grad else "") + ")"
    return _assign(name, "torch.tensor", a, close, comment)


def _numpy_array(name: str, a: np.ndarray, comment: str) -> str:
    return _assign(name, "np.array", a, ", dtype=float)", comment)


def _slices(sh: int, sw: int, dh: int, dw: int) -> str:
    parts = []
    if (sh, sw) != (1, 1):
        parts.append(f"[:, ::{sh}, ::{sw}]")
    if (dh, dw) != (1, 1):
        parts.append(f"[..., ::{dh}, ::{dw}]")
    return "".join(parts)


def _conv_parts(x, w, b, stride, padding, dilation, *, grad: bool):
    x, w = _as_chw(x), _as_fckk(w)
    b = None if b is None else np.asarray(b, dtype=float).reshape(-1)
    (sh, sw), (dh, dw) = _pair(stride), _pair(dilation)
    top, bottom, left, right = _padding4(padding)
    kh, kw = w.shape[2:]
    eh, ew = dh * (kh - 1) + 1, dw * (kw - 1) + 1

    torch_lines = [_TORCH_HEAD,
                   _torch_tensor("x", x[None], f"(N, C, H, W) = {_shape_text((1,) + x.shape)}", grad),
                   _torch_tensor("w", w, f"(F, C, KH, KW) = {_shape_text(w.shape)}", grad)]
    if b is not None:
        torch_lines.append(_torch_tensor("b", b, f"(F,) = ({b.size},)", grad))
    if top == bottom and left == right:
        source, pad_arg = "x", f", padding=({top}, {left})"
    else:
        torch_lines.append(f"xp = F.pad(x, ({left}, {right}, {top}, {bottom}))"
                           "  # asymmetric padding; F.pad takes (left, right, top, bottom)")
        source, pad_arg = "xp", ""
    bias_arg = ", b" if b is not None else ""
    torch_lines.append(f"y = F.conv2d({source}, w{bias_arg}, stride=({sh}, {sw}){pad_arg}, dilation=({dh}, {dw}))"
                       "  # cross-correlation")

    numpy_lines = [_NUMPY_HEAD,
                   _numpy_array("x", x, f"(C, H, W) = {_shape_text(x.shape)}"),
                   _numpy_array("w", w, f"(F, C, KH, KW) = {_shape_text(w.shape)}")]
    if b is not None:
        numpy_lines.append(_numpy_array("b", b, f"(F,) = ({b.size},)"))
    numpy_lines += [
        f"xp = np.pad(x, ((0, 0), ({top}, {bottom}), ({left}, {right})))  # zero padding",
        f"windows = sliding_window_view(xp, ({eh}, {ew}), axis=(1, 2)){_slices(sh, sw, dh, dw)}"
        "  # (C, OH, OW, KH, KW)",
        'y = np.einsum("cijkl,fckl->fij", windows, w)' + (" + b[:, None, None]" if b is not None else "")
        + "  # y[f,i,j] = Σ x·w (+ b): cross-correlation",
    ]
    return x, w, b, (sh, sw), (dh, dw), (top, bottom, left, right), (eh, ew), torch_lines, numpy_lines


def conv2d_code(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, *, stride: int | Sequence[int] = 1,
                padding: int | Sequence[int] = 0, dilation: int | Sequence[int] = 1) -> LibraryCode:
    """``F.conv2d`` and a NumPy ``sliding_window_view`` + ``einsum`` version of the forward pass.

    ``x`` (H, W) or (C, H, W); ``w`` (KH, KW) or (F, C, KH, KW); ``b`` (F,) or None;
    ``padding`` int, (ph, pw) or (top, bottom, left, right). Result: ``y`` — torch (1, F, OH, OW),
    NumPy (F, OH, OW).
    """
    *_, torch_lines, numpy_lines = _conv_parts(x, w, b, stride, padding, dilation, grad=False)
    return LibraryCode("\n".join(torch_lines + ["print(y)"]) + "\n", "\n".join(numpy_lines + ["print(y)"]) + "\n")


def conv2d_backward_code(x: np.ndarray, w: np.ndarray, dy: np.ndarray, b: np.ndarray | None = None, *,
                         stride: int | Sequence[int] = 1, padding: int | Sequence[int] = 0,
                         dilation: int | Sequence[int] = 1) -> LibraryCode:
    """Gradients of a convolution: PyTorch autograd, and NumPy (∂E/∂W = X ⋆ δ, ∂E/∂b = Σδ, scatter for ∂E/∂X).

    ``dy`` is ∂E/∂y (δ), shape (OH, OW) or (F, OH, OW). Results ``dx``, ``dw``, ``db`` (``db``
    only with a bias); torch: ``x.grad``, ``w.grad``, ``b.grad`` with a batch axis on ``dx``.
    """
    x, w, b, (sh, sw), (dh, dw_), (top, bottom, left, right), (eh, ew), torch_lines, numpy_lines = _conv_parts(
        x, w, b, stride, padding, dilation, grad=True)
    dy = np.asarray(dy, dtype=float)
    dy = dy[None] if dy.ndim == 2 else dy
    torch_lines += [
        _torch_tensor("delta", dy[None], f"∂E/∂y, (N, F, OH, OW) = {_shape_text((1,) + dy.shape)}"),
        "y.backward(delta)  # autograd: the chain rule through conv2d",
        "dx, dw = x.grad, w.grad" + (("\ndb = b.grad") if b is not None else ""),
        "print(dx, dw" + (", db)" if b is not None else ")"),
    ]
    oh, ow = dy.shape[1:]
    numpy_lines += [
        _numpy_array("dy", dy, f"∂E/∂y, (F, OH, OW) = {_shape_text(dy.shape)}"),
        'dw = np.einsum("cijkl,fij->fckl", windows, dy)  # ∂E/∂W = X ⋆ δ',
    ]
    if b is not None:
        numpy_lines.append("db = dy.sum(axis=(1, 2))  # ∂E/∂b = Σ δ")
    numpy_lines += [
        "dxp = np.zeros_like(xp)",
        f"for i in range({oh}):",
        f"    for j in range({ow}):  # each output cell sends w·δ back to its window",
        f"        dxp[:, i * {sh}:i * {sh} + {eh}:{dh}, j * {sw}:j * {sw} + {ew}:{dw_}] += "
        'np.einsum("f,fckl->ckl", dy[:, i, j], w)',
        f"dx = dxp[:, {top}:{top} + x.shape[1], {left}:{left} + x.shape[2]]  # drop the padding",
        "print(dx, dw" + (", db)" if b is not None else ")"),
    ]
    return LibraryCode("\n".join(torch_lines) + "\n", "\n".join(numpy_lines) + "\n")


def pool2d_code(x: np.ndarray, kernel: int | Sequence[int], stride: int | Sequence[int] | None = None,
                padding: int | Sequence[int] = 0, mode: str = "max", dy: np.ndarray | None = None) -> LibraryCode:
    """``F.max_pool2d`` / ``F.avg_pool2d`` (zeros counted, ``count_include_pad=True``) and NumPy.

    With ``dy`` (∂E/∂y) the backward pass too: autograd, and a NumPy loop that routes δ to the
    first maximum in row-major order (max; PyTorch breaks ties the same way) or spreads it evenly
    (avg). Results ``y`` and ``dx``.
    """
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    x = _as_chw(x)
    kh, kw = _pair(kernel)
    sh, sw = _pair(kernel if stride is None else stride)
    ph, pw = _pair(padding)
    grad = dy is not None
    call = (f"F.max_pool2d(x, kernel_size=({kh}, {kw}), stride=({sh}, {sw}), padding=({ph}, {pw}))"
            if mode == "max" else
            f"F.avg_pool2d(x, kernel_size=({kh}, {kw}), stride=({sh}, {sw}), padding=({ph}, {pw}), "
            "count_include_pad=True)  # padded zeros count")
    torch_lines = [_TORCH_HEAD, _torch_tensor("x", x[None], f"(N, C, H, W) = {_shape_text((1,) + x.shape)}", grad),
                   f"y = {call}"]
    fill = "-np.inf" if mode == "max" else "0"
    numpy_lines = [
        _NUMPY_HEAD, _numpy_array("x", x, f"(C, H, W) = {_shape_text(x.shape)}"),
        f"xp = np.pad(x, ((0, 0), ({ph}, {ph}), ({pw}, {pw})), constant_values={fill})"
        + ("  # padding never wins a max" if mode == "max" else "  # zero padding"),
        f"windows = sliding_window_view(xp, ({kh}, {kw}), axis=(1, 2)){_slices(sh, sw, 1, 1)}"
        "  # (C, OH, OW, KH, KW)",
        f"y = windows.{'max' if mode == 'max' else 'mean'}(axis=(-2, -1))",
    ]
    if not grad:
        return LibraryCode("\n".join(torch_lines + ["print(y)"]) + "\n", "\n".join(numpy_lines + ["print(y)"]) + "\n")
    dy = np.asarray(dy, dtype=float)
    dy = dy[None] if dy.ndim == 2 else dy
    torch_lines += [
        _torch_tensor("delta", dy[None], f"∂E/∂y, (N, C, OH, OW) = {_shape_text((1,) + dy.shape)}"),
        "y.backward(delta)",
        "dx = x.grad",
        "print(y, dx)",
    ]
    c, oh, ow = dy.shape
    if mode == "max":
        body = [
            f"            win = xp[c, i * {sh}:i * {sh} + {kh}, j * {sw}:j * {sw} + {kw}]",
            "            r, q = np.unravel_index(np.argmax(win), win.shape)  # first maximum (row-major) wins ties",
            f"            dxp[c, i * {sh} + r, j * {sw} + q] += dy[c, i, j]  # the route",
        ]
    else:
        body = [f"            dxp[c, i * {sh}:i * {sh} + {kh}, j * {sw}:j * {sw} + {kw}] += dy[c, i, j] / {kh * kw}"]
    numpy_lines += [
        _numpy_array("dy", dy, f"∂E/∂y, (C, OH, OW) = {_shape_text(dy.shape)}"),
        "dxp = np.zeros(xp.shape)",
        f"for c in range({c}):",
        f"    for i in range({oh}):",
        f"        for j in range({ow}):",
        *body,
        f"dx = dxp[:, {ph}:{ph} + x.shape[1], {pw}:{pw} + x.shape[2]]  # drop the padding",
        "print(y, dx)",
    ]
    return LibraryCode("\n".join(torch_lines) + "\n", "\n".join(numpy_lines) + "\n")


def conv_transpose2d_code(z: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, *,
                          stride: int | Sequence[int] = 1, padding: int | Sequence[int] = 0,
                          output_padding: int | Sequence[int] = 0, dilation: int | Sequence[int] = 1) -> LibraryCode:
    """``nn.ConvTranspose2d`` (weights (C_in, C_out, KH, KW)) and a NumPy scatter version.

    ``z`` (H, W) or (C_in, H, W); ``w`` (KH, KW) or (C_in, C_out, KH, KW). Result ``y``:
    y[f, i·s + k·d − top, j·s + l·d − left] += z[c, i, j]·w[c, f, k, l]  (+ b[f]).
    """
    z, w = _as_chw(z), _as_fckk(w)
    b = None if b is None else np.asarray(b, dtype=float).reshape(-1)
    (sh, sw), (dh, dw), (oph, opw) = _pair(stride), _pair(dilation), _pair(output_padding)
    top, bottom, left, right = _padding4(padding)
    c_in, c_out, kh, kw = w.shape
    h, wid = z.shape[1:]
    eh, ew = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    full_h, full_w = (h - 1) * sh + eh + oph, (wid - 1) * sw + ew + opw
    out_h, out_w = full_h - top - bottom, full_w - left - right
    symmetric = top == bottom and left == right
    pad_arg = f"({top}, {left})" if symmetric else "0"
    torch_lines = [
        _TORCH_HEAD,
        _torch_tensor("z", z[None], f"(N, C_in, H, W) = {_shape_text((1,) + z.shape)}"),
        _torch_tensor("w", w, f"(C_in, C_out, KH, KW) = {_shape_text(w.shape)}: in and out swapped w.r.t. Conv2d"),
    ]
    if b is not None:
        torch_lines.append(_torch_tensor("b", b, f"(C_out,) = ({b.size},)"))
    torch_lines += [
        f"layer = torch.nn.ConvTranspose2d({c_in}, {c_out}, kernel_size=({kh}, {kw}), stride=({sh}, {sw}), "
        f"padding={pad_arg}, output_padding=({oph}, {opw}), dilation=({dh}, {dw}), bias={b is not None}, "
        "dtype=torch.float64)",
        "with torch.no_grad():",
        "    layer.weight.copy_(w)  # layer.weight.shape == (C_in, C_out, KH, KW)",
    ]
    if b is not None:
        torch_lines.append("    layer.bias.copy_(b)")
    torch_lines.append("    y = layer(z)")
    if not symmetric:
        torch_lines.append(f"y = y[..., {top}:{top + out_h}, {left}:{left + out_w}]  # asymmetric padding: crop")
    torch_lines.append("print(y)")

    numpy_lines = [
        "import numpy as np\n",
        _numpy_array("z", z, f"(C_in, H, W) = {_shape_text(z.shape)}"),
        _numpy_array("w", w, f"(C_in, C_out, KH, KW) = {_shape_text(w.shape)}"),
    ]
    if b is not None:
        numpy_lines.append(_numpy_array("b", b, f"(C_out,) = ({b.size},)"))
    numpy_lines += [
        f"full = np.zeros(({c_out}, {full_h}, {full_w}))  # (H−1)s + d(k−1) + 1 + output_padding",
        f"for i in range({h}):",
        f"    for j in range({wid}):  # each input cell stamps z·w onto the output",
        f"        full[:, i * {sh}:i * {sh} + {eh}:{dh}, j * {sw}:j * {sw} + {ew}:{dw}] += "
        'np.einsum("c,cfkl->fkl", z[:, i, j], w)',
        f"y = full[:, {top}:{top + out_h}, {left}:{left + out_w}]  # padding crops the full result"
        + ("\ny = y + b[:, None, None]" if b is not None else ""),
        "print(y)",
    ]
    return LibraryCode("\n".join(torch_lines) + "\n", "\n".join(numpy_lines) + "\n")


def dense_softmax_ce_code(a_prev: np.ndarray, W: np.ndarray, b: np.ndarray, y: np.ndarray) -> LibraryCode:
    """A dense layer, softmax and cross-entropy, forward and backward (one sample).

    z = W a + b, p = softmax(z), L = −Σ y log p; ∂L/∂z = p − y, ∂L/∂W = (p − y) aᵀ, ∂L/∂b = p − y,
    ∂L/∂a = Wᵀ(p − y). ``a_prev`` (M_in,), ``W`` (M_out, M_in), ``b`` and ``y`` (M_out,) — ``y`` a
    one-hot or any probability vector (``F.cross_entropy`` takes class probabilities as the target).
    Results ``z``, ``p``, ``loss``, ``dz``, ``dW``, ``db``, ``da``.
    """
    a, w = np.asarray(a_prev, float).reshape(-1), np.asarray(W, float)
    bias, target = np.asarray(b, float).reshape(-1), np.asarray(y, float).reshape(-1)
    torch_lines = [
        _TORCH_HEAD,
        _torch_tensor("a", a, f"a^(l-1), ({a.size},)", True),
        _torch_tensor("W", w, f"(M_out, M_in) = {_shape_text(w.shape)}", True),
        _torch_tensor("b", bias, f"({bias.size},)", True),
        _torch_tensor("y", target, "the target distribution (one-hot)"),
        "z = F.linear(a, W, b)  # z = W a + b",
        "z.retain_grad()",
        "p = torch.softmax(z, dim=0)",
        "loss = F.cross_entropy(z[None], y[None])  # = −Σ y log softmax(z), from the logits",
        "loss.backward()",
        "dz, dW, db, da = z.grad, W.grad, b.grad, a.grad  # dz == p − y",
        "print(z, p, loss, dz, dW, db, da)",
    ]
    numpy_lines = [
        "import numpy as np\n",
        _numpy_array("a", a, f"a^(l-1), ({a.size},)"),
        _numpy_array("W", w, f"(M_out, M_in) = {_shape_text(w.shape)}"),
        _numpy_array("b", bias, f"({bias.size},)"),
        _numpy_array("y", target, "the target distribution (one-hot)"),
        "z = W @ a + b",
        "p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()  # softmax (shifted: same value, no overflow)",
        "loss = -(y * np.log(p)).sum()",
        "dz = p - y  # ∂L/∂z for softmax + cross-entropy",
        "dW = np.outer(dz, a)",
        "db = dz",
        "da = W.T @ dz",
        "print(z, p, loss, dz, dW, db, da)",
    ]
    return LibraryCode("\n".join(torch_lines) + "\n", "\n".join(numpy_lines) + "\n")


def sigmoid_neuron_code(x: float, w: float, b: float) -> LibraryCode:
    """f(x; w, b) = σ(w x + b) and its gradients: autograd, and the chain rule by hand.

    ∂f/∂w = σ'(u)·x, ∂f/∂b = σ'(u), ∂f/∂x = σ'(u)·w with u = w x + b and σ' = σ(1 − σ).
    Results ``f``, ``df_dx``, ``df_dw``, ``df_db``.
    """
    x, w, b = (format_number(float(v)) for v in (x, w, b))
    torch_lines = [
        "import torch\n",
        f"x = torch.tensor({x}, dtype=torch.float64, requires_grad=True)",
        f"w = torch.tensor({w}, dtype=torch.float64, requires_grad=True)",
        f"b = torch.tensor({b}, dtype=torch.float64, requires_grad=True)",
        "f = torch.sigmoid(w * x + b)",
        "f.backward()  # reverse mode: one sweep gives every ∂f/∂leaf",
        "df_dx, df_dw, df_db = x.grad, w.grad, b.grad",
        "print(f, df_dx, df_dw, df_db)",
    ]
    numpy_lines = [
        "import numpy as np\n",
        f"x, w, b = {x}, {w}, {b}",
        "u = w * x + b",
        "f = 1 / (np.exp(-u) + 1)",
        "ds = f * (1 - f)  # σ'(u) = σ(u)(1 − σ(u))",
        "df_dx, df_dw, df_db = ds * w, ds * x, ds",
        "print(f, df_dx, df_dw, df_db)",
    ]
    return LibraryCode("\n".join(torch_lines) + "\n", "\n".join(numpy_lines) + "\n")


def conv1d_code(x: np.ndarray, w: np.ndarray, *, stride: int = 1, padding: int | Sequence[int] = 0,
                dilation: int = 1) -> LibraryCode:
    """``F.conv1d`` and NumPy for a 1-D filter on a signal: y[o] = Σ_t xp[o·s + t·d]·w[t].

    ``padding`` int or (before, after) (an unequal pair is written as ``F.pad``). Result ``y`` —
    torch (1, 1, O), NumPy (O,).
    """
    x, w = np.asarray(x, float).reshape(-1), np.asarray(w, float).reshape(-1)
    before, after = _pair(padding)
    eff = dilation * (w.size - 1) + 1
    torch_lines = [_TORCH_HEAD, _torch_tensor("x", x[None, None], f"(N, C, L) = (1, 1, {x.size})"),
                   _torch_tensor("w", w[None, None], f"(F, C, K) = (1, 1, {w.size})")]
    if before == after:
        torch_lines.append(f"y = F.conv1d(x, w, stride={stride}, padding={before}, dilation={dilation})"
                           "  # cross-correlation")
    else:
        torch_lines += [f"xp = F.pad(x, ({before}, {after}))  # unequal padding: (before, after)",
                        f"y = F.conv1d(xp, w, stride={stride}, dilation={dilation})  # cross-correlation"]
    numpy_lines = [
        _NUMPY_HEAD, _numpy_array("x", x, f"({x.size},)"), _numpy_array("w", w, f"({w.size},)"),
        f"xp = np.pad(x, ({before}, {after}))",
        f"windows = sliding_window_view(xp, {eff})[::{stride}, ::{dilation}]  # (O, K)",
        "y = windows @ w",
    ]
    return LibraryCode("\n".join(torch_lines + ["print(y)"]) + "\n", "\n".join(numpy_lines + ["print(y)"]) + "\n")


def output_shape_code(in_hw: Sequence[int], kernel_hw: Sequence[int], *, stride: int | Sequence[int] = 1,
                      padding: int | Sequence[int] = 0, dilation: int | Sequence[int] = 1) -> LibraryCode:
    """The output size: PyTorch reports it (a conv of zeros), NumPy computes the formula.

    O = ⌊(n + p_before + p_after − d(k − 1) − 1) / s⌋ + 1 per axis; ``padding`` as the core's
    (top, bottom, left, right) or int / pair. Result ``shape`` — torch (1, 1, OH, OW), NumPy (OH, OW).
    """
    (h, w), (kh, kw) = _pair(in_hw), _pair(kernel_hw)
    (sh, sw), (dh, dw) = _pair(stride), _pair(dilation)
    top, bottom, left, right = _padding4(padding)
    if top == bottom and left == right:
        pad_lines, source, pad_arg = [], "x", f", padding=({top}, {left})"
    else:
        pad_lines = [f"x = F.pad(x, ({left}, {right}, {top}, {bottom}))  # asymmetric (SAME): (left, right, top, bottom)"]
        source, pad_arg = "x", ""
    torch_lines = [
        _TORCH_HEAD,
        f"x = torch.zeros(1, 1, {h}, {w})  # (N, C, H, W): only the size matters",
        f"k = torch.zeros(1, 1, {kh}, {kw})",
        *pad_lines,
        f"shape = F.conv2d({source}, k, stride=({sh}, {sw}){pad_arg}, dilation=({dh}, {dw})).shape",
        "print(shape)",
    ]
    numpy_lines = [
        f"n, k, s, d, before, after = ({h}, {w}), ({kh}, {kw}), ({sh}, {sw}), ({dh}, {dw}), ({top}, {left}), "
        f"({bottom}, {right})",
        "shape = tuple((n[i] + before[i] + after[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2))",
        "print(shape)  # (OH, OW)",
    ]
    return LibraryCode("\n".join(torch_lines) + "\n", "\n".join(numpy_lines) + "\n")


# --------------------------------------------------------------------------- Streamlit panel

def show_library_code(code: LibraryCode, key: str = "library_code") -> None:
    """The panel's content: a caption and two tabs, PyTorch and NumPy, each an ``st.code`` block (copy button
    included). Pages show it through ``ui.page_kit.lazy_code_panel``, which draws it only while open.

    The tabs are a local tab strip (``ui.components.tab_strip``, component key ``<key>.tabs``; #14 round 13: not
    ``st.tabs``, ~110 React components on every pass of the page while the panel is open): both blocks are drawn in
    containers ``<key>.tabs.0`` / ``.1``, the browser switches between them alone (``local_tabs``)."""
    import streamlit as st

    from ui.components.tab_strip import local_tabs
    from ui.i18n import t

    st.caption(t("owndata.code_caption"))
    tab_torch, tab_numpy = local_tabs(f"{key}.tabs", [t("owndata.code_tab_torch"), t("owndata.code_tab_numpy")])
    tab_torch.code(code.torch, language="python")
    tab_numpy.code(code.numpy, language="python")
