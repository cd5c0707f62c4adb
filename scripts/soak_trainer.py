"""The training process of `scripts/soak`: a small custom model (ModuleList, ModuleDict, tied weights, a
shared module, buffers: the shapes agent/tests/train_script.py covers) trained with AdamW in a loop with
nntop_agent attached, until SIGTERM/SIGINT or --max-seconds. Every 20 steps it writes STATUS (JSON: step,
loss, time) atomically so the soak can tell it is still training.

    python scripts/soak_trainer.py STATUS [--max-seconds S] [--sleep S]

Needs torch and the agent on the path (`PYTHONPATH=agent`)."""
import argparse
import json
import os
import signal
import time

import torch
from torch import nn

import nntop_agent


class Block(nn.Module):
    def __init__(self, d, act):
        super().__init__()
        self.fc = nn.Linear(d, d)
        self.norm = nn.LayerNorm(d)
        self.act = act  # the same module object in every block

    def forward(self, x):
        return x + self.act(self.norm(self.fc(x)))


class Custom(nn.Module):
    def __init__(self, vocab=256, d=64, depth=4):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        shared = nn.GELU()
        self.blocks = nn.ModuleList([Block(d, shared) for _ in range(depth)])
        self.heads = nn.ModuleDict({"main": nn.Linear(d, vocab, bias=False), "aux": nn.Linear(d, 2)})
        self.heads["main"].weight = self.embed.weight  # tied
        self.register_buffer("scale", torch.tensor(0.5))
        self.vocab = vocab

    def forward(self, ids):
        x = self.embed(ids)
        for b in self.blocks:
            x = b(x)
        x = x * self.scale
        return self.heads["main"](x), self.heads["aux"](x.mean(1))


stop = False


def on_signal(signum, frame):
    global stop
    stop = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("status")
    ap.add_argument("--max-seconds", type=float, default=4200.0)
    ap.add_argument("--sleep", type=float, default=0.02, help="pause between steps (keeps the CPU share modest)")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = Custom()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    agent = nntop_agent.attach(model, name="soak")
    agent.watch_optimizer(opt)
    deadline = time.monotonic() + args.max_seconds
    step = 0
    loss_value = float("nan")
    while not stop and time.monotonic() < deadline:
        ids = torch.randint(0, model.vocab, (8, 32))
        opt.zero_grad(set_to_none=True)
        logits, aux = model(ids)
        loss = nn.functional.cross_entropy(logits.reshape(-1, model.vocab), ids.reshape(-1)) + aux.pow(2).mean()
        loss.backward()
        opt.step()
        nntop_agent.log(loss=loss)
        step += 1
        if step % 20 == 1:
            loss_value = float(loss.detach())
            tmp = args.status + ".tmp"
            with open(tmp, "w") as f:
                json.dump({"step": step, "loss": loss_value, "t": time.monotonic()}, f)
            os.replace(tmp, args.status)
        if args.sleep > 0:
            time.sleep(args.sleep)
    print(f"soak_trainer: finished after {step} steps (last loss {loss_value:.4f})", flush=True)


if __name__ == "__main__":
    main()
