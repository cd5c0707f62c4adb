#!/usr/bin/env python3
"""Times the `nntop bench` models in PyTorch eager (CPU, inference mode) and in nntop, in one run with the
same thread count, and prints nntop ÷ torch per model.

    swift build -c release
    python3 scripts/bench-vs-torch.py --threads 2 --runs 20
    python3 scripts/bench-vs-torch.py resnet18 gpt2 --train-step --threads 2 --runs 10   # training steps

Models: ResNet-18 (1x3x224x224), GPT-2 124M and BERT-base (128 tokens), LeNet-5 (2x1x28x28), each with the
configuration nntop's zoo uses. torchvision/transformers are used when installed; otherwise equivalent plain
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


def bert():
    try:
        import transformers
        return transformers.BertModel(transformers.BertConfig(attn_implementation="eager"))
    except ImportError:
        pass
    e, heads, layers, vocab = 768, 12, 12, 30522

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.q, self.k, self.v, self.o = (nn.Linear(e, e) for _ in range(4))
            self.ln1, self.ln2 = nn.LayerNorm(e, eps=1e-12), nn.LayerNorm(e, eps=1e-12)
            self.up, self.down = nn.Linear(e, 4 * e), nn.Linear(4 * e, e)

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


def lenet5():
    return nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


MODELS = {
    "resnet18": (resnet18, lambda: torch.randn(1, 3, 224, 224)),
    "gpt2": (gpt2, lambda: torch.randint(0, 50257, (1, 128))),
    "bert-base-uncased": (bert, lambda: torch.randint(0, 30522, (1, 128))),
    "lenet5": (lenet5, lambda: torch.randn(2, 1, 28, 28)),
}


def percentile(values, q):
    ordered = sorted(values)
    return ordered[round(q * (len(ordered) - 1))]


def time_torch(name, runs, warmup):
    build, make_input = MODELS[name]
    model, x = build().eval(), make_input()
    times = []
    with torch.inference_mode():
        for i in range(warmup + runs):
            start = time.perf_counter()
            model(x)
            if i >= warmup:
                times.append((time.perf_counter() - start) * 1e3)
    return {"median_ms": statistics.median(times), "p10_ms": percentile(times, 0.1), "p90_ms": percentile(times, 0.9)}


def logits_of(output):
    return output.logits if hasattr(output, "logits") else output


def time_torch_train_step(name, runs, warmup):
    """What `nntop bench --train-step` times: train mode, zero_grad(set_to_none), forward, cross-entropy
    (classes: a random label per sample; token models: the shifted causal-LM loss), backward, SGD step."""
    build, make_input = MODELS[name]
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
    return {"median_ms": statistics.median(times), "p10_ms": percentile(times, 0.1), "p90_ms": percentile(times, 0.9)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*", default=list(MODELS))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--train-step", action="store_true", help="time training steps (forward, loss, backward, SGD step)")
    parser.add_argument("--nntop", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "nntop"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    timer = time_torch_train_step if args.train_step else time_torch
    torch_results = {name: timer(name, args.runs, args.warmup) for name in args.models}
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([args.nntop, "bench", *args.models, "--runs", str(args.runs), "--warmup", str(args.warmup),
                        "--threads", str(args.threads), "--json", out.name] + (["--train-step"] if args.train_step else []),
                       check=True, stdout=subprocess.DEVNULL)
        nntop_results = json.load(open(out.name))

    what = "training steps" if args.train_step else "forwards"
    print(f"torch {torch.__version__}, {args.threads} threads, {args.runs} runs of {what} (medians, ms)")
    print(f"{'model':<20}{'torch':>10}{'nntop':>10}{'nntop/torch':>14}")
    for name in args.models:
        t, n = torch_results[name]["median_ms"], nntop_results["models"][name]["median_ms"]
        print(f"{name:<20}{t:>10.2f}{n:>10.2f}{n / t:>14.2f}")
    print("nntop gemm_gflops:", nntop_results["gemm_gflops"])
    json.dump({"torch": torch_results, "nntop": nntop_results}, sys.stderr)
    print(file=sys.stderr)


if __name__ == "__main__":
    main()
