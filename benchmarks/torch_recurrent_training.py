#!/usr/bin/env python3
"""Training throughput of an amp model in PyTorch (one thread) and in ctnn, in the same sitting:
LSTM(1, 16) -> Linear(16, 1) on 2,048-sample windows, batches of 8, MSE, Adam, backpropagation
through each window. Sequences per second of CPU time, the best step of each round; the rounds
alternate between the two, and the ratio is taken per round.

  torch_recurrent_training.py [path/to/ctnn_bench_recurrent_training] [rounds]
Exit 77 (skipped) where torch is not installed.
"""
import re
import subprocess
import sys
import time

try:
    import torch
except ImportError:
    print("skipped: PyTorch is not installed (Debian: apt-get install python3-torch)")
    sys.exit(77)

WINDOW, BATCH, STEPS = 2048, 8, 5


class Amp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.rec = torch.nn.LSTM(1, 16, batch_first=True)
        self.lin = torch.nn.Linear(16, 1)

    def forward(self, x):
        return self.lin(self.rec(x)[0])


def torch_round(model, optimizer, x, t):
    best = float("inf")
    for _ in range(STEPS):
        start = time.process_time()
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), t)
        loss.backward()
        optimizer.step()
        best = min(best, time.process_time() - start)
    return best


def main():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    binary = sys.argv[1] if len(sys.argv) > 1 else None
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    model = Amp()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(BATCH, WINDOW, 1) * 2 - 1
    t = torch.rand(BATCH, WINDOW, 1) - 0.5
    ratios = []
    for r in range(rounds):
        seconds = torch_round(model, optimizer, x, t)
        line = "torch %s round=%d threads=1 seconds_per_step=%.5f sequences_per_second=%.1f" % (
            torch.__version__, r, seconds, BATCH / seconds)
        if binary:
            out = subprocess.run([binary, "1", str(STEPS)], capture_output=True, text=True).stdout
            print(out.strip())
            ours = float(re.search(r"seconds_per_step=([0-9.]+)", out).group(1))
            ratios.append(seconds / ours)
        print(line)
    if ratios:
        ratios.sort()
        print("ctnn vs torch (one thread), sequences per second: %.2fx (rounds %s)"
              % (ratios[len(ratios) // 2], ", ".join("%.2f" % q for q in ratios)))


if __name__ == "__main__":
    main()
