"""The aggregator (sender thread side): turns step records into the schema's profile snapshot."""
import collections
import math
import threading
import time

from ._json import fnum

_LOG_STEP = 100.0  # histogram bins of 1 % (log scale)


class Series:
    """Per-forward values in ms: the last `window` exactly, all of them in a 1 % log histogram."""
    __slots__ = ("window", "hist", "count", "sum", "max")

    def __init__(self, window):
        self.window = collections.deque(maxlen=window)
        self.hist = collections.Counter()
        self.count = 0
        self.sum = 0.0
        self.max = 0.0

    def add(self, v):
        self.window.append(v)
        self.hist[int(math.floor(math.log(v) * _LOG_STEP)) if v > 1e-9 else -10**9] += 1
        self.count += 1
        self.sum += v
        if v > self.max:
            self.max = v

    @staticmethod
    def _exact(vals):
        if not vals:
            return {"p50": 0.0, "p90": 0.0, "p99": 0.0, "max": 0.0, "mean": 0.0}
        s = sorted(vals)
        n = len(s)

        def q(p):
            return s[min(n - 1, max(0, int(math.ceil(p * n)) - 1))]
        return {"p50": q(0.5), "p90": q(0.9), "p99": q(0.99), "max": s[-1], "mean": sum(s) / n}

    def _total(self):
        if not self.count:
            return self._exact([])
        keys = sorted(self.hist)
        out = {}
        for p, name in ((0.5, "p50"), (0.9, "p90"), (0.99, "p99")):
            target = max(1, int(math.ceil(p * self.count)))
            acc = 0
            for k in keys:
                acc += self.hist[k]
                if acc >= target:
                    out[name] = 0.0 if k == -10**9 else min(self.max, math.exp((k + 0.5) / _LOG_STEP))
                    break
        out["max"] = self.max
        out["mean"] = self.sum / self.count
        return out

    def timing(self):
        return {"window": self._exact(list(self.window)), "total": self._total()}


class ModStat:
    def __init__(self, window):
        self.calls = 0
        self.incl = Series(window)
        self.self_ = Series(window)
        self.history = collections.deque(maxlen=window)
        self.outputs = None
        self.mean_history = collections.deque(maxlen=window)
        self.bwd_passes = 0
        self.bwd_incl = Series(window)
        self.bwd_self = Series(window)
        self.bwd_history = collections.deque(maxlen=window)
        self.bwd_last = -1
        self.gradient = None


class Aggregator:
    def __init__(self, names, owners, window, event_pool, log):
        self.names = names
        self.owners = owners
        self.window = window
        self.event_pool = event_pool
        self.log = log
        self.lock = threading.Lock()
        self.mods = [ModStat(window) for _ in names]
        self.forwards = 0
        self.ends = collections.deque()
        self.waiting = collections.deque()
        self.backward_passes = 0
        self.last_backward_ms = None
        self.node_time = {}
        self.first_non_finite = None
        self.failed_module = None
        self.first_non_finite_gradient = None
        self.train_step = False
        self.dirty = True
        self.lost = 0

    # ---- records ---------------------------------------------------------------------------------------------

    def add(self, rec):
        self.waiting.append(rec)
        if len(self.waiting) > 256:  # CUDA work that never completes must not grow without bound
            self.waiting.popleft()
            self.lost += 1

    def poll(self):
        """Processes waiting records in order while their device work is complete."""
        while self.waiting:
            rec = self.waiting[0]
            try:
                if not self._ready(rec):
                    return
                with self.lock:
                    self._process(rec)
            except Exception as e:
                self.log(f"dropping a record that could not be read: {e!r}")
            self.waiting.popleft()
            self.dirty = True

    @staticmethod
    def _ev_ready(x):
        return x is None or isinstance(x, int) or x.query()

    def _ready(self, rec):
        kind = rec[0]
        if kind == "fwd":
            calls, fstats = rec[2], rec[3]
            if calls and not self._ev_ready(calls[0][3]):
                return False
            if fstats:
                for stats in fstats.values():
                    for s in stats:
                        if not s[5].ready():
                            return False
            return True
        if kind == "bwd":
            for r in rec[3].values():
                if not (self._ev_ready(r[2]) and self._ev_ready(r[3])):
                    return False
            return all(p.ready() for p in rec[4].values())
        if kind == "loss":
            return rec[1].ready()
        return True

    def _recycle(self, ev):
        if ev is not None and not isinstance(ev, int):
            self.event_pool.append(ev)

    def _process(self, rec):
        kind = rec[0]
        if kind == "fwd":
            self._forward(rec)
        elif kind == "bwd":
            self._backward(rec)
        elif kind == "failed":
            self.failed_module = rec[1]

    def _forward(self, rec):
        _, step, calls, fstats, detail, t0, t1 = rec
        self.forwards += 1
        now = time.monotonic()
        self.ends.append(now)
        while self.ends and now - self.ends[0] > 1.0:
            self.ends.popleft()
        n = len(calls)
        incl = [0.0] * n
        done = [False] * n
        cuda = n and not isinstance(calls[0][2], int)
        for k, c in enumerate(calls):
            if c[3] is None or c[3] == 0:
                continue
            if cuda:
                # a statistics forward queued extra kernels between the events: it is not timed on CUDA
                if not detail:
                    incl[k] = c[2].elapsed_time(c[3])
                    done[k] = True
                self._recycle(c[2])
                self._recycle(c[3])
            else:
                incl[k] = (c[3] - c[2] - (c[5] - c[4])) / 1e6
                done[k] = True
        child = [0.0] * n
        for k, c in enumerate(calls):
            if done[k] and c[1] >= 0:
                child[c[1]] += incl[k]
        per_incl = {}
        per_self = {}
        per_calls = {}
        for k, c in enumerate(calls):
            i = c[0]
            per_calls[i] = per_calls.get(i, 0) + 1
            if done[k]:
                per_incl[i] = per_incl.get(i, 0.0) + incl[k]
                per_self[i] = per_self.get(i, 0.0) + max(0.0, incl[k] - child[k])
        for i, cnt in per_calls.items():
            m = self.mods[i]
            m.calls += cnt
            if i in per_incl:
                m.incl.add(per_incl[i])
                m.self_.add(per_self[i])
                m.history.append(per_incl[i])
        if fstats:
            first_bad = None
            for k in sorted(fstats):
                i = calls[k][0]
                outs = []
                for path, shape, dtype, numel, sampled, pend in fstats[k]:
                    mean, std, mn, mx, zeros, nans, infs = pend.get()
                    scale = numel / sampled if sampled else 0.0
                    outs.append({"path": path, "shape": shape, "dtype": dtype, "numel": numel,
                                 "mean": fnum(mean), "std": fnum(std), "min": fnum(mn), "max": fnum(mx),
                                 "nan_count": int(round(nans * scale)), "inf_count": int(round(infs * scale)),
                                 "zero_fraction": (zeros / sampled) if sampled else 0.0, "sampled": sampled})
                    if (nans or infs) and first_bad is None:
                        first_bad = self.names[i]
                m = self.mods[i]
                m.outputs = outs
                if outs:
                    m.mean_history.append(outs[0]["mean"])  # already encoded
            if first_bad is not None:
                self.first_non_finite = first_bad

    def _backward(self, rec):
        _, step, calls, nodes, grads = rec
        n = len(calls)
        own = [0.0] * n
        seen = [False] * n
        t_first = t_last = None
        fired = False
        ref = None
        for s, (k, cls, a, b) in nodes.items():
            if a is None or b is None:
                self._recycle(a)
                self._recycle(b)
                continue
            if isinstance(a, int):
                ms = (b - a) / 1e6
            else:
                # CUDA: times relative to one reference event give the span of the whole pass
                if ref is None:
                    ref = a
                ms = a.elapsed_time(b)
                a_rel = ref.elapsed_time(a) * 1e6 if a is not ref else 0.0
                b = a_rel + ms * 1e6
                self._recycle(nodes[s][3])
                if a is not ref:
                    self._recycle(a)
                a = a_rel
            if t_first is None or a < t_first:
                t_first = a
            if t_last is None or b > t_last:
                t_last = b
            fired = True
            own[k] += ms
            seen[k] = True
            nt = self.node_time.setdefault(cls, [0.0, 0])
            nt[0] += ms
            nt[1] += 1
        if ref is not None:
            self._recycle(ref)
        if fired:
            self.train_step = True
            self.backward_passes += 1
            self.last_backward_ms = (t_last - t_first) / 1e6 if t_first is not None else None
            inc = list(own)
            for k in range(n - 1, -1, -1):  # children come after their parents in call order
                p = calls[k][1]
                if p >= 0:
                    inc[p] += inc[k]
                    seen[p] = seen[p] or seen[k]
            per_self, per_incl = {}, {}
            for k in range(n):
                if seen[k]:
                    i = calls[k][0]
                    per_self[i] = per_self.get(i, 0.0) + own[k]
                    per_incl[i] = per_incl.get(i, 0.0) + inc[k]
            for i in per_incl:
                m = self.mods[i]
                m.bwd_passes += 1
                m.bwd_self.add(per_self[i])
                m.bwd_incl.add(per_incl[i])
                m.bwd_history.append(per_incl[i])
                m.bwd_last = self.backward_passes
        if grads:
            self.train_step = True
            vals = {pid: p.get() for pid, p in grads.items()}
            first_bad = None
            for i, pids in enumerate(self.owners):
                got = [vals[p] for p in pids if p in vals]
                if not got:
                    continue
                cnt = sum(v[0] for v in got)
                sq = sum(v[1] for v in got)
                tot = sum(v[2] for v in got)
                nans = int(sum(v[4] for v in got))
                infs = int(sum(v[5] for v in got))
                self.mods[i].gradient = {"count": int(cnt), "norm": fnum(math.sqrt(sq) if sq >= 0 else sq),
                                         "mean": fnum(tot / cnt if cnt else 0.0),
                                         "max_abs": fnum(max(v[3] for v in got)), "nan_count": nans,
                                         "inf_count": infs}
                if (nans or infs) and first_bad is None:
                    first_bad = self.names[i]
            self.first_non_finite_gradient = first_bad

    # ---- snapshot --------------------------------------------------------------------------------------------

    def snapshot(self, state, message, dropped, losses):
        with self.lock:
            mods = []
            for i, m in enumerate(self.mods):
                if not m.calls:
                    continue
                backward = None
                if m.bwd_passes and m.bwd_last == self.backward_passes:
                    backward = {"passes": m.bwd_passes, "self_ms": m.bwd_self.timing(),
                                "inclusive_ms": m.bwd_incl.timing(), "history_ms": list(m.bwd_history)}
                mods.append({"name": self.names[i], "calls": m.calls,
                             "calls_per_forward": m.calls / self.forwards if self.forwards else 0.0,
                             "self_ms": m.self_.timing(), "inclusive_ms": m.incl.timing(),
                             "history_ms": list(m.history), "flops": None,
                             "outputs": m.outputs or [], "inputs": [],
                             "mean_history": list(m.mean_history), "backward": backward,
                             "gradient": m.gradient})
            now = time.monotonic()
            rps = 0.0 if state == "paused" else float(sum(1 for t in self.ends if now - t <= 1.0))
            self.dirty = False
            return {
                "runner": {"state": state, "message": message, "forwards": self.forwards,
                           "runs_per_second": rps, "train_step": self.train_step, "losses": [fnum(x) for x in losses],
                           "last_backward_ms": self.last_backward_ms, "train_step_error": None,
                           "dropped": dropped + self.lost, "shapes_only": False, "window": self.window},
                "first_non_finite": self.first_non_finite,
                "failed_module": self.failed_module,
                "first_non_finite_gradient": self.first_non_finite_gradient,
                "modules": mods,
                "backward_nodes": [{"name": k, "ms": v[0], "count": v[1]}
                                   for k, v in sorted(self.node_time.items(), key=lambda kv: -kv[1][0])],
            }
