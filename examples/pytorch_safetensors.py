#!/usr/bin/env python3
"""PyTorch <-> ctnn weight files for the built-in fixture models (a user's own model:
ctnn_export.py). Safetensors written and read with ctnn_export.py (struct + json).

  pytorch_safetensors.py export MODEL OUT.safetensors [OUT_io.txt]
      Builds MODEL from seed 0 and writes its weights (names as torch's state_dict, metadata
      "ctnn.architecture") with test vectors: 8 inputs as "ctnn.test_input" and torch's outputs
      for them as "ctnn.test_output", which ctnn::load runs before accepting the file. OUT_io.txt
      repeats them as text (rows "x... y...", 9 digits). MODEL and the ctnn network it loads into:
        tanh_mlp  nn.Sequential(Linear(2, 16), Tanh(), Linear(16, 1))
                  ctnn::Network<Input<2>, Dense<16>, Tanh, Dense<1>>
        conv      nn.Sequential(CausalConv1d(2, 3, 2), ReLU(), Flatten(), Linear(24, 2))
                  ctnn::Network<Input<8, 2>, Conv1D<3, 2>, ReLU, Flatten, Dense<2>>
        lstm      nn.Sequential(LSTM(1, 8)): every frame's h over 2 sequences of 2,000 samples
                  ctnn::Network<Input<2000, 1>, LSTM<8>>
        gru_stack nn.Sequential(GRU(2, 6), GRU(6, 4), LastFrame(), Linear(4, 3))
                  ctnn::Network<Input<12, 2>, GRU<6>, GRU<4>, LastFrame, Dense<3>>
        rec_lin   a module with rec = nn.LSTM(1, 8, num_layers=2) and lin = nn.Linear(8, 1) on
                  every frame (names rec.weight_ih_l0, ..., rec.bias_hh_l1, lin.weight, lin.bias)
                  ctnn::Network<Input<64, 1>, LSTM<8>, LSTM<8>, Linear<1>>, loaded with
                  LoadOptions::names
        amp       a module with rec = nn.LSTM(1, 8), lin = nn.Linear(8, 1), learned h0 and c0
                  [8], returning x + lin(rec(x, (h0, c0)))
                  ctnn::Network<Input<256, 1>, Residual<LSTM<8, Tanh, LearnedState>, Linear<1>>>
  pytorch_safetensors.py train MODEL INITIAL.safetensors TRAINED.safetensors
      Builds MODEL from seed 0, writes it (with its outputs on the training batch as test
      vectors), trains it 5 steps with Adam (learning rate 0.01, MSE, the whole batch each step:
      backpropagation through the batch's sequences), and writes the trained model the same way.
      The batch (4 sequences of 32 frames) and its targets are exact in float and written out in
      tests/test_recurrent.cpp too:
        x[b, t, c] = ((5 b + 3 t + 7 c) % 11 - 5) / 8,  target[b] = (b % 3 - 1) / 2
      MODEL and the ctnn network it loads into:
        lstm_train  nn.Sequential(LSTM(1, 8), LastFrame(), Linear(8, 1))
                    ctnn::Network<Input<32, 1>, LSTM<8>, LastFrame, Dense<1>>
        gru_train   nn.Sequential(GRU(2, 6), GRU(6, 5), LastFrame(), Linear(5, 1))
                    ctnn::Network<Input<32, 2>, GRU<6>, GRU<5>, LastFrame, Dense<1>>
  pytorch_safetensors.py check CTNN.safetensors...
      Reads files saved by ctnn (with test vectors: ctnn::save(net, bytes, inputs)) into the torch
      model each architecture names (load_state_dict; the amp module's names mapped from ctnn's)
      and compares torch's outputs with the ones ctnn stored: within 1e-6 relative, recurrent
      models within 1e-5 * max(1, |expected|).
Exit 77 (skipped) where torch is not installed.
"""
import os
import sys

try:
    import torch
except ImportError:
    print("skipped: PyTorch is not installed (Debian: apt-get install python3-torch)")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ctnn_export  # noqa: E402  (the safetensors writer and reader)


CausalConv1d = ctnn_export.CausalConv1d  # ctnn's Conv1D: (time, channels), zeros before


class LSTM(torch.nn.LSTM):
    """nn.LSTM (batch_first) that returns only its output, every frame's h (from a zero state)."""

    def __init__(self, inputs, hidden):
        super().__init__(inputs, hidden, batch_first=True)

    def forward(self, x):
        return super().forward(x)[0]


class GRU(torch.nn.GRU):
    """nn.GRU (batch_first) that returns only its output, every frame's h (from a zero state)."""

    def __init__(self, inputs, hidden):
        super().__init__(inputs, hidden, batch_first=True)

    def forward(self, x):
        return super().forward(x)[0]


LastFrame = ctnn_export.LastFrame  # output[:, -1, :]


class RecLin(torch.nn.Module):
    """A recurrent audio model as users write it: nn.LSTM of two layers, then nn.Linear on every
    frame."""

    def __init__(self):
        super().__init__()
        self.rec = torch.nn.LSTM(1, 8, num_layers=2, batch_first=True)
        self.lin = torch.nn.Linear(8, 1)

    def forward(self, x):
        return self.lin(self.rec(x)[0])


class Amp(torch.nn.Module):
    """GuitarML Proteus's amp model with Neural Amp Modeler's learned initial state: nn.LSTM(1, 8)
    and nn.Linear(8, 1) on every frame, the input added to the output; h0 and c0 parameters."""

    def __init__(self):
        super().__init__()
        self.rec = torch.nn.LSTM(1, 8, batch_first=True)
        self.lin = torch.nn.Linear(8, 1)
        self.h0 = torch.nn.Parameter(torch.randn(8) * 0.5)
        self.c0 = torch.nn.Parameter(torch.randn(8) * 0.5)

    def forward(self, x):
        state = (self.h0.expand(1, x.shape[0], 8).contiguous(),
                 self.c0.expand(1, x.shape[0], 8).contiguous())
        return x + self.lin(self.rec(x, state)[0])


# architecture -> (model, one sample's input shape)
MODELS = {
    "tanh_mlp": ("Input<2> Dense<16> Tanh Dense<1>",
                 lambda: torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(),
                                             torch.nn.Linear(16, 1)), (2,)),
    "conv": ("Input<8, 2> Conv1D<3, 2> ReLU Flatten Dense<2>",
             lambda: torch.nn.Sequential(CausalConv1d(2, 3, 2), torch.nn.ReLU(), torch.nn.Flatten(),
                                         torch.nn.Linear(24, 2)), (8, 2)),
    "lstm": ("Input<2000, 1> LSTM<8>", lambda: torch.nn.Sequential(LSTM(1, 8)), (2000, 1)),
    "gru_stack": ("Input<12, 2> GRU<6> GRU<4> LastFrame Dense<3>",
                  lambda: torch.nn.Sequential(GRU(2, 6), GRU(6, 4), LastFrame(),
                                              torch.nn.Linear(4, 3)), (12, 2)),
    "rec_lin": ("Input<64, 1> LSTM<8> LSTM<8> Linear<1>", RecLin, (64, 1)),
    "amp": ("Input<256, 1> Residual(LSTM<8> Linear<1>)", Amp, (256, 1)),
    "lstm_train": ("Input<32, 1> LSTM<8> LastFrame Dense<1>",
                   lambda: torch.nn.Sequential(LSTM(1, 8), LastFrame(), torch.nn.Linear(8, 1)),
                   (32, 1)),
    "gru_train": ("Input<32, 2> GRU<6> GRU<5> LastFrame Dense<1>",
                  lambda: torch.nn.Sequential(GRU(2, 6), GRU(6, 5), LastFrame(),
                                              torch.nn.Linear(5, 1)), (32, 2)),
}


def write_model(path, m, x, architecture):
    with torch.no_grad():
        y = m(x)
    tensors = {k: v.clone() for k, v in m.state_dict().items()}
    tensors["ctnn.test_input"], tensors["ctnn.test_output"] = x, y
    ctnn_export.write_safetensors(path, list(tensors.items()),
                                  {"ctnn.architecture": architecture, "torch": torch.__version__})


def train(name, initial_path, trained_path):
    architecture, make, (time, channels) = MODELS[name]
    torch.manual_seed(0)
    m = make()
    x = torch.tensor([[[((5 * b + 3 * t + 7 * c) % 11 - 5) / 8 for c in range(channels)]
                       for t in range(time)] for b in range(4)], dtype=torch.float32)
    target = torch.tensor([[(b % 3 - 1) / 2] for b in range(4)], dtype=torch.float32)
    write_model(initial_path, m, x, architecture)
    optimizer = torch.optim.Adam(m.parameters(), lr=0.01)
    for _ in range(5):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(m(x), target)
        loss.backward()
        optimizer.step()
    write_model(trained_path, m, x, architecture)


# ctnn's names for the tensors of a model that is not an nn.Sequential, in the model's terms.
CTNN_NAMES = {
    "amp": {"0.0.weight_ih_l0": "rec.weight_ih_l0", "0.0.weight_hh_l0": "rec.weight_hh_l0",
            "0.0.bias_ih_l0": "rec.bias_ih_l0", "0.0.bias_hh_l0": "rec.bias_hh_l0",
            "0.0.initial_hidden": "h0", "0.0.initial_cell": "c0", "0.1.weight": "lin.weight",
            "0.1.bias": "lin.bias"},
}
# ctnn's learned initial state is (1, H); the module's h0 and c0 are [H].
FLAT = {"h0", "c0"}


def check(path):
    """Loads a file ctnn saved (with test vectors) into the torch model its architecture names and
    compares outputs: feed-forward models within 1e-6 relative; recurrent ones, whose float sums
    run in another order over many frames, within 1e-5 * max(1, |expected|), as ctnn's load checks
    torch's files."""
    tensors, metadata = ctnn_export.read(path)
    name = [k for k, v in MODELS.items() if v[0] == metadata.get("ctnn.architecture")]
    if not name:
        print("no torch model for architecture %r" % metadata.get("ctnn.architecture"))
        return 1
    m = MODELS[name[0]][1]()
    x, expected = tensors.pop("ctnn.test_input"), tensors.pop("ctnn.test_output")
    renamed = {CTNN_NAMES.get(name[0], {}).get(k, k): v for k, v in tensors.items()}
    m.load_state_dict({k: (v.reshape(-1) if k in FLAT else v) for k, v in renamed.items()})
    with torch.no_grad():
        y = m(x)
    recurrent = any(k.endswith("weight_hh_l0") for k in renamed)
    if recurrent:
        worst = float(((y - expected).abs() / expected.abs().clamp(min=1)).max())
        bound = 1e-5
    else:
        worst = float(((y - expected).abs() / expected.abs().clamp(min=1e-6)).max())
        bound = 1e-6
    print("torch %s read ctnn's %s file: %d samples, worst relative difference %.3g (bound %g)"
          % (torch.__version__, name[0], x.shape[0], worst, bound))
    return 0 if worst <= bound else 1


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "export" and sys.argv[2] in MODELS:
        architecture, make, shape = MODELS[sys.argv[2]]
        torch.manual_seed(0)
        m = make()
        if sys.argv[2] == "tanh_mlp":
            x = torch.linspace(-2.0, 2.0, 16, dtype=torch.float32).reshape(8, 2)
        elif sys.argv[2] == "lstm":  # two "audio" sequences: a decaying chirp and noise
            t = torch.arange(2000, dtype=torch.float32) / 48000
            chirp = torch.sin(2 * torch.pi * (100 + 4000 * t) * t) * torch.exp(-t * 20)
            x = torch.stack([chirp, torch.rand(2000) * 2 - 1]).reshape(2, 2000, 1)
        else:
            x = torch.rand(8, *shape) * 4 - 2
        with torch.no_grad():
            y = m(x)
        tensors = dict(m.state_dict())
        tensors["ctnn.test_input"], tensors["ctnn.test_output"] = x, y
        ctnn_export.write_safetensors(sys.argv[3], list(tensors.items()),
                                      {"ctnn.architecture": architecture,
                                       "torch": torch.__version__})
        if len(sys.argv) > 4:
            with open(sys.argv[4], "w") as f:
                f.write("# torch %s: %d rows of inputs then outputs (float32, 9 digits)\n"
                        % (torch.__version__, x.shape[0]))
                for xs, ys in zip(x.reshape(x.shape[0], -1).tolist(),
                                  y.reshape(x.shape[0], -1).tolist()):
                    f.write(" ".join("%.9g" % v for v in xs + ys) + "\n")
    elif len(sys.argv) == 5 and sys.argv[1] == "train" and sys.argv[2] in MODELS:
        train(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) >= 3 and sys.argv[1] == "check":
        sys.exit(max(check(path) for path in sys.argv[2:]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
