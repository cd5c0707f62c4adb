#!/usr/bin/env python3
"""Writes a torch.export archive of a ResNet-18 (torchvision's layout, names and shapes; the agent's
hand-written copy, so torchvision is not needed) for `nntop bench resnet18 FILE.pt2`: the exported graph run by
nntop's interpreter against nntop's own zoo ResNet-18 on the same 1x3x224x224 input. Needs torch.

    python3 scripts/export-resnet18.py /tmp/resnet18.pt2            # default: training IR
    python3 scripts/export-resnet18.py /tmp/resnet18-core.pt2 --core  # core ATen (run_decompositions())
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "agent"))
from nntop_agent.models import ResNet  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--core", action="store_true", help="lower to core ATen with run_decompositions()")
    args = parser.parse_args()
    torch.manual_seed(0)
    model = ResNet().eval()
    # By keyword, as the goldens were exported: the archive then records the example input nntop runs.
    program = torch.export.export(model, args=(), kwargs={"x": torch.randn(1, 3, 224, 224)})
    if args.core:
        program = program.run_decompositions()
    torch.export.save(program, args.path)
    print(args.path)


if __name__ == "__main__":
    main()
