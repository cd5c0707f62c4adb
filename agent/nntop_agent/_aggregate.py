"""The aggregator (sender thread side): turns step records into the schema's profile snapshot."""
import bisect
import collections
import functools
import itertools
import math
import operator
import threading
import time

from ._json import dumps, fnum, message as message_of

_LOG_STEP = 100.0  # histogram bins of 1 % (log scale)


class Series:
    """Per-forward values in ms: the last `window` exactly, all of them in a 1 % log histogram."""
    __slots__ = ("window", "hist", "count", "sum", "max", "_timing", "_keys", "_json")

    def __init__(self, window):
        self.window = collections.deque(maxlen=window)
        self.hist = {}
        self.count = 0
        self.sum = 0.0
        self.max = 0.0
        self._timing = None  # timing() until the next value
        self._json = None    # its JSON text until the next value
        self._keys = None    # sorted histogram bins until a new bin appears

    def add(self, v, _log=math.log, _floor=math.floor):
        self.window.append(v)
        b = _floor(_log(v) * _LOG_STEP) if v > 1e-9 else -10**9
        hist = self.hist
        c = hist.get(b)
        if c is None:
            hist[b] = 1
            self._keys = None
        else:
            hist[b] = c + 1
        self.count += 1
        self.sum += v
        if v > self.max:
            self.max = v
        self._timing = self._json = None

    @staticmethod
    def _exact(vals):
        if not vals:
            return {"p50": 0.0, "p90": 0.0, "p99": 0.0, "max": 0.0, "mean": 0.0}
        s = sorted(vals)
        n = len(s)
        i50, i90, i99 = _ranks(n)
        return {"p50": s[i50], "p90": s[i90], "p99": s[i99], "max": s[-1], "mean": sum(s) / n}

    def _total(self):
        if not self.count:
            return self._exact([])
        keys = self._keys
        if keys is None:
            keys = self._keys = sorted(self.hist)
        cum = list(itertools.accumulate(map(self.hist.__getitem__, keys)))
        out = {}
        for p, name in ((0.5, "p50"), (0.9, "p90"), (0.99, "p99")):
            k = keys[bisect.bisect_left(cum, max(1, math.ceil(p * self.count)))]
            out[name] = 0.0 if k == -10**9 else min(self.max, math.exp((k + 0.5) / _LOG_STEP))
        out["max"] = self.max
        out["mean"] = self.sum / self.count
        return out

    def timing(self):
        t = self._timing
        if t is None:
            t = self._timing = {"window": self._exact(list(self.window)), "total": self._total()}
        return t

    def timing_json(self):
        j = self._json
        if j is None:
            t = self.timing()
            w, a = t["window"], t["total"]
            v = (w["p50"], w["p90"], w["p99"], w["max"], w["mean"], a["p50"], a["p90"], a["p99"], a["max"], a["mean"])
            if math.isfinite(sum(v)):  # always, for times: then a format is several times faster than dumps
                j = _TIMING_JSON % v
            else:
                j = dumps(t)
            self._json = j
        return j


_TIMING_JSON = ('{"window":{"p50":%r,"p90":%r,"p99":%r,"max":%r,"mean":%r},'
                '"total":{"p50":%r,"p90":%r,"p99":%r,"max":%r,"mean":%r}}')


@functools.lru_cache(maxsize=None)
def _ranks(n):
    """Indices of the p50, p90, p99 of n sorted values (the smallest value with at least p of them at or below)."""
    return tuple(min(n - 1, max(0, int(math.ceil(p * n)) - 1)) for p in (0.5, 0.9, 0.99))


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
        # the snapshot's JSON text of what changes on statistics steps only (None: to encode again), and the
        # forward history's values already encoded (one repr per value, not one per value per snapshot)
        self.history_text = collections.deque(maxlen=window)
        self.outputs_text = self.mean_text = self.backward_text = self.gradient_text = None
        self.gradient = None


def pair_calls(codes, n):
    """The call structure of a forward log's codes (see `_profiler`): code i where row i's call starts, ~i where
    it ends, n (with a value of ns) for a statistics cost that is subtracted from every call around it.

    Returns (rows, parents, pre, post, excl): per call in call order its module row, its parent call (-1: none),
    the index of its start and of its end among the codes (None: it never ended: it raised and its caller
    caught that); and the indices of the statistics costs."""
    rows = []
    parents = []
    pre = []
    post = []
    excl = []
    stack = []
    for j, c in enumerate(codes):
        if c >= 0:
            if c < n:
                k = len(rows)
                rows.append(c)
                parents.append(stack[-1] if stack else -1)
                pre.append(j)
                post.append(None)
                stack.append(k)
            else:
                excl.append(j)
            continue
        i = ~c
        # a call whose forward raised and was caught by its caller never ended: skip past it
        while stack and rows[stack[-1]] != i:
            stack.pop()
        if stack:
            post[stack.pop()] = j
    return rows, parents, pre, post, excl


def parse_log(log, n, timed=True, recycle=None):
    """A step's forward log [code, value, ...] (values: perf_counter_ns ints, or CUDA events timed by
    `elapsed_time` and then handed to `recycle`).

    Returns (rows, parents, incl, prepos): per call its module row, its parent call, its inclusive time in ms
    minus the statistics costs inside it (None: it never ended, or not `timed`), and the log position of a
    call's start -> call."""
    codes = log[0::2]
    vals = log[1::2]
    rows, parents, pre, post, excl = pair_calls(codes, n)
    incl = [None] * len(rows)
    cuda = len(vals) > 0 and not isinstance(vals[0], int)
    if timed:
        before = None
        if excl and not cuda:
            before = []  # statistics ns before each event
            acc = 0
            marks = set(excl)
            for j in range(len(codes)):
                before.append(acc)
                if j in marks:
                    acc += vals[j]
        for k, b in enumerate(post):
            if b is None:
                continue
            a = pre[k]
            if cuda:
                incl[k] = vals[a].elapsed_time(vals[b])
            elif before is None:
                incl[k] = (vals[b] - vals[a]) / 1e6
            else:
                incl[k] = (vals[b] - vals[a] - (before[b] - before[a])) / 1e6
    if cuda and recycle is not None:
        for v in vals:
            if not isinstance(v, int):
                recycle(v)
    return rows, parents, incl, {2 * j: k for k, j in enumerate(pre)}


def _gather(idx):
    """A C-level gather of idx from a sequence, always as a tuple (itemgetter gives a bare item for one index)."""
    if len(idx) > 1:
        return operator.itemgetter(*idx)
    if idx:
        j = idx[0]
        return lambda v: (v[j],)
    return lambda v: ()


class _Plan:
    """The call structure of one forward's codes, reused while the next forwards repeat it (a model without
    data-dependent control flow): a plain CPU step's times are then read with C-level gathers and subtractions
    instead of pairing its events again."""
    __slots__ = ("codes", "get_pre", "get_post", "child", "groups")

    def __init__(self, codes, n):
        self.codes = codes
        rows, parents, pre, post, _ = pair_calls(codes, n)
        ended = [k for k in range(len(rows)) if post[k] is not None]
        slot = {k: e for e, k in enumerate(ended)}
        self.get_pre = _gather([pre[k] for k in ended])
        self.get_post = _gather([post[k] for k in ended])
        # (ended call, its ended parent): children's inclusive times are subtracted from the parent's
        self.child = [(slot[k], slot[parents[k]]) for k in ended if parents[k] >= 0 and parents[k] in slot]
        groups = {}
        for k, i in enumerate(rows):
            g = groups.get(i)
            if g is None:
                g = groups[i] = [i, 0, []]
            g[1] += 1
            if k in slot:
                g[2].append(slot[k])
        self.groups = list(groups.values())  # [row, calls, [ended calls]] in order of first call


class Aggregator:
    def __init__(self, names, owners, window, event_pool, log):
        self.names = names
        self.owners = owners
        self.window = window
        self.event_pool = event_pool
        self.log = log
        self.lock = threading.Lock()
        self.mods = [ModStat(window) for _ in names]
        self.name_text = [None] * len(names)
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
        self._plan = None  # the call structure of the last plain CPU forward
        self.stats_cpu = 0.0  # seconds of CPU spent on statistics records, not yet charged to the budget

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
                    if rec[0] == "bwd" or rec[0] == "fwd" and rec[4]:  # statistics: their CPU is budgeted
                        c = time.thread_time()
                        self._process(rec)
                        self.stats_cpu += time.thread_time() - c
                    else:
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
            log, fstats = rec[2], rec[3]
            if log and not self._ev_ready(log[-1]):  # the root's end: recorded last
                return False
            if fstats:
                for stats in fstats.values():
                    for s in stats:
                        if not s[5].ready():
                            return False
            return True
        if kind == "bwd":
            nlog = rec[4]
            for pos in range(1, len(nlog), 2):
                if not self._ev_ready(nlog[pos]):
                    return False
            return all(p.ready() for p in rec[5].values())
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
        _, step, log, fstats, detail, t0, t1 = rec
        self.forwards += 1
        now = time.monotonic()
        self.ends.append(now)
        while self.ends and now - self.ends[0] > 1.0:
            self.ends.popleft()
        cuda = len(log) > 1 and not isinstance(log[1], int)
        if not cuda and not detail:
            self._forward_plain(log)
            return
        # a statistics forward queued extra kernels between the events: it is not timed on CUDA
        rows, parents, incl, prepos = parse_log(log, len(self.mods), timed=not (cuda and detail),
                                                recycle=self._recycle)
        n = len(rows)
        child = [0.0] * n
        for k in range(n):
            v = incl[k]
            if v is not None and parents[k] >= 0:
                child[parents[k]] += v
        per_incl = {}
        per_self = {}
        per_calls = {}
        for k in range(n):
            i = rows[k]
            per_calls[i] = per_calls.get(i, 0) + 1
            v = incl[k]
            if v is not None:
                s = v - child[k]
                per_incl[i] = per_incl.get(i, 0.0) + v
                per_self[i] = per_self.get(i, 0.0) + (s if s > 0.0 else 0.0)
        mods = self.mods
        for i, cnt in per_calls.items():
            m = mods[i]
            m.calls += cnt
            v = per_incl.get(i)
            if v is not None:
                m.incl.add(v)
                m.self_.add(per_self[i])
                m.history.append(v)
                m.history_text.append(repr(v))
        if fstats:
            first_bad = None
            for pos in sorted(fstats):
                k = prepos.get(pos)
                if k is None:
                    continue
                i = rows[k]
                outs = []
                for path, shape, dtype, numel, sampled, pend in fstats[pos]:
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
                m.outputs_text = m.mean_text = None
                if outs:
                    m.mean_history.append(outs[0]["mean"])  # already encoded
            if first_bad is not None:
                self.first_non_finite = first_bad

    def _forward_plain(self, log):
        """A CPU forward without statistics, in bulk: the call structure is paired once per distinct sequence of
        codes (_Plan), the times are gathered and subtracted at C level, and only the per-module sums run in
        Python."""
        codes = log[0::2]
        plan = self._plan
        if plan is None or plan.codes != codes:
            plan = self._plan = _Plan(codes, len(self.mods))
        vals = log[1::2]
        incl = list(map(operator.sub, plan.get_post(vals), plan.get_pre(vals)))  # ns per ended call
        child = [0] * len(incl)
        for e, pe in plan.child:
            child[pe] += incl[e]
        mods = self.mods
        for i, cnt, ended in plan.groups:
            m = mods[i]
            m.calls += cnt
            if not ended:
                continue
            if len(ended) == 1:
                e = ended[0]
                v = incl[e]
                s = v - child[e]
            else:
                v = s = 0
                for e in ended:
                    v += incl[e]
                    d = incl[e] - child[e]
                    if d > 0:
                        s += d
            v /= 1e6
            m.incl.add(v)
            m.self_.add(s / 1e6 if s > 0 else 0.0)
            m.history.append(v)
            m.history_text.append(repr(v))

    def _backward(self, rec):
        _, step, flog, nodes, nlog, grads = rec
        rows, parents, _, prepos = parse_log(flog, len(self.mods), timed=False)
        n = len(rows)
        own = [0.0] * n
        seen = [False] * n
        starts, ends = {}, {}
        for pos in range(0, len(nlog) - 1, 2):
            c = nlog[pos]
            if c >= 0:
                starts[c] = nlog[pos + 1]
            else:
                ends[~c] = nlog[pos + 1]
        t_first = t_last = None
        fired = False
        ref = None
        for s, (pos, cls) in nodes.items():
            a = starts.get(s)
            b = ends.get(s)
            k = prepos.get(pos)
            if a is None or b is None or k is None:
                continue
            if isinstance(a, int):
                ms = (b - a) / 1e6
            else:
                # CUDA: times relative to one reference event give the span of the whole pass
                if ref is None:
                    ref = a
                ms = a.elapsed_time(b)
                a = ref.elapsed_time(a) * 1e6 if a is not ref else 0.0
                b = a + ms * 1e6
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
        for pos in range(1, len(nlog), 2):
            self._recycle(nlog[pos])
        if fired:
            self.train_step = True
            self.backward_passes += 1
            self.last_backward_ms = (t_last - t_first) / 1e6 if t_first is not None else None
            inc = list(own)
            for k in range(n - 1, -1, -1):  # children come after their parents in call order
                p = parents[k]
                if p >= 0:
                    inc[p] += inc[k]
                    seen[p] = seen[p] or seen[k]
            per_self, per_incl = {}, {}
            for k in range(n):
                if seen[k]:
                    i = rows[k]
                    per_self[i] = per_self.get(i, 0.0) + own[k]
                    per_incl[i] = per_incl.get(i, 0.0) + inc[k]
            for i in per_incl:
                m = self.mods[i]
                m.bwd_passes += 1
                m.bwd_self.add(per_self[i])
                m.bwd_incl.add(per_incl[i])
                m.bwd_history.append(per_incl[i])
                m.bwd_last = self.backward_passes
                m.backward_text = None
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
                self.mods[i].gradient_text = None
                self.mods[i].gradient = {"count": int(cnt), "norm": fnum(math.sqrt(sq) if sq >= 0 else sq),
                                         "mean": fnum(tot / cnt if cnt else 0.0),
                                         "max_abs": fnum(max(v[3] for v in got)), "nan_count": nans,
                                         "inf_count": infs}
                if (nans or infs) and first_bad is None:
                    first_bad = self.names[i]
            self.first_non_finite_gradient = first_bad

    # ---- snapshot --------------------------------------------------------------------------------------------

    def _module_entry(self, i, m):
        backward = None
        if m.bwd_passes and m.bwd_last == self.backward_passes:
            backward = {"passes": m.bwd_passes, "self_ms": m.bwd_self.timing(),
                        "inclusive_ms": m.bwd_incl.timing(), "history_ms": list(m.bwd_history)}
        return {"name": self.names[i], "calls": m.calls,
                "calls_per_forward": m.calls / self.forwards if self.forwards else 0.0,
                "self_ms": m.self_.timing(), "inclusive_ms": m.incl.timing(),
                "history_ms": list(m.history), "flops": None,
                "outputs": m.outputs or [], "inputs": [],
                "mean_history": list(m.mean_history), "backward": backward,
                "gradient": m.gradient}

    def _head(self, state, message, dropped, losses, mods):
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

    def snapshot(self, state, message, dropped, losses):
        with self.lock:
            mods = [self._module_entry(i, m) for i, m in enumerate(self.mods) if m.calls]
            return self._head(state, message, dropped, losses, mods)

    def _module_json(self, i, m):
        """_module_entry(i, m) as JSON text, from the parts' cached texts where they did not change."""
        backward = "null"
        if m.bwd_passes and m.bwd_last == self.backward_passes:
            if m.backward_text is None:
                m.backward_text = dumps({"passes": m.bwd_passes, "self_ms": m.bwd_self.timing(),
                                         "inclusive_ms": m.bwd_incl.timing(), "history_ms": list(m.bwd_history)})
            backward = m.backward_text
        if m.outputs_text is None:
            m.outputs_text = dumps(m.outputs or [])
        if m.mean_text is None:
            m.mean_text = dumps(list(m.mean_history))
        if m.gradient_text is None:
            m.gradient_text = dumps(m.gradient)
        name = self.name_text[i]
        if name is None:
            name = self.name_text[i] = dumps(self.names[i])
        return "".join(('{"name":', name, ',"calls":', str(m.calls),
                        ',"calls_per_forward":', repr(m.calls / self.forwards if self.forwards else 0.0),
                        ',"self_ms":', m.self_.timing_json(), ',"inclusive_ms":', m.incl.timing_json(),
                        ',"history_ms":[', ",".join(m.history_text), '],"flops":null,"outputs":', m.outputs_text,
                        ',"inputs":[],"mean_history":', m.mean_text, ',"backward":', backward,
                        ',"gradient":', m.gradient_text, "}"))

    def snapshot_line(self, state, message, dropped, losses, pause=None, piece=0.001):
        """The `snapshot` message of `snapshot()` as one JSON line. Each module's entry is assembled from cached
        texts of its parts (only what changed since the last snapshot is encoded again: per forward the timing
        figures, the history's one new value), and `pause()` runs between pieces of about `piece` seconds, so a
        big model's snapshot does not hold the GIL (and the training thread) for its whole duration."""
        with self.lock:
            parts = []
            t = time.perf_counter()
            for i, m in enumerate(self.mods):
                if not m.calls:
                    continue
                parts.append(self._module_json(i, m))
                if pause is not None and time.perf_counter() - t > piece:
                    pause()
                    t = time.perf_counter()
            head = dumps(self._head(state, message, dropped, losses, []))
        # a quote inside a JSON string is escaped, so the key is found only where it is the key
        cut = head.index('"modules":[]')
        snap = head[:cut] + '"modules":[' + ",".join(parts) + "]" + head[cut + len('"modules":[]'):]
        envelope = dumps(message_of("snapshot", snapshot=None))
        return (envelope[:-len("null}")] + snap + "}\n").encode("utf-8")
