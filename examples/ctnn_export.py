#!/usr/bin/env python3
"""Exports a user's own PyTorch model as a ctnn weight file, and reads ctnn's files back into it.

In Python:
    import ctnn_export
    ctnn_export.export(model, "model.safetensors", input_shape=(64, 1))
    ctnn_export.load_into(model, "model.safetensors")      # back into torch, strict

On the command line (FUNCTION builds the model, trained weights loaded, and returns it):
    ctnn_export.py MODULE:FUNCTION OUT.safetensors --input-shape 64,1 [--samples 8]
                   [--dtype F16|BF16] [--seed 0]

export walks the model's modules in order (an nn.Sequential's, or a module's children in the
order they were assigned; nested containers are walked too) and maps each to ctnn's layer:
    nn.Linear          Dense<out> on features, Linear<out> (every frame) on sequences
    nn.LSTM, nn.GRU    LSTM<H>, GRU<H>, one per layer of num_layers (batch_first, one direction)
    CausalConv1d       Conv1D<filters, kernel, dilation> (below; or any nn.Conv1d with
                       ctnn_causal = True)
    nn.ReLU, nn.Tanh, nn.Sigmoid, nn.Softmax (last dim), nn.Identity, nn.Flatten
    nn.Dropout         nothing (inference is the identity)
    LastFrame          LastFrame (below; or any module with ctnn_layer = "LastFrame")
and refuses anything else, naming the module. The file has ctnn's tensor names ("0.weight", ...;
torch's keys in the metadata "ctnn.torch_names"), the tensors' own dtype (F64 stays F64, unless
--dtype narrows it), the ctnn architecture in "ctnn.architecture" (so a layer missing from or
added to the C++ type is an error at load, not a silently different network) and test vectors:
`samples` seeded inputs and the model's own outputs for them, which ctnn::load runs before it
accepts the file. That also catches a forward that does not run the children in order. The
ctnn type to write in C++ is printed.

Needs PyTorch (Debian: python3-torch); the file is written with the standard library.
"""
import json
import struct
import sys

try:
    import torch
except ImportError:
    if __name__ != "__main__":
        raise
    print("skipped: PyTorch is not installed (Debian: apt-get install python3-torch)")
    sys.exit(77)


class CausalConv1d(torch.nn.Conv1d):
    """ctnn's Conv1D as a torch module: samples are (time, channels), frames oldest first, zeros
    before the first frame (the output has as many frames as the input); dilation as nn.Conv1d's
    (WaveNet's dilated convolution)."""
    ctnn_causal = True

    def forward(self, x):
        pad = (self.kernel_size[0] - 1) * self.dilation[0]
        x = torch.nn.functional.pad(x.transpose(1, 2), (pad, 0))
        return super().forward(x).transpose(1, 2)


class LastFrame(torch.nn.Module):
    """ctnn's LastFrame: output[:, -1, :]."""
    ctnn_layer = "LastFrame"

    def forward(self, x):
        return x[:, -1, :]


class ExportError(ValueError):
    """A module export cannot map to a ctnn layer; the message names it and says why."""


ACTIVATIONS = {torch.nn.ReLU: "ReLU", torch.nn.Tanh: "Tanh", torch.nn.Sigmoid: "Sigmoid",
               torch.nn.Identity: "Identity"}


def _leaves(module, prefix=""):
    """(name, module) of every module that is not a container, in order."""
    children = list(module.named_children())
    mapped = (torch.nn.Linear, torch.nn.LSTM, torch.nn.GRU, torch.nn.Conv1d)
    if not children or isinstance(module, mapped) or hasattr(module, "ctnn_layer"):
        yield prefix, module
        return
    for name, child in children:
        yield from _leaves(child, prefix + name if not prefix else prefix + "." + name)


def plan(model, input_shape):
    """The ctnn layers for model on samples of input_shape ((features,) or (time, channels)):
    a list of (layer text, [(ctnn suffix, torch key, tensor)])."""
    shape = tuple(input_shape)
    if len(shape) not in (1, 2) or min(shape) < 1:
        raise ExportError("input_shape %r: (features,) or (time, channels)" % (shape,))
    layers = []
    for name, m in _leaves(model):
        where = "module %r (%s)" % (name or "<model>", type(m).__name__)
        sequence = len(shape) == 2
        key = (name + ".") if name else ""
        if isinstance(m, torch.nn.Dropout):
            continue
        if isinstance(m, torch.nn.Linear):
            if shape[-1] != m.in_features:
                raise ExportError("%s takes %d features, gets %d" % (where, m.in_features, shape[-1]))
            bias = m.bias if m.bias is not None else torch.zeros(m.out_features, dtype=m.weight.dtype)
            layers.append(("%s<%d>" % ("Linear" if sequence else "Dense", m.out_features),
                           [("weight", key + "weight", m.weight),
                            ("bias", key + "bias" if m.bias is not None else None, bias)]))
            shape = shape[:-1] + (m.out_features,)
        elif isinstance(m, (torch.nn.LSTM, torch.nn.GRU)):
            kind = "LSTM" if isinstance(m, torch.nn.LSTM) else "GRU"
            if not sequence:
                raise ExportError("%s needs sequences: give input_shape as (time, channels)" % where)
            if not m.batch_first:
                raise ExportError("%s: batch_first=False; ctnn's samples are (time, channels): "
                                  "build it with batch_first=True" % where)
            if m.bidirectional or getattr(m, "proj_size", 0) or not m.bias:
                raise ExportError("%s: bidirectional, proj_size and bias=False have no ctnn layer"
                                  % where)
            if shape[-1] != m.input_size:
                raise ExportError("%s takes %d channels, gets %d" % (where, m.input_size, shape[-1]))
            for layer in range(m.num_layers):
                tensors = [(t + "_l0", "%s%s_l%d" % (key, t, layer), getattr(m, "%s_l%d" % (t, layer)))
                           for t in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
                layers.append(("%s<%d>" % (kind, m.hidden_size), tensors))
            shape = (shape[0], m.hidden_size)
        elif isinstance(m, torch.nn.Conv1d):
            if not getattr(m, "ctnn_causal", False):
                raise ExportError("%s: nn.Conv1d pads both sides or none; ctnn's Conv1D is causal "
                                  "on (time, channels) samples: use ctnn_export.CausalConv1d" % where)
            if m.stride != (1,) or m.groups != 1 or m.padding != (0,):
                raise ExportError("%s: stride, groups and padding must be the defaults" % where)
            if not sequence or shape[-1] != m.in_channels:
                raise ExportError("%s takes (time, %d) samples, gets %r" % (where, m.in_channels, shape))
            bias = m.bias if m.bias is not None else torch.zeros(m.out_channels, dtype=m.weight.dtype)
            dilation = ", %d" % m.dilation[0] if m.dilation[0] > 1 else ""
            layers.append(("Conv1D<%d, %d%s>" % (m.out_channels, m.kernel_size[0], dilation),
                           [("weight", key + "weight", m.weight),
                            ("bias", key + "bias" if m.bias is not None else None, bias)]))
            shape = (shape[0], m.out_channels)
        elif getattr(m, "ctnn_layer", None) == "LastFrame":
            if not sequence:
                raise ExportError("%s needs sequences" % where)
            layers.append(("LastFrame", []))
            shape = (shape[1],)
        elif isinstance(m, torch.nn.Flatten):
            if m.start_dim != 1 or m.end_dim != -1:
                raise ExportError("%s: only Flatten(start_dim=1) maps to ctnn's Flatten" % where)
            layers.append(("Flatten", []))
            shape = (shape[0] * shape[1],) if sequence else shape
        elif isinstance(m, torch.nn.Softmax):
            if sequence or m.dim not in (1, -1):
                raise ExportError("%s: ctnn's Softmax is over the features of a vector (dim=1)"
                                  % where)
            layers.append(("Softmax", []))
        elif type(m) in ACTIVATIONS:
            layers.append((ACTIVATIONS[type(m)], []))
        else:
            raise ExportError("%s has no ctnn layer (mapped: Linear, LSTM, GRU, CausalConv1d, ReLU, "
                              "Tanh, Sigmoid, Softmax, Identity, Flatten, Dropout, LastFrame)"
                              % where)
    if not layers:
        raise ExportError("the model has no layer ctnn maps")
    return layers


def architecture(input_shape, layers):
    return " ".join(["Input<%s>" % ", ".join(str(d) for d in input_shape)] +
                    [text for text, _ in layers])


def cpp_type(input_shape, layers, dtype):
    head = "ctnn::BasicNetwork<double, " if dtype == torch.float64 else "ctnn::Network<"
    return head + ", ".join(["ctnn::Input<%s>" % ", ".join(str(d) for d in input_shape)] +
                            ["ctnn::" + t for t, _ in layers]) + ">"


DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16"}


def _bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: its bits as int16
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def write_safetensors(path, tensors, metadata):
    """tensors: (name, tensor) in order; a safetensors file (data in that order, 8-byte aligned)."""
    header, offset, blobs = {"__metadata__": metadata}, 0, []
    for name, t in tensors:
        data = _bytes(t)
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-(8 + len(text)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def export(model, path, input_shape, test_input=None, samples=8, seed=0, dtype=None):
    """Writes model's weights as ctnn's file for Network<Input<input_shape...>, ...>; returns the
    ctnn type. test_input: [samples, *input_shape] (default: `samples` inputs uniform in [-2, 2]
    from `seed`). dtype: "F16" or "BF16" to narrow the file (test outputs still the model's)."""
    model.eval()
    layers = plan(model, input_shape)
    params = [t for _, ts in layers for _, _, t in ts]
    model_dtype = params[0].dtype if params else torch.float32
    if test_input is None:
        g = torch.Generator().manual_seed(seed)
        test_input = torch.rand((samples,) + tuple(input_shape), generator=g, dtype=model_dtype) * 4 - 2
    with torch.no_grad():
        test_output = model(test_input.to(model_dtype))
    if tuple(test_output.shape[1:]) != _output_shape(input_shape, layers):
        raise ExportError("the model's output has shape %r per sample, the mapped layers give %r: "
                          "its forward does not run its modules in order"
                          % (tuple(test_output.shape[1:]), _output_shape(input_shape, layers)))
    narrow = {"F16": torch.float16, "BF16": torch.bfloat16, None: None}[dtype]
    cast = (lambda t: t.to(narrow)) if narrow is not None else (lambda t: t)
    tensors, names = [], {}
    for index, (_, ts) in enumerate(layers):
        for suffix, key, t in ts:
            name = "%d.%s" % (index, suffix)
            tensors.append((name, cast(t)))
            if key is not None:
                names[name] = key
    tensors += [("ctnn.test_input", cast(test_input)), ("ctnn.test_output", cast(test_output))]
    write_safetensors(path, tensors, {"ctnn.architecture": architecture(input_shape, layers),
                                      "ctnn.torch_names": json.dumps(names, separators=(",", ":")),
                                      "torch": torch.__version__})
    return cpp_type(input_shape, layers, model_dtype)


def _output_shape(input_shape, layers):
    shape = tuple(input_shape)
    for text, ts in layers:
        kind = text.split("<")[0]
        if kind in ("Dense", "Linear", "LSTM", "GRU", "Conv1D"):
            out = int(text.split("<")[1].split(",")[0].rstrip(">"))
            shape = shape[:-1] + (out,)
        elif kind == "LastFrame":
            shape = (shape[1],)
        elif kind == "Flatten" and len(shape) == 2:
            shape = (shape[0] * shape[1],)
    return shape


def read(path):
    """(tensors by name, metadata) of a safetensors file, test vectors included."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    kinds = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16,
             "BF16": torch.bfloat16}
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        if info["dtype"] not in kinds:
            continue
        blob = bytearray(raw[8 + n + begin:8 + n + end])
        if info["dtype"] == "BF16":
            t = torch.frombuffer(blob, dtype=torch.int16).view(torch.bfloat16)
        else:
            t = torch.frombuffer(blob, dtype=kinds[info["dtype"]])
        tensors[name] = t.reshape(info["shape"]).clone()
    return tensors, metadata


def load_into(model, path):
    """Loads a ctnn file (saved by ctnn or by export) into model with load_state_dict(strict=True):
    the test vectors are left out and ctnn's names mapped to the model's by "ctnn.torch_names"
    (or, for a file without it, by the order of plan's tensors)."""
    tensors, metadata = read(path)
    tensors = {k: v for k, v in tensors.items() if not k.startswith("ctnn.")}
    names = json.loads(metadata.get("ctnn.torch_names", "{}"))
    state = {names.get(k, k): v for k, v in tensors.items()}
    model.load_state_dict(state, strict=True)


def main():
    import argparse
    import importlib
    import os
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("function", help="MODULE:FUNCTION returning the model")
    parser.add_argument("out", help="the safetensors file to write")
    parser.add_argument("--input-shape", required=True,
                        help="one sample's shape: FEATURES or TIME,CHANNELS")
    parser.add_argument("--samples", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dtype", choices=["F16", "BF16"])
    args = parser.parse_args()
    module_name, _, function = args.function.partition(":")
    sys.path.insert(0, os.getcwd())
    model = getattr(importlib.import_module(module_name), function or "model")()
    try:
        ctnn_type = export(model, args.out, tuple(int(d) for d in args.input_shape.split(",")),
                           samples=args.samples, seed=args.seed, dtype=args.dtype)
    except ExportError as e:
        sys.exit("ctnn_export: %s" % e)
    print("wrote %s for\n  using Net = %s;" % (args.out, ctnn_type))


if __name__ == "__main__":
    main()
