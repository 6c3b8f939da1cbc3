#!/usr/bin/env python3
"""PyTorch <-> ctnn weight files, with PyTorch only (safetensors written with struct + json).

  pytorch_safetensors.py export MODEL OUT.safetensors [OUT_io.txt]
      Builds MODEL from seed 0 and writes its weights (names as torch's state_dict, metadata
      "ctnn.architecture") with test vectors: 8 inputs as "ctnn.test_input" and torch's outputs
      for them as "ctnn.test_output", which ctnn::load runs before accepting the file. OUT_io.txt
      repeats them as text (rows "x... y...", 9 digits). MODEL and the ctnn network it loads into:
        tanh_mlp  nn.Sequential(Linear(2, 16), Tanh(), Linear(16, 1))
                  ctnn::Network<Input<2>, Dense<16>, Tanh, Dense<1>>
        conv      nn.Sequential(CausalConv1d(2, 3, 2), ReLU(), Flatten(), Linear(24, 2))
                  ctnn::Network<Input<8, 2>, Conv1D<3, 2>, ReLU, Flatten, Dense<2>>
  pytorch_safetensors.py check CTNN.safetensors
      Reads a file saved by ctnn (with test vectors: ctnn::save(net, bytes, inputs)) into the torch
      model its architecture names (load_state_dict) and compares torch's outputs with the ones
      ctnn stored, within 1e-6 relative.
Exit 77 (skipped) where torch is not installed.
"""
import json
import struct
import sys

try:
    import torch
except ImportError:
    print("skipped: PyTorch is not installed (Debian: apt-get install python3-torch)")
    sys.exit(77)


class CausalConv1d(torch.nn.Conv1d):
    """ctnn's Conv1D: samples are (time, channels), frames oldest first; zeros before the first
    frame, so the output has as many frames as the input. Weights (filters, channels, kernel)."""

    def forward(self, x):
        x = torch.nn.functional.pad(x.transpose(1, 2), (self.kernel_size[0] - 1, 0))
        return super().forward(x).transpose(1, 2)


# architecture -> (model, one sample's input shape)
MODELS = {
    "tanh_mlp": ("Input<2> Dense<16> Tanh Dense<1>",
                 lambda: torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(),
                                             torch.nn.Linear(16, 1)), (2,)),
    "conv": ("Input<8, 2> Conv1D<3, 2> ReLU Flatten Dense<2>",
             lambda: torch.nn.Sequential(CausalConv1d(2, 3, 2), torch.nn.ReLU(), torch.nn.Flatten(),
                                         torch.nn.Linear(24, 2)), (8, 2)),
}


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    offset, blobs = 0, []
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-(8 + len(text)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        fmt = {"F32": "f", "F64": "d"}[info["dtype"]]
        values = struct.unpack("<%d%s" % ((end - begin) // struct.calcsize(fmt), fmt), data[begin:end])
        tensors[name] = torch.tensor(values, dtype=torch.float32).reshape(info["shape"])
    return tensors, metadata


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "export" and sys.argv[2] in MODELS:
        architecture, make, shape = MODELS[sys.argv[2]]
        torch.manual_seed(0)
        m = make()
        if sys.argv[2] == "tanh_mlp":
            x = torch.linspace(-2.0, 2.0, 16, dtype=torch.float32).reshape(8, 2)
        else:
            x = torch.rand(8, *shape) * 4 - 2
        with torch.no_grad():
            y = m(x)
        tensors = dict(m.state_dict())
        tensors["ctnn.test_input"], tensors["ctnn.test_output"] = x, y
        write_safetensors(sys.argv[3], tensors, {"ctnn.architecture": architecture,
                                                 "torch": torch.__version__})
        if len(sys.argv) > 4:
            with open(sys.argv[4], "w") as f:
                f.write("# torch %s: 8 rows of inputs then outputs (float32, 9 digits)\n"
                        % torch.__version__)
                for xs, ys in zip(x.reshape(8, -1).tolist(), y.tolist()):
                    f.write(" ".join("%.9g" % v for v in xs + ys) + "\n")
    elif len(sys.argv) == 3 and sys.argv[1] == "check":
        tensors, metadata = read_safetensors(sys.argv[2])
        name = [k for k, v in MODELS.items() if v[0] == metadata.get("ctnn.architecture")]
        if not name:
            sys.exit("no torch model for architecture %r" % metadata.get("ctnn.architecture"))
        m = MODELS[name[0]][1]()
        x, expected = tensors.pop("ctnn.test_input"), tensors.pop("ctnn.test_output")
        m.load_state_dict(tensors)
        with torch.no_grad():
            y = m(x)
        worst = float(((y - expected).abs() / expected.abs().clamp(min=1e-6)).max())
        print("torch %s read ctnn's %s file: %d samples, worst relative difference %.3g"
              % (torch.__version__, name[0], x.shape[0], worst))
        sys.exit(0 if worst <= 1e-6 else 1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
