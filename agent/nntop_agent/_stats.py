"""Activation and gradient statistics computed on the tensor's own device, on a strided sample.

On CPU the figures are read at once (a few small reductions). On CUDA the reductions are queued on the
current stream, copied without blocking into pinned memory, and an event marks when they are readable: the
aggregator thread reads them once `event.query()` is true, so nothing here waits for the GPU.
"""
import math

import torch

SAMPLE_LIMIT = 1 << 16


class Pending:
    """Numbers that become readable when `ready()` (a CUDA event completed); CPU values are ready at once."""
    __slots__ = ("values", "buf", "event")

    def __init__(self, values=None, buf=None, event=None):
        self.values, self.buf, self.event = values, buf, event

    def ready(self) -> bool:
        return self.values is not None or self.event.query()

    def get(self):
        if self.values is None:
            self.values = self.buf.tolist()
            self.buf = self.event = None
        return self.values


def _finish(t: torch.Tensor) -> Pending:
    if t.device.type == "cuda":
        buf = torch.empty(t.shape, dtype=t.dtype, pin_memory=True)
        buf.copy_(t, non_blocking=True)
        ev = torch.cuda.Event()
        ev.record()
        return Pending(buf=buf, event=ev)
    return Pending(values=t.tolist())


def _work_dtype(device):
    return torch.float32 if device.type == "mps" else torch.float64


def activation_stats(t: torch.Tensor, limit: int = SAMPLE_LIMIT):
    """(numel, sampled, Pending[mean, std, min, max, zeros, nans, infs]) or None for tensors without figures."""
    if t.is_complex() or t.is_sparse or t.device.type == "meta" or t.is_quantized:
        return None
    x = t.detach()
    n = x.numel()
    if n == 0:
        return n, 0, Pending(values=[math.nan] * 4 + [0, 0, 0])
    flat = x.reshape(-1)  # a view for contiguous tensors; a copy otherwise (then sampled below)
    if n > limit:
        step = -(-n // limit)
        flat = flat[::step]
    k = flat.numel()
    f = flat.to(_work_dtype(flat.device))
    mean = f.mean()
    # two-pass standard deviation (a centred dot product): as exact as Tensor.std, several times faster on CPU
    c = f - mean
    std = (torch.dot(c, c) / (k - 1)).sqrt() if k > 1 else torch.full_like(mean, math.nan)
    mn, mx = torch.aminmax(f)
    nonzero = torch.count_nonzero(f).to(f.dtype)  # NaN counts as non-zero, as `f == 0` would say
    if f.device.type != "cuda":
        # on CPU one read of the five figures; NaN/Inf propagate into the mean, so count them only when it is not
        # finite
        m, sd, lo, hi, nz = torch.stack([mean, std, mn, mx, nonzero]).tolist()
        if math.isfinite(m):
            nans = infs = 0
        else:
            nans, infs = int(torch.isnan(f).sum()), int(torch.isinf(f).sum())
        return n, k, Pending(values=[m, sd, lo, hi, k - int(nz), nans, infs])
    nans = torch.isnan(f).sum().to(f.dtype)
    infs = torch.isinf(f).sum().to(f.dtype)
    zeros = k - nonzero
    # aminmax ignores nothing: NaN propagates into min/max as the goldens define
    return n, k, _finish(torch.stack([mean, std, mn, mx, zeros, nans, infs]))


def gradient_stats(g: torch.Tensor):
    """Pending[count, sum of squares, sum, max |g|, nans, infs] over the whole gradient (no sampling: the norm is exact)."""
    if g.is_sparse:
        g = g.coalesce().values()
    g = g.detach()
    n = g.numel()
    if n == 0:
        return Pending(values=[0, 0.0, 0.0, 0.0, 0, 0])
    # the gradient's own floating dtype (float64 conversion of a whole gradient costs more than the step)
    wd = g.dtype if g.dtype in (torch.float32, torch.float64) else torch.float32
    norm = torch.linalg.vector_norm(g, dtype=wd)
    s = g.sum(dtype=wd)
    mn, mx = torch.aminmax(g)
    if g.device.type == "cuda":
        amax = torch.maximum(mx.abs(), mn.abs()).to(wd)
        nans = torch.isnan(g).sum().to(wd)
        infs = torch.isinf(g).sum().to(wd)
        d = torch.float64
        cnt = torch.full((), float(n), dtype=d, device=g.device)  # float64: exact counts past 2^24 elements
        return _finish(torch.stack([cnt, (norm * norm).to(d), s.to(d), amax.to(d), nans.to(d), infs.to(d)]))
    normv, sv, lo, hi = torch.stack([norm, s, mn.to(wd), mx.to(wd)]).tolist()  # one read on CPU
    amax = math.nan if lo != lo or hi != hi else max(abs(lo), abs(hi))
    if math.isfinite(normv):
        nans = infs = 0
    else:
        nans = int(torch.isnan(g).sum())
        infs = int(torch.isinf(g).sum())
    return Pending(values=[n, normv * normv, sv, amax, nans, infs])
