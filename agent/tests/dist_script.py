"""A 2-rank gloo job (torch.multiprocessing.spawn); each rank attaches its own agent and trains until
OUT/stop exists (or 60 s). Writes OUT/ready-<rank> with its pid once attached."""
import os
import sys
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn

import nntop_agent


def run(rank, world, out, port):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    model = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 1))
    agent = nntop_agent.attach(model, verbose=False)
    with open(os.path.join(out, f"ready-{rank}"), "w") as f:
        f.write(f"{os.getpid()} {agent.sock_path}")
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    t_end = time.time() + 60
    while time.time() < t_end and not os.path.exists(os.path.join(out, "stop")):
        loss = model(torch.randn(4, 8)).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        for p in model.parameters():
            dist.all_reduce(p.grad)
        opt.step()
        time.sleep(0.02)
    dist.destroy_process_group()


if __name__ == "__main__":
    out, port = sys.argv[1], int(sys.argv[2])
    mp.spawn(run, args=(2, out, port), nprocs=2, join=True)
