#!/usr/bin/env python3
"""Times the `nntop bench` models in PyTorch eager (CPU, inference mode) and in nntop, in one run with the
same thread count, and prints nntop ÷ torch per model.

    swift build -c release
    python3 scripts/bench-vs-torch.py --threads 2 --runs 15 --markdown --json bench.json

One run prints, per model, nntop ÷ torch for inference (eval, no grad), the profiling overhead of nntop's
latency hooks and of its activation statistics, the interactive view's forwards/s ÷ bench's hooked rate,
building the model with random weights (nntop ÷ torch), and the training step (train mode, zero_grad,
forward, cross-entropy, backward, SGD momentum) of ResNet-18 and GPT-2, each with its target and PASS/FAIL.
torch and nntop alternate per model (--rounds) and the lower median of each side counts: this shared host's
speed drifts by tens of percent over minutes.

Models: ResNet-18, MobileNetV2, ViT-B/16 (1x3x224x224), GPT-2 124M, BERT-base and a MiniLM-L6-shaped BERT
(128 tokens), LeNet-5 (2x1x28x28), seed_mlp (4x2), each with the configuration nntop's zoo uses. torchvision/transformers are used when installed; otherwise equivalent plain
PyTorch definitions below (same operations as their eager code paths) stand in.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def resnet18():
    try:
        import torchvision
        return torchvision.models.resnet18()
    except ImportError:
        pass

    class BasicBlock(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.relu = nn.ReLU(inplace=True)
            self.downsample = None
            if stride != 1 or cin != cout:
                self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            identity = x if self.downsample is None else self.downsample(x)
            out = self.relu(self.bn1(self.conv1(x)))
            return self.relu(self.bn2(self.conv2(out)) + identity)

    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
        layers += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 1000)]
    return nn.Sequential(*layers)


class Conv1D(nn.Module):
    """transformers' GPT-2 Conv1D: addmm with a [in, out] weight."""

    def __init__(self, nf, nx):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(nx, nf) * 0.02)
        self.bias = nn.Parameter(torch.zeros(nf))

    def forward(self, x):
        return torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight).view(x.size()[:-1] + (self.weight.size(1),))


def split_heads(x, heads):
    b, s, e = x.shape
    return x.view(b, s, heads, e // heads).transpose(1, 2)


def merge_heads(x):
    b, h, s, d = x.shape
    return x.transpose(1, 2).contiguous().view(b, s, h * d)


def gpt2():
    try:
        import transformers
        return transformers.GPT2LMHeadModel(transformers.GPT2Config(use_cache=False, attn_implementation="eager"))
    except ImportError:
        pass
    e, heads, layers, vocab = 768, 12, 12, 50257

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1, self.ln_2 = nn.LayerNorm(e), nn.LayerNorm(e)
            self.c_attn, self.c_proj = Conv1D(3 * e, e), Conv1D(e, e)
            self.c_fc, self.mlp_proj = Conv1D(4 * e, e), Conv1D(e, 4 * e)
            # GPT-2's attn/resid dropout (p=0.1): identity in eval, real in a training step.
            self.attn_dropout, self.resid_dropout, self.mlp_dropout = nn.Dropout(0.1), nn.Dropout(0.1), nn.Dropout(0.1)

        def forward(self, x, mask):
            q, k, v = self.c_attn(self.ln_1(x)).split(e, dim=2)
            q, k, v = split_heads(q, heads), split_heads(k, heads), split_heads(v, heads)
            w = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(e // heads) + mask
            x = x + self.resid_dropout(self.c_proj(merge_heads(torch.matmul(self.attn_dropout(w.softmax(dim=-1)), v))))
            h = self.c_fc(self.ln_2(x))
            h = 0.5 * h * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (h + 0.044715 * torch.pow(h, 3.0))))
            return x + self.mlp_dropout(self.mlp_proj(h))

    class GPT2(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte, self.wpe = nn.Embedding(vocab, e), nn.Embedding(1024, e)
            self.h = nn.ModuleList(Block() for _ in range(layers))
            self.ln_f = nn.LayerNorm(e)
            self.drop = nn.Dropout(0.1)

        def forward(self, ids):
            n = ids.shape[1]
            x = self.drop(self.wte(ids) + self.wpe(torch.arange(n).unsqueeze(0)))
            mask = torch.full((1, 1, n, n), torch.finfo(x.dtype).min).triu(1)
            for block in self.h:
                x = block(x, mask)
            return F.linear(self.ln_f(x), self.wte.weight)

    return GPT2()


def bert(hidden=768, layers=12, heads=12, intermediate=3072):
    try:
        import transformers
        return transformers.BertModel(transformers.BertConfig(
            hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads, intermediate_size=intermediate,
            attn_implementation="eager"))
    except ImportError:
        pass
    e, vocab = hidden, 30522

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.q, self.k, self.v, self.o = (nn.Linear(e, e) for _ in range(4))
            self.ln1, self.ln2 = nn.LayerNorm(e, eps=1e-12), nn.LayerNorm(e, eps=1e-12)
            self.up, self.down = nn.Linear(e, intermediate), nn.Linear(intermediate, e)

        def forward(self, x):
            q, k, v = split_heads(self.q(x), heads), split_heads(self.k(x), heads), split_heads(self.v(x), heads)
            w = torch.matmul(q, k.transpose(-1, -2)) * (1 / math.sqrt(e // heads))
            x = self.ln1(self.o(merge_heads(torch.matmul(w.softmax(dim=-1), v))) + x)
            return self.ln2(self.down(F.gelu(self.up(x))) + x)

    class Bert(nn.Module):
        def __init__(self):
            super().__init__()
            self.word, self.pos, self.types = nn.Embedding(vocab, e), nn.Embedding(512, e), nn.Embedding(2, e)
            self.ln = nn.LayerNorm(e, eps=1e-12)
            self.layers = nn.ModuleList(Layer() for _ in range(layers))
            self.pooler = nn.Linear(e, e)

        def forward(self, ids):
            n = ids.shape[1]
            x = self.ln(self.word(ids) + self.types(torch.zeros_like(ids)) + self.pos(torch.arange(n).unsqueeze(0)))
            for layer in self.layers:
                x = layer(x)
            return x, torch.tanh(self.pooler(x[:, 0]))

    return Bert()


def minilm():
    """sentence-transformers/all-MiniLM-L6-v2's shape: a BertModel of 6 layers, width 384, 12 heads."""
    return bert(hidden=384, layers=6, heads=12, intermediate=1536)


def mobilenet_v2():
    try:
        import torchvision
        return torchvision.models.mobilenet_v2()
    except ImportError:
        pass

    def conv_bn_relu6(cin, cout, kernel=3, stride=1, groups=1):
        return nn.Sequential(nn.Conv2d(cin, cout, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
                             nn.BatchNorm2d(cout), nn.ReLU6(inplace=True))

    class InvertedResidual(nn.Module):
        def __init__(self, cin, cout, stride, expand):
            super().__init__()
            hidden = round(cin * expand)
            self.use_res_connect = stride == 1 and cin == cout
            layers = [conv_bn_relu6(cin, hidden, 1)] if expand != 1 else []
            layers += [conv_bn_relu6(hidden, hidden, 3, stride, hidden), nn.Conv2d(hidden, cout, 1, bias=False),
                       nn.BatchNorm2d(cout)]
            self.conv = nn.Sequential(*layers)

        def forward(self, x):
            return x + self.conv(x) if self.use_res_connect else self.conv(x)

    features, cin = [conv_bn_relu6(3, 32, 3, 2)], 32
    for expand, cout, repeats, stride in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                                          (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(repeats):
            features.append(InvertedResidual(cin, cout, stride if i == 0 else 1, expand))
            cin = cout
    features.append(conv_bn_relu6(cin, 1280, 1))
    return nn.Sequential(nn.Sequential(*features), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2),
                         nn.Linear(1280, 1000))


def vit_b_16():
    try:
        import torchvision
        return torchvision.models.vit_b_16()
    except ImportError:
        pass
    e, heads, layers, mlp = 768, 12, 12, 3072

    class EncoderBlock(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1 = nn.LayerNorm(e, eps=1e-6)
            self.self_attention = nn.MultiheadAttention(e, heads, batch_first=True)
            self.ln_2 = nn.LayerNorm(e, eps=1e-6)
            self.mlp = nn.Sequential(nn.Linear(e, mlp), nn.GELU(), nn.Dropout(0.0), nn.Linear(mlp, e), nn.Dropout(0.0))

        def forward(self, x):
            y = self.ln_1(x)
            y, _ = self.self_attention(y, y, y, need_weights=False)
            x = x + y
            return x + self.mlp(self.ln_2(x))

    class ViT(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv_proj = nn.Conv2d(3, e, 16, 16)
            self.class_token = nn.Parameter(torch.zeros(1, 1, e))
            self.pos_embedding = nn.Parameter(torch.empty(1, 197, e).normal_(std=0.02))
            self.layers = nn.Sequential(*(EncoderBlock() for _ in range(layers)))
            self.ln = nn.LayerNorm(e, eps=1e-6)
            self.heads = nn.Linear(e, 1000)

        def forward(self, x):
            x = self.conv_proj(x).flatten(2).transpose(1, 2)
            x = torch.cat([self.class_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embedding
            return self.heads(self.ln(self.layers(x))[:, 0])

    return ViT()


def lenet5():
    return nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def seed_mlp():
    return nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2))


def image():
    return torch.randn(1, 3, 224, 224)


# name: (builder, sample input, inference target nntop/torch). The same inputs as nntop's zoo.
MODELS = {
    "resnet18": (resnet18, image, 0.9),
    "mobilenet_v2": (mobilenet_v2, image, 0.9),
    "vit_b_16": (vit_b_16, image, 0.9),
    "gpt2": (gpt2, lambda: torch.randint(0, 50257, (1, 128)), 0.9),
    "bert-base-uncased": (bert, lambda: torch.randint(0, 30522, (1, 128)), 0.9),
    "minilm-l6": (minilm, lambda: torch.randint(0, 30522, (1, 128)), 0.9),
    "lenet5": (lenet5, lambda: torch.randn(2, 1, 28, 28), 0.3),
    "seed_mlp": (seed_mlp, lambda: torch.randn(4, 2), 0.3),
}
TRAIN_MODELS = ["resnet18", "gpt2"]
TARGETS = {"train": 0.9, "latency_hooks": 1.03, "statistics": 1.15, "live": 0.9, "build": 1.0}


def percentile(values, q):
    ordered = sorted(values)
    return ordered[round(q * (len(ordered) - 1))]


def summary(times):
    return {"median_ms": statistics.median(times), "p10_ms": percentile(times, 0.1), "p90_ms": percentile(times, 0.9)}


def time_torch(name, runs, warmup):
    build, make_input, _ = MODELS[name]
    model, x = build().eval(), make_input()
    times = []
    with torch.inference_mode():
        for i in range(warmup + runs):
            start = time.perf_counter()
            model(x)
            if i >= warmup:
                times.append((time.perf_counter() - start) * 1e3)
    return summary(times)


def time_torch_build(name):
    """Building the model with random weights (its constructor, as `nntop bench`'s build_ms times the zoo's):
    the median of three when one takes under a second, else the one."""
    build = MODELS[name][0]
    times = []
    for _ in range(3):
        start = time.perf_counter()
        build()
        times.append((time.perf_counter() - start) * 1e3)
        if times[0] >= 1000:
            break
    return statistics.median(times)


def logits_of(output):
    if hasattr(output, "logits"):
        return output.logits
    return output[0] if isinstance(output, tuple) else output


def time_torch_train_step(name, runs, warmup):
    """What `nntop bench --train-step` times: train mode, zero_grad(set_to_none), forward, cross-entropy
    (classes: a random label per sample; token models: the shifted causal-LM loss), backward, SGD step."""
    build, make_input, _ = MODELS[name]
    model, x = build().train(), make_input()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    times = []
    for i in range(warmup + runs):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        out = logits_of(model(x))
        if x.is_floating_point():
            loss = F.cross_entropy(out, torch.randint(0, out.shape[-1], (out.shape[0],)))
        else:
            loss = F.cross_entropy(out[:, :-1].reshape(-1, out.shape[-1]), x[:, 1:].reshape(-1))
        loss.backward()
        optimizer.step()
        if i >= warmup:
            times.append((time.perf_counter() - start) * 1e3)
    return summary(times)


def run_nntop(args, name, extra):
    """One `nntop bench` run of one model; its JSON object for the model, or {"error": ...}."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        done = subprocess.run([args.nntop, "bench", name, "--runs", str(args.runs), "--warmup", str(args.warmup),
                               "--threads", str(args.threads), "--gemm", "0", "--json", out.name] + extra,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
        return json.load(open(out.name))["models"][name]


def best(a, b):
    """Of two measurements of the same thing, the less disturbed one (the lower median)."""
    if a is None or "error" in a:
        return b
    if b is None or "error" in b:
        return a
    return a if a["median_ms"] <= b["median_ms"] else b


def ratio(n, t):
    return n / t if n is not None and t else None


def mark(value, target, at_least=False):
    if value is None:
        return "n/a"
    ok = value >= target if at_least else value <= target
    return f"{value:.2f} {'PASS' if ok else 'FAIL'}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*", default=list(MODELS))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2,
                        help="torch and nntop alternate per model this many times; the lower median of each counts")
    parser.add_argument("--train-models", default=",".join(TRAIN_MODELS),
                        help="models whose training steps are timed too (empty: none)")
    parser.add_argument("--no-train", action="store_true", help="skip the training steps")
    parser.add_argument("--live-seconds", type=float, default=15,
                        help="seconds of nntop's interactive view per model (0: skip), in windows of ~2.5 s, each "
                             "followed by as many hooked forwards in nntop bench for half as long; the live share "
                             "is the median of the windows' ratios")
    parser.add_argument("--json", help="write every measurement to this file")
    parser.add_argument("--markdown", action="store_true", help="also print the README's tables")
    parser.add_argument("--nntop", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "nntop"))
    args = parser.parse_args()
    unknown = [m for m in args.models if m not in MODELS]
    if unknown:
        parser.error(f"unknown models {unknown}; known: {list(MODELS)}")
    if not os.access(args.nntop, os.X_OK):
        parser.error(f"no nntop binary at {args.nntop}: run `swift build -c release` first (or pass --nntop)")
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    results = {"torch_version": torch.__version__, "threads": args.threads, "runs": args.runs, "rounds": args.rounds,
               "inference": {}, "train_step": {}}
    for name in args.models:
        t = n = None
        for _ in range(max(args.rounds, 1)):
            t = best(t, time_torch(name, args.runs, args.warmup))
            n = best(n, run_nntop(args, name, ["--live-seconds", str(args.live_seconds)] if args.live_seconds > 0 else []))
        row = {"torch": t, "nntop": n, "torch_build_ms": time_torch_build(name)}
        results["inference"][name] = row
        print(f"{name}: torch {t['median_ms']:.3f} ms, nntop {n.get('median_ms', n.get('error'))}", file=sys.stderr)
    train = [] if args.no_train else [m for m in args.train_models.split(",") if m]
    for name in train:
        t = n = None
        for _ in range(max(args.rounds, 1)):
            t = best(t, time_torch_train_step(name, args.runs, args.warmup))
            n = best(n, run_nntop(args, name, ["--train-step", "--no-overhead"]))
        results["train_step"][name] = {"torch": t, "nntop": n}
        print(f"{name} train step: torch {t['median_ms']:.1f} ms, nntop {n.get('median_ms', n.get('error'))}", file=sys.stderr)

    rows = []
    for name, row in results["inference"].items():
        n = row["nntop"]
        t_ms, n_ms = row["torch"]["median_ms"], n.get("median_ms")
        live = n.get("live_forwards_per_s")
        hooked_rate = 1000 / n["hooked_median_ms"] if n.get("hooked_median_ms") else None
        rows.append({
            "model": name, "torch_ms": t_ms, "nntop_ms": n_ms, "ratio": ratio(n_ms, t_ms), "target": MODELS[name][2],
            "latency_hooks": n.get("overhead_ratio"), "statistics": n.get("statistics_overhead_ratio"),
            # nntop bench pairs each live window with hooked forwards timed right after it (the machine's
            # speed drifts over seconds); older binaries only give the rate, set against the hooked median.
            "live_share": n.get("live_share", ratio(live, hooked_rate)), "live_forwards_per_s": live,
            "build": ratio(n.get("build_ms"), row["torch_build_ms"]), "nntop_build_ms": n.get("build_ms"),
            "torch_build_ms": row["torch_build_ms"], "error": n.get("error")})
    train_rows = []
    for name, row in results["train_step"].items():
        n_ms = row["nntop"].get("median_ms")
        train_rows.append({"model": name, "torch_ms": row["torch"]["median_ms"], "nntop_ms": n_ms,
                           "ratio": ratio(n_ms, row["torch"]["median_ms"]), "error": row["nntop"].get("error")})
    results["table"], results["train_table"] = rows, train_rows

    print(f"torch {torch.__version__}, {args.threads} threads, medians of {args.runs} runs, best of {args.rounds} rounds")
    print(f"{'model':<18}{'torch ms':>10}{'nntop ms':>10}  {'nntop/torch':<14}{'hooks':<12}{'statistics':<12}"
          f"{'live/bench':<12}{'build':<10}")
    for r in rows:
        if r["error"]:
            print(f"{r['model']:<18}{r['torch_ms']:>10.3f}  nntop failed: {r['error']}")
            continue
        print(f"{r['model']:<18}{r['torch_ms']:>10.3f}{r['nntop_ms']:>10.3f}  {mark(r['ratio'], r['target']):<14}"
              f"{mark(r['latency_hooks'], TARGETS['latency_hooks']):<12}{mark(r['statistics'], TARGETS['statistics']):<12}"
              f"{mark(r['live_share'], TARGETS['live'], at_least=True):<12}{mark(r['build'], TARGETS['build']):<10}")
    if train_rows:
        print("training step (train mode, zero_grad, forward, cross-entropy, backward, SGD momentum step):")
        for r in train_rows:
            print(f"{r['model']:<18}{r['torch_ms']:>10.1f}{(r['nntop_ms'] or float('nan')):>10.1f}  "
                  f"{mark(r['ratio'], TARGETS['train'])}")
    if args.markdown:
        def num(v, digits=2):
            return "n/a" if v is None else f"{v:.{digits}f}"
        print()
        print("| model | torch (ms) | nntop (ms) | nntop ÷ torch | latency hooks | with statistics | live view ÷ bench | build nntop ÷ torch |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in rows:
            digits = 3 if r["torch_ms"] < 1 else 1
            print(f"| {r['model']} | {num(r['torch_ms'], digits)} | {num(r['nntop_ms'], digits)} | {num(r['ratio'])} | "
                  f"{num(r['latency_hooks'])} | {num(r['statistics'])} | {num(r['live_share'])} | "
                  f"{num(r['build'])} ({num(r['nntop_build_ms'], 0)} / {num(r['torch_build_ms'], 0)} ms) |")
        if train_rows:
            print()
            print("| model | torch (ms) | nntop (ms) | nntop ÷ torch |")
            print("| --- | --- | --- | --- |")
            for r in train_rows:
                print(f"| {r['model']} | {num(r['torch_ms'], 1)} | {num(r['nntop_ms'], 1)} | {num(r['ratio'])} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
