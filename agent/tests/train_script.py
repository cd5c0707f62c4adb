"""Trains a custom model (ModuleList, ModuleDict, tied weights, buffers, a shared module) with the agent
attached, until OUT/stop exists or 90 s passed. Writes OUT/modules.json (the process's own named_modules()
records) and, after every step, OUT/state.json (step, requires_grad and a checksum per parameter)."""
import json
import os
import sys
import time

import torch
from torch import nn

import nntop_agent


class Block(nn.Module):
    def __init__(self, d, act):
        super().__init__()
        self.fc = nn.Linear(d, d)
        self.norm = nn.LayerNorm(d)
        self.act = act  # the same ReLU object in every block: a shared module

    def forward(self, x):
        return x + self.act(self.norm(self.fc(x)))


class Custom(nn.Module):
    def __init__(self, vocab=50, d=16):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        shared = nn.ReLU()
        self.blocks = nn.ModuleList([Block(d, shared) for _ in range(3)])
        self.heads = nn.ModuleDict({"main": nn.Linear(d, vocab, bias=False), "aux": nn.Linear(d, 2)})
        self.heads["main"].weight = self.embed.weight  # tied
        self.register_buffer("scale", torch.tensor(0.5))
        self.register_buffer("cache", torch.zeros(3), persistent=False)

    def forward(self, ids):
        x = self.embed(ids)
        for b in self.blocks:
            x = b(x)
        x = x * self.scale
        return self.heads["main"](x), self.heads["aux"](x.mean(1))


def records(model):
    out = []
    for name, m in model.named_modules():
        out.append({"name": name, "class": type(m).__name__,
                    "params": [k for k, v in m._parameters.items() if v is not None],
                    "buffers": [[k, k not in m._non_persistent_buffers_set] for k, v in m._buffers.items()
                                if v is not None]})
    return out


def main():
    out = sys.argv[1]
    mode = sys.argv[2] if len(sys.argv) > 2 else "attach"
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = Custom()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    if mode == "attach":
        agent = nntop_agent.attach(model, name="test", tcp=True, allow_mode=True)
        agent.watch_optimizer(opt)
    with open(os.path.join(out, "modules.json.tmp"), "w") as f:
        json.dump(records(model), f)
    os.replace(os.path.join(out, "modules.json.tmp"), os.path.join(out, "modules.json"))
    t_end = time.time() + 90
    step = 0
    while time.time() < t_end and not os.path.exists(os.path.join(out, "stop")):
        ids = torch.randint(0, 50, (4, 8))
        opt.zero_grad(set_to_none=True)
        logits, aux = model(ids)
        loss = nn.functional.cross_entropy(logits.reshape(-1, 50), ids.reshape(-1)) + aux.pow(2).mean()
        loss.backward()
        opt.step()
        nntop_agent.log(loss=loss)
        step += 1
        state = {"step": step, "params": {n: [bool(p.requires_grad), float(p.detach().double().sum())]
                                          for n, p in model.named_parameters()}}
        with open(os.path.join(out, "state.json.tmp"), "w") as f:
            json.dump(state, f)
        os.replace(os.path.join(out, "state.json.tmp"), os.path.join(out, "state.json"))
        time.sleep(0.01)
    print("finished", step, file=sys.stderr)


if __name__ == "__main__":
    main()
