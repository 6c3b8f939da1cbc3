#!/usr/bin/env python3
"""Rewrites a safetensors file with the reference writer (PyPI `safetensors` and numpy), which
stores tensors sorted by name ("0.bias" before "0.weight") and lays their data out in that order:
the order of files from real projects' save_file, which ctnn::load and embedded_network must read.

  reference_writer.py IN.safetensors OUT.safetensors

tests/fixtures/reference_tanh_mlp.safetensors is torch_tanh_mlp.safetensors rewritten so (F32 and
F64 tensors; the metadata kept).
"""
import sys

from safetensors import safe_open
from safetensors.numpy import save_file


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with safe_open(sys.argv[1], "np") as f:
        tensors = {k: f.get_tensor(k) for k in f.keys()}
        metadata = f.metadata()
    save_file(tensors, sys.argv[2], metadata=metadata)


if __name__ == "__main__":
    main()
