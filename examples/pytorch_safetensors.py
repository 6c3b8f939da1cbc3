#!/usr/bin/env python3
"""PyTorch <-> ctnn weight files, with PyTorch only (safetensors written with struct + json).

  pytorch_safetensors.py export OUT.safetensors OUT_io.txt
      Builds nn.Sequential(Linear(2, 16), Tanh(), Linear(16, 1)) from seed 0 and writes its
      weights (names "0.weight", ... as torch's state_dict; metadata "ctnn.architecture" =
      "Input<2> Dense<16> Tanh Dense<1>") and, in OUT_io.txt, 8 inputs with torch's outputs.
      ctnn loads it into ctnn::Network<Input<2>, Dense<16>, Tanh, Dense<1>>.
  pytorch_safetensors.py check CTNN.safetensors CTNN_io.txt
      Reads a file saved by ctnn for that network into the same torch model (load_state_dict) and
      compares torch's outputs with ctnn's (the io file) within 1e-6 relative. Exit 77 (skipped)
      where torch is not installed.
"""
import json
import struct
import sys

try:
    import torch
except ImportError:
    print("skipped: PyTorch is not installed (Debian: apt-get install python3-torch)")
    sys.exit(77)

ARCHITECTURE = "Input<2> Dense<16> Tanh Dense<1>"


def model():
    return torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))


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


def inputs():
    return torch.linspace(-2.0, 2.0, 16, dtype=torch.float32).reshape(8, 2)


def main():
    what, path, io_path = sys.argv[1:4]
    if what == "export":
        torch.manual_seed(0)
        m = model()
        write_safetensors(path, m.state_dict(), {"ctnn.architecture": ARCHITECTURE,
                                                  "torch": torch.__version__})
        with torch.no_grad():
            out = m(inputs())
        with open(io_path, "w") as f:
            f.write("# torch %s: 8 rows of x0 x1 y (float32, printed with 9 digits)\n"
                    % torch.__version__)
            for x, y in zip(inputs().tolist(), out.tolist()):
                f.write("%.9g %.9g %.9g\n" % (x[0], x[1], y[0]))
    elif what == "check":
        tensors, metadata = read_safetensors(path)
        assert metadata.get("ctnn.architecture") == ARCHITECTURE, metadata
        m = model()
        m.load_state_dict(tensors)
        rows = [list(map(float, line.split())) for line in open(io_path) if not line.startswith("#")]
        x = torch.tensor([r[:2] for r in rows], dtype=torch.float32)
        with torch.no_grad():
            y = m(x)
        worst = max(abs(float(y[i, 0]) - r[2]) / max(abs(r[2]), 1e-6) for i, r in enumerate(rows))
        print("torch %s read ctnn's file: %d rows, worst relative difference %.3g"
              % (torch.__version__, len(rows), worst))
        sys.exit(0 if worst <= 1e-6 else 1)
    else:
        sys.exit("usage: pytorch_safetensors.py export|check FILE IO_FILE")


if __name__ == "__main__":
    main()
