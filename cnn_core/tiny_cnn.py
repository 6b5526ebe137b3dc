"""A tiny CNN, one SGD step with every tensor exposed, on 8x8 glyphs generated in code.

Architecture (NCHW, float64; shapes for N images of 8x8 and F filters, K classes):

    x        (N, 1, 8, 8)
    conv_z   (N, F, 6, 6)   = conv2d(x, conv_w, conv_b)            3x3, stride 1, no padding
    relu_a   (N, F, 6, 6)   = max(conv_z, 0)
    pool     (N, F, 3, 3)   = max-pool 2x2, stride 2
    flat     (N, 9F)        = pool.reshape(N, −1)                  (C, H, W) order
    fc_z     (N, K)         = fc_W flat + fc_b                      (seed 004's z = W a + b, per row)
    probs    (N, K)         = softmax(fc_z)
    loss                    = mean_n −log probs[n, y_n]

Backward (every δ is ∂loss/∂·):

    d_fc_z    = (probs − onehot(y)) / N
    d_fc_W    = Σ_n d_fc_z[n] flat[n]ᵀ,   d_fc_b = Σ_n d_fc_z[n],   d_flat = d_fc_z fc_W
    d_pool    = d_flat reshaped to (N, F, 3, 3)
    d_relu    = route of d_pool to each window's max (seed 001's upsample)
    d_conv_z  = d_relu ⊙ ReLU'(conv_z)                              (ReLU'(0) = 0)
    d_conv_w, d_conv_b = conv2d_backward(d_conv_z, x, conv_w)
    new θ     = θ − lr · dθ

The convolution is ``cnn_core.conv``'s, pooling ``cnn_core.pool``'s, the FC layer and
softmax ``cnn_core.dense``'s: this module only wires them together. ``train_curve`` runs many steps
with the same operations on the checked arrays, without re-checking and tracing every step (the
same numbers bit for bit, ~8× faster a step); ``train_step`` stays the reference and the one that explains.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .activations import activate, activation_derivative, as_finite_array
from .arithmetic import as_pair, conv_output_shape
from .conv import conv2d, conv2d_backward, sgd_step
from .dense import dense_backward, dense_forward, one_hot, softmax, softmax_cross_entropy
from .errors import CoreValueError
from .gradcheck import GradCheck, check_gradient
from .pool import max_pool_winners, pool2d, pool2d_backward

CONV_KERNEL = 3
CONV_STRIDE = 1
CONV_PADDING = 0
POOL_KERNEL = 2
ACTIVATION = "relu"

# 8x8 glyphs, "#" = 1
_GLYPHS: dict[str, tuple[str, ...]] = {
    "X": ("#......#",
          ".#....#.",
          "..#..#..",
          "...##...",
          "...##...",
          "..#..#..",
          ".#....#.",
          "#......#"),
    "O": ("........",
          "..####..",
          ".#....#.",
          ".#....#.",
          ".#....#.",
          ".#....#.",
          "..####..",
          "........"),
    "+": ("...#....",
          "...#....",
          "...#....",
          "########",
          "...#....",
          "...#....",
          "...#....",
          "...#...."),
    "|": ("...#....",
          "...#....",
          "...#....",
          "...#....",
          "...#....",
          "...#....",
          "...#....",
          "...#...."),
}
CLASS_NAMES: tuple[str, ...] = tuple(_GLYPHS)


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64)
    a.setflags(write=False)
    return a


def glyph_templates() -> np.ndarray:
    """The clean glyphs, shape (K, 8, 8), in ``CLASS_NAMES`` order ("X", "O", "+", "|")."""
    return _frozen([[[1.0 if ch == "#" else 0.0 for ch in row] for row in _GLYPHS[name]] for name in CLASS_NAMES])


def make_glyph_dataset(rng: np.random.Generator, n_per_class: int, noise: float = 0.15,
                       max_shift: int = 0) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Noisy copies of the glyphs "X", "O", "+", "|".

    Parameters
    ----------
    rng : np.random.Generator
        The only source of randomness.
    n_per_class : int ≥ 1
    noise : float ≥ 0
        Standard deviation of Gaussian pixel noise.
    max_shift : int ≥ 0
        Each image is shifted by up to this many pixels along each axis (zeros fill in).

    Returns
    -------
    images : np.ndarray, shape (N, 1, 8, 8), N = 4 · n_per_class, class by class
    labels : np.ndarray of int64, shape (N,)
    class_names : tuple of str
    """
    n_per_class = as_pair(n_per_class, "n_per_class")[0]
    max_shift = as_pair(max_shift, "max_shift", minimum=0)[0]
    if not np.isfinite(noise) or noise < 0:
        raise CoreValueError("negative", f"noise must be >= 0, got {noise}", name="noise", value=noise, minimum=0)
    templates = glyph_templates()
    k, h, w = templates.shape
    images = np.zeros((k * n_per_class, 1, h, w))
    labels = np.repeat(np.arange(k), n_per_class).astype(np.int64)
    for i, label in enumerate(labels):
        img = templates[label]
        if max_shift:
            dr, dc = rng.integers(-max_shift, max_shift + 1, size=2)
            img = _shift(img, int(dr), int(dc))
        images[i, 0] = img + noise * rng.normal(size=(h, w))
    return images, labels, CLASS_NAMES


def _shift(img: np.ndarray, dr: int, dc: int) -> np.ndarray:
    """Shift by (dr, dc) pixels, zero fill (no wrap-around)."""
    h, w = img.shape
    out = np.zeros_like(img)
    out[max(dr, 0): h + min(dr, 0), max(dc, 0): w + min(dc, 0)] = \
        img[max(-dr, 0): h + min(-dr, 0), max(-dc, 0): w + min(-dc, 0)]
    return out


@dataclass(frozen=True)
class Params:
    """The network's parameters (read-only arrays).

    Attributes
    ----------
    conv_w : (F, 1, 3, 3)
    conv_b : (F,)
    fc_W : (K, F·PH·PW)     PH, PW = pooled height / width (3, 3 for 8x8 images)
    fc_b : (K,)
    """

    conv_w: np.ndarray
    conv_b: np.ndarray
    fc_W: np.ndarray
    fc_b: np.ndarray

    def as_dict(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, values: dict[str, np.ndarray]) -> "Params":
        return cls(**{f.name: _frozen(values[f.name]) for f in fields(cls)})


def feature_shape(image_hw: tuple[int, int] | int = 8) -> tuple[int, int, int, int]:
    """(conv OH, conv OW, pooled PH, pooled PW) for an image size, via ``cnn_core.arithmetic``."""
    conv_hw = conv_output_shape(image_hw, CONV_KERNEL, CONV_STRIDE, CONV_PADDING)
    pool_hw = conv_output_shape(conv_hw, POOL_KERNEL, POOL_KERNEL, 0)
    return conv_hw + pool_hw


def init_params(rng: np.random.Generator, filters: int = 4, num_classes: int = len(CLASS_NAMES),
                image_size: int = 8) -> Params:
    """He-initialised weights (std √(2/fan_in)), zero biases.

    >>> p = init_params(np.random.default_rng(0))
    >>> p.conv_w.shape, p.fc_W.shape
    ((4, 1, 3, 3), (4, 36))
    """
    filters = as_pair(filters, "filters")[0]
    num_classes = as_pair(num_classes, "num_classes")[0]
    _, _, ph, pw = feature_shape(image_size)
    fan_conv, fan_fc = CONV_KERNEL * CONV_KERNEL, filters * ph * pw
    return Params(
        conv_w=_frozen(rng.normal(scale=np.sqrt(2.0 / fan_conv), size=(filters, 1, CONV_KERNEL, CONV_KERNEL))),
        conv_b=_frozen(np.zeros(filters)),
        fc_W=_frozen(rng.normal(scale=np.sqrt(2.0 / fan_fc), size=(num_classes, fan_fc))),
        fc_b=_frozen(np.zeros(num_classes)),
    )


@dataclass(frozen=True)
class Forward:
    """The forward tensors (see the module docstring for shapes)."""

    conv_z: np.ndarray
    relu_a: np.ndarray
    pool: np.ndarray
    pool_winners: np.ndarray
    flat: np.ndarray
    fc_z: np.ndarray
    probs: np.ndarray


def _check_images(params: Params, x: object) -> np.ndarray:
    xx = as_finite_array(x, "x", ndim=4)
    if xx.shape[1] != params.conv_w.shape[1]:
        raise CoreValueError("bad_shape", f"x must have {params.conv_w.shape[1]} channel(s), got shape {xx.shape}",
                             name="x", expected=f"(N, {params.conv_w.shape[1]}, H, W)", got=str(xx.shape))
    _, _, ph, pw = feature_shape(xx.shape[2:])
    features = params.conv_w.shape[0] * ph * pw
    if features != params.fc_W.shape[1]:
        raise CoreValueError("bad_shape", f"images of {xx.shape[2]}x{xx.shape[3]} give {features} features, "
                             f"but fc_W expects {params.fc_W.shape[1]}",
                             name="x", expected=f"fc_W input {params.fc_W.shape[1]}", got=str(features))
    return xx


def forward(params: Params, x: np.ndarray) -> Forward:
    """Run conv → ReLU → max-pool → flatten → FC → softmax on x (N, 1, H, W)."""
    xx = _check_images(params, x)
    conv_z = conv2d(xx, params.conv_w, params.conv_b, stride=CONV_STRIDE, padding=CONV_PADDING)
    relu_a = activate(ACTIVATION, conv_z)
    pooled = pool2d(relu_a, POOL_KERNEL, POOL_KERNEL, 0, "max")
    winners = max_pool_winners(relu_a, POOL_KERNEL, POOL_KERNEL, 0)
    flat = pooled.reshape(pooled.shape[0], -1)
    fc_z = dense_forward(flat, params.fc_W, params.fc_b)
    return Forward(conv_z=_frozen(conv_z), relu_a=_frozen(relu_a), pool=_frozen(pooled),
                   pool_winners=winners, flat=_frozen(flat), fc_z=_frozen(fc_z), probs=_frozen(softmax(fc_z)))


def loss(params: Params, x: np.ndarray, labels: np.ndarray) -> float:
    """Mean cross-entropy of softmax(fc_z) against the labels (from the logits, stably)."""
    fwd = forward(params, x)
    return softmax_cross_entropy(fwd.fc_z, one_hot(labels, params.fc_W.shape[0]))


def predict(params: Params, x: np.ndarray) -> np.ndarray:
    """argmax of the class probabilities, shape (N,)."""
    return np.argmax(forward(params, x).probs, axis=1)


@dataclass(frozen=True)
class StepTrace:
    """One SGD step with every intermediate tensor (read-only arrays).

    Attributes
    ----------
    params : Params
        Before the step.
    x : (N, 1, H, W)
    labels : (N,) int
    targets : (N, K)
        one-hot labels.
    conv_z, relu_a : (N, F, OH, OW)
    pool : (N, F, PH, PW)
    pool_winners : (N, F, PH, PW, 2) int
        (row, col) in relu_a of each window's max: the route of d_pool.
    flat : (N, F·PH·PW)
    fc_z, probs : (N, K)
    loss : float
        Mean cross-entropy.
    accuracy : float
        Fraction of argmax(probs) == labels (before the step).
    d_fc_z : (N, K)
        (probs − targets) / N.
    d_flat : (N, F·PH·PW)
        d_fc_z fc_W (each row fc_Wᵀ δ).
    d_pool : (N, F, PH, PW)
    d_relu : (N, F, OH, OW)
        d_pool routed to the winners.
    relu_prime : (N, F, OH, OW)
        ReLU'(conv_z) ∈ {0, 1}.
    d_conv_z : (N, F, OH, OW)
        d_relu ⊙ relu_prime.
    grads : Params
        d_conv_w, d_conv_b, d_fc_W, d_fc_b (same field names as Params).
    lr : float
    new_params : Params
        params − lr · grads.
    """

    params: Params
    x: np.ndarray
    labels: np.ndarray
    targets: np.ndarray
    conv_z: np.ndarray
    relu_a: np.ndarray
    pool: np.ndarray
    pool_winners: np.ndarray
    flat: np.ndarray
    fc_z: np.ndarray
    probs: np.ndarray
    loss: float
    accuracy: float
    d_fc_z: np.ndarray
    d_flat: np.ndarray
    d_pool: np.ndarray
    d_relu: np.ndarray
    relu_prime: np.ndarray
    d_conv_z: np.ndarray
    grads: Params
    lr: float
    new_params: Params


def _check_labels(labels: object, n: int, num_classes: int) -> np.ndarray:
    lab = np.asarray(labels)
    if lab.shape != (n,):
        raise CoreValueError("bad_shape", f"labels must have shape ({n},), got {lab.shape}",
                             name="labels", expected=f"({n},)", got=str(lab.shape))
    targets = one_hot(lab, num_classes)
    return lab.astype(np.int64), targets


def gradients(params: Params, x: np.ndarray, labels: np.ndarray) -> tuple[Forward, dict[str, np.ndarray], Params]:
    """Forward tensors, every δ (by name) and the parameter gradients."""
    xx = _check_images(params, x)
    lab, targets = _check_labels(labels, xx.shape[0], params.fc_W.shape[0])
    fwd = forward(params, xx)
    n = xx.shape[0]
    d_fc_z = (fwd.probs - targets) / n                            # mean loss ⇒ 1/N
    d_flat, d_fc_W, d_fc_b = dense_backward(d_fc_z, fwd.flat, params.fc_W)
    d_pool = d_flat.reshape(fwd.pool.shape)
    d_relu = pool2d_backward(d_pool, fwd.relu_a, POOL_KERNEL, POOL_KERNEL, 0, "max")
    relu_prime = activation_derivative(ACTIVATION, fwd.conv_z)
    d_conv_z = d_relu * relu_prime
    _, d_conv_w, d_conv_b = conv2d_backward(d_conv_z, xx, params.conv_w, stride=CONV_STRIDE, padding=CONV_PADDING)
    deltas = {"labels": lab, "targets": targets, "d_fc_z": d_fc_z, "d_flat": d_flat, "d_pool": d_pool,
              "d_relu": d_relu, "relu_prime": relu_prime, "d_conv_z": d_conv_z}
    grads = Params.from_dict({"conv_w": d_conv_w, "conv_b": d_conv_b, "fc_W": d_fc_W, "fc_b": d_fc_b})
    return fwd, deltas, grads


def train_step(params: Params, x: np.ndarray, labels: np.ndarray, lr: float) -> StepTrace:
    """One forward, loss, backward and SGD update; returns every tensor (nothing is mutated).

    Parameters
    ----------
    params : Params
    x : np.ndarray, shape (N, 1, H, W)
    labels : np.ndarray of int, shape (N,), values in [0, K)
    lr : float > 0
    """
    xx = _check_images(params, x)
    fwd, d, grads = gradients(params, xx, labels)
    new = Params.from_dict(sgd_step(params.as_dict(), grads.as_dict(), lr))
    return StepTrace(
        params=params, x=_frozen(xx), labels=d["labels"], targets=_frozen(d["targets"]),
        conv_z=fwd.conv_z, relu_a=fwd.relu_a, pool=fwd.pool, pool_winners=fwd.pool_winners, flat=fwd.flat,
        fc_z=fwd.fc_z, probs=fwd.probs, loss=softmax_cross_entropy(fwd.fc_z, d["targets"]),
        accuracy=float(np.mean(np.argmax(fwd.probs, axis=1) == d["labels"])),
        d_fc_z=_frozen(d["d_fc_z"]), d_flat=_frozen(d["d_flat"]), d_pool=_frozen(d["d_pool"]),
        d_relu=_frozen(d["d_relu"]), relu_prime=_frozen(d["relu_prime"]), d_conv_z=_frozen(d["d_conv_z"]),
        grads=grads, lr=float(lr), new_params=new)


@dataclass(frozen=True)
class TrainResult:
    """Several SGD steps on the same batch.

    Attributes
    ----------
    losses : tuple of float
        Loss before each step, then the final loss (length steps + 1).
    traces : tuple of StepTrace
        One per step.
    params : Params
        After the last step.
    """

    losses: tuple[float, ...]
    traces: tuple[StepTrace, ...]
    params: Params


def train(params: Params, x: np.ndarray, labels: np.ndarray, lr: float, steps: int) -> TrainResult:
    """``steps`` full-batch SGD steps; the loss before each and after the last."""
    steps = as_pair(steps, "steps")[0]
    traces = []
    current = params
    for _ in range(steps):
        trace = train_step(current, x, labels, lr)
        traces.append(trace)
        current = trace.new_params
    losses = tuple(t.loss for t in traces) + (loss(current, x, labels),)
    return TrainResult(losses=losses, traces=tuple(traces), params=current)


@dataclass(frozen=True)
class TrainCurve:
    """Several SGD steps on the same batch, without the per-step tensors (what a loss curve needs).

    Attributes
    ----------
    losses : tuple of float
        Loss before each step, then the final loss (length steps + 1), as ``train``'s.
    accuracies : tuple of float
        Accuracy before each step, then the final accuracy (length steps + 1).
    params : Params
        After the last step.
    """

    losses: tuple[float, ...]
    accuracies: tuple[float, ...]
    params: Params


class _FastSteps:
    """The steps of ``train_step`` on one checked batch, with no argument checks and no traces.

    Every array operation is the one the checked path performs (``conv2d``'s im2col and matrix product,
    ``pool2d``'s first-maximum winner, ``dense_forward``/``dense_backward``, ``softmax``,
    ``softmax_cross_entropy``, ``pool2d_backward``'s routing, ``conv2d_backward``'s per-sample sum,
    ``sgd_step``), in the same order on arrays of the same layout, so the numbers are the same bit for bit
    (``tests/core/test_tiny_cnn.py`` compares them with ``train_step``). What it skips: re-checking
    x, labels and every intermediate tensor on every step, the input gradient of the first layer (no
    layer below it), and freezing ~20 arrays per step. The weights are the caller's checked ones.
    """

    def __init__(self, x: np.ndarray, labels: np.ndarray, targets: np.ndarray, filters: int) -> None:
        n, c, h, w = x.shape
        oh, ow = h - CONV_KERNEL + 1, w - CONV_KERNEL + 1          # 3×3, stride 1, no padding (checked shapes)
        windows = np.lib.stride_tricks.sliding_window_view(x, (CONV_KERNEL, CONV_KERNEL), axis=(2, 3))
        # (N, C·3·3, OH·OW), row (c, a, q) = tap (a, q), column = output cell: conv2d's im2col, computed once
        self.cols = np.ascontiguousarray(windows.transpose(0, 1, 4, 5, 2, 3)).reshape(n, c * CONV_KERNEL ** 2, oh * ow)
        self.labels, self.targets, self.n = labels, targets, n
        self.conv_shape = (n, filters, oh, ow)
        self.pool_shape = (n, filters, oh // POOL_KERNEL, ow // POOL_KERNEL)
        self.taps = np.arange(POOL_KERNEL * POOL_KERNEL)

    def forward(self, conv_w: np.ndarray, conv_b: np.ndarray, fc_W: np.ndarray, fc_b: np.ndarray):
        """conv_z, the pool winners' tap index (row-major, first maximum), flat, fc_z."""
        f = conv_w.shape[0]
        y = np.matmul(conv_w.reshape(f, -1), self.cols)
        y += conv_b[:, None]
        conv_z = y.reshape(self.conv_shape)
        n, _, ph, pw = self.pool_shape
        k = POOL_KERNEL
        windows = np.maximum(conv_z, 0.0).reshape(n, f, ph, k, pw, k).transpose(0, 1, 2, 4, 3, 5).reshape(
            n, f, ph, pw, k * k)
        arg = windows.argmax(axis=-1)                                # first maximum, as pool2d's strict ">"
        flat = windows.max(axis=-1).reshape(n, -1)
        return conv_z, arg, flat, flat @ fc_W.T + fc_b

    def loss_and_accuracy(self, fc_z: np.ndarray) -> tuple[float, float, np.ndarray]:
        """softmax_cross_entropy(fc_z, targets), the accuracy and softmax(fc_z)."""
        m = fc_z.max(axis=-1, keepdims=True)
        e = np.exp(fc_z - m)                                          # softmax's and the loss's (the same shift)
        total = e.sum(axis=-1, keepdims=True)
        lse = (m + np.log(total))[..., 0]
        loss_value = float((lse - (self.targets * fc_z).sum(axis=-1)).sum() / self.n)
        probs = e / total
        return loss_value, np.count_nonzero(np.argmax(probs, axis=1) == self.labels) / self.n, probs

    def step(self, weights: tuple[np.ndarray, ...], lr: float):
        """(loss, accuracy, gradients, new weights, finite) for weights (conv_w, conv_b, fc_W, fc_b) before the step;
        ``finite`` is False when some tensor overflowed (the caller then asks the checked path, which says where)."""
        conv_w, conv_b, fc_W, fc_b = weights
        conv_z, arg, flat, fc_z = self.forward(*weights)
        loss_value, accuracy, probs = self.loss_and_accuracy(fc_z)
        d_fc_z = (probs - self.targets) / self.n
        d_flat, d_fc_W, d_fc_b = d_fc_z @ fc_W, d_fc_z.T @ flat, d_fc_z.sum(axis=0)
        n, f, ph, pw = self.pool_shape
        k = POOL_KERNEL
        # pool2d_backward: each cell of o gets 0.0 + (δ of its window if it won, else 0.0)
        routed = np.where(arg[..., None] == self.taps, d_flat.reshape(self.pool_shape)[..., None], 0.0) + 0.0
        d_relu = routed.reshape(n, f, ph, pw, k, k).transpose(0, 1, 2, 4, 3, 5).reshape(self.conv_shape)
        d_conv_z = d_relu * (conv_z > 0).astype(np.float64)
        dy_m = d_conv_z.reshape(n, f, -1)
        d_conv_w = sum(np.matmul(self.cols, dy_m.transpose(0, 2, 1))).T.reshape(conv_w.shape)   # Σ_n in order
        d_conv_b = d_conv_z.sum(axis=(0, 2, 3))
        grads = (d_conv_w, d_conv_b, d_fc_W, d_fc_b)
        new = tuple(p - lr * g for p, g in zip(weights, grads))
        # the tensors the checked step would refuse if not finite (an infinite gradient makes a new weight
        # infinite; relu and softmax can hide an infinite net or logit). A sum is finite only if every term
        # is; a false alarm from a huge finite sum only costs one checked step.
        finite = np.isfinite(conv_z.sum() + fc_z.sum() + d_flat.sum() + sum(p.sum() for p in new))
        return loss_value, accuracy, grads, new, bool(finite)


def train_curve(params: Params, x: np.ndarray, labels: np.ndarray, lr: float, steps: int) -> TrainCurve:
    """``train``'s losses and weights (the same numbers, bit for bit) and the accuracies, fast: no per-step tensors.

    The arguments are checked once — the first step is ``train_step``'s, so a bad argument raises exactly
    what ``train`` raises — and the other steps run on ``_FastSteps`` (~8× faster than checking every
    tensor of every step). A step whose tensors overflow is run by ``train_step`` again, which raises the
    same ``not_finite`` error ``train`` would (the page keeps the last good weights).

    Parameters
    ----------
    params : Params
    x : np.ndarray, shape (N, 1, H, W)
    labels : np.ndarray of int, shape (N,), values in [0, K)
    lr : float > 0
    steps : int ≥ 1
    """
    steps = as_pair(steps, "steps")[0]
    first = train_step(params, x, labels, lr)
    fast = _FastSteps(first.x, first.labels, first.targets, params.conv_w.shape[0])
    losses, accuracies = [first.loss], [first.accuracy]
    weights = tuple(first.new_params.as_dict().values())
    with np.errstate(all="ignore"):                               # an overflow is caught below, not warned about
        for _ in range(steps - 1):
            loss_value, accuracy, _, new, finite = fast.step(weights, lr)
            if not finite:                                         # the checked step raises, or it was a false alarm
                trace = train_step(Params.from_dict(dict(zip(_PARAM_NAMES, weights))), first.x, first.labels, lr)
                loss_value, accuracy = trace.loss, trace.accuracy
                new = tuple(trace.new_params.as_dict().values())
            losses.append(loss_value)
            accuracies.append(accuracy)
            weights = new
        current = Params.from_dict(dict(zip(_PARAM_NAMES, weights)))
        conv_z, _, _, fc_z = fast.forward(*weights)
        if not np.isfinite(conv_z.sum() + fc_z.sum() + sum(p.sum() for p in weights)):
            loss_value = loss(current, first.x, first.labels)             # raises as train's final loss() does
            accuracy = float(np.mean(predict(current, first.x) == first.labels))
        else:
            loss_value, accuracy, _ = fast.loss_and_accuracy(fc_z)
    return TrainCurve(losses=tuple(losses) + (loss_value,), accuracies=tuple(accuracies) + (accuracy,), params=current)


_PARAM_NAMES = tuple(f.name for f in fields(Params))


def check_gradients(params: Params, x: np.ndarray, labels: np.ndarray, eps: float = 1e-6,
                    tol: float = 1e-5) -> tuple[tuple[str, GradCheck], ...]:
    """Centred finite differences of the loss for every parameter array vs the backward pass.

    Returns ``((name, GradCheck), ...)`` in ``Params`` field order (conv_w, conv_b, fc_W, fc_b);
    ``GradCheck.max_rel_error`` and ``.passed`` summarise each. A ReLU kink or a max-pool tie
    within ``eps`` of the point can make one entry disagree; that is the check working.
    """
    _, _, grads = gradients(params, x, labels)
    results = []
    for name, value in params.as_dict().items():
        def loss_of(v: np.ndarray, name: str = name) -> float:
            return loss(Params.from_dict({**params.as_dict(), name: v}), x, labels)
        results.append((name, check_gradient(loss_of, value, getattr(grads, name), tol=tol, eps=eps)))
    return tuple(results)
