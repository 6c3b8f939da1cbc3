#!/usr/bin/env python3
"""Converts an RTNeural model file (the JSON that RTNeural's python/model_utils.py save_model
writes from a Keras model, which many audio plugins ship) into ctnn's safetensors file.

  rtneural_to_safetensors.py MODEL.json OUT.safetensors [--time T] [--test-vectors IO.json]

The file gets ctnn's tensor names, PyTorch's layouts and the ctnn architecture in its metadata,
so ctnn::load checks it against the network's type like any ctnn file (a layer missing or added is
architecture_mismatch; other sizes, wrong_shape). The ctnn type is printed. Layers:
    dense, time-distributed-dense   Dense<N> on features, Linear<N> on sequences (every frame);
                                    its "activation" becomes the next layer
    conv1d                          Conv1D<filters, kernel, dilation> (Keras padding="causal",
                                    groups 1), then its activation
    gru                             GRU<H> (Keras reset_after=True, TF2's default: PyTorch's cell;
                                    Keras's gate order z, r, h reordered to r, z, n)
    lstm                            LSTM<H> (one bias: bias_ih, and bias_hh zero)
    activation                      Tanh, ReLU, Sigmoid, Softmax ("linear" or "": nothing)
Anything else (prelu, batchnorm, conv2d, elu, ...) is refused with the layer's index and type.
An in_shape of [null, C] is Input<C>; [null, T or null, C] is Input<T, C> with T from --time
(default: the test vectors' length, else the file's T, else 1; ctnn loads a file saved for another sequence length into a
recurrent network of any length). --test-vectors: a JSON object {"input": [samples][...],
"output": [samples][...]} of inputs and the outputs Keras computed for them, stored as
ctnn.test_input / ctnn.test_output, which ctnn::load runs before it accepts the file.

I chose a converter over a C++ JSON reader: the file is the same weights in another container,
converted once, offline; ctnn's loader then stays one strict, heap-free safetensors path (a file
of floats in decimal would need a float parser in C++; NAM's .nam reader will bring one).
Python 3 standard library only.
"""
import argparse
import json
import struct
import sys


class Refused(ValueError):
    pass


def transpose(m):
    return [list(r) for r in zip(*m)]


def flat(x):
    if isinstance(x, list):
        return [v for e in x for v in flat(e)]
    return [float(x)]


def dims(x):
    d = []
    while isinstance(x, list):
        d.append(len(x))
        x = x[0] if x else None
    return d


ACTIVATIONS = {"tanh": "Tanh", "relu": "ReLU", "sigmoid": "Sigmoid", "softmax": "Softmax"}


def activation(where, name):
    if name in ("", "linear", None):
        return []
    if name not in ACTIVATIONS:
        raise Refused("%s: activation %r has no ctnn layer (tanh, relu, sigmoid, softmax)"
                      % (where, name))
    return [(ACTIVATIONS[name], [])]


def convert(model, time=None):
    """(the ctnn layers' texts, Input first; [(layer text, [(suffix, nested list)])]) of an
    RTNeural Keras model."""
    in_shape = model["in_shape"]
    if len(in_shape) == 2:
        shape = (int(in_shape[1]),)
    elif len(in_shape) == 3:
        t = time or (in_shape[1] if isinstance(in_shape[1], int) else 1)
        shape = (int(t), int(in_shape[2]))
    else:
        raise Refused("in_shape %r: ctnn takes [null, features] or [null, time, channels]"
                      % (in_shape,))
    input_shape = shape
    layers = []
    for index, layer in enumerate(model["layers"]):
        kind = layer["type"]
        where = "layer %d (%s)" % (index, kind)
        w = layer.get("weights", [])
        sequence = len(shape) == 2
        out = int(layer["shape"][-1]) if layer.get("shape") else None
        if kind in ("dense", "time-distributed-dense"):
            kernel = w[0]  # [in][out]
            if dims(kernel) != [shape[-1], out]:
                raise Refused("%s: kernel %r for %d inputs and %d outputs"
                              % (where, dims(kernel), shape[-1], out))
            bias = w[1] if len(w) > 1 else [0.0] * out
            layers.append(("%s<%d>" % ("Linear" if sequence else "Dense", out),
                           [("weight", transpose(kernel)), ("bias", bias)]))
            shape = shape[:-1] + (out,)
            layers += activation(where, layer.get("activation"))
        elif kind == "conv1d":
            k, dilation = layer["kernel_size"][-1], layer["dilation"][-1]
            if layer.get("groups", 1) != 1:
                raise Refused("%s: groups %r: ctnn's Conv1D has one group"
                              % (where, layer.get("groups", 1)))
            if not sequence:
                raise Refused("%s needs sequences (in_shape [null, time, channels])" % where)
            kernel = w[0]  # [kernel][in][out] -> torch [out][in][kernel], tap K-1 the newest frame
            if dims(kernel) != [k, shape[-1], out]:
                raise Refused("%s: kernel %r for kernel %d, %d channels, %d filters"
                              % (where, dims(kernel), k, shape[-1], out))
            weight = [[[kernel[t][c][f] for t in range(k)] for c in range(shape[-1])]
                      for f in range(out)]
            bias = w[1] if len(w) > 1 else [0.0] * out
            spelled = "Conv1D<%d, %d%s>" % (out, k, ", %d" % dilation if dilation > 1 else "")
            layers.append((spelled, [("weight", weight), ("bias", bias)]))
            shape = (shape[0], out)
            layers += activation(where, layer.get("activation"))
        elif kind in ("gru", "lstm"):
            gates = 3 if kind == "gru" else 4
            if not sequence:
                raise Refused("%s needs sequences (in_shape [null, time, channels])" % where)
            kernel, recurrent, bias = w
            if dims(kernel) != [shape[-1], gates * out] or dims(recurrent) != [out, gates * out]:
                raise Refused("%s: kernels %r and %r for %d channels and %d units"
                              % (where, dims(kernel), dims(recurrent), shape[-1], out))
            if kind == "gru":
                if dims(bias) != [2, 3 * out]:
                    raise Refused("%s: bias %r: a reset_after=False GRU is another cell; ctnn's "
                                  "(PyTorch's) is Keras's reset_after=True" % (where, dims(bias)))
                order = lambda row: row[out:2 * out] + row[:out] + row[2 * out:]  # z,r,h -> r,z,n
                tensors = [("weight_ih_l0", transpose([order(r) for r in kernel])),
                           ("weight_hh_l0", transpose([order(r) for r in recurrent])),
                           ("bias_ih_l0", order(bias[0])), ("bias_hh_l0", order(bias[1]))]
            else:
                tensors = [("weight_ih_l0", transpose(kernel)),
                           ("weight_hh_l0", transpose(recurrent)),
                           ("bias_ih_l0", bias), ("bias_hh_l0", [0.0] * (4 * out))]
            layers.append(("%s<%d>" % (kind.upper(), out), tensors))
            shape = (shape[0], out)
        elif kind == "activation":
            layers += activation(where, layer.get("activation"))
        else:
            raise Refused("%s has no ctnn layer (dense, time-distributed-dense, conv1d, gru, "
                          "lstm, activation)" % where)
    texts = ["Input<%s>" % ", ".join(str(d) for d in input_shape)] + [t for t, _ in layers]
    return texts, layers


def write(path, architecture, tensors):
    header, offset, blobs = {"__metadata__": {"ctnn.architecture": architecture,
                                              "source": "RTNeural JSON"}}, 0, []
    for name, values in tensors:
        data = struct.pack("<%df" % len(flat(values)), *flat(values))
        header[name] = {"dtype": "F32", "shape": dims(values),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-(8 + len(text)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model")
    parser.add_argument("out")
    parser.add_argument("--time", type=int)
    parser.add_argument("--test-vectors")
    args = parser.parse_args()
    with open(args.model) as f:
        model = json.load(f)
    if "layers" not in model or "in_shape" not in model:
        sys.exit("%s: not an RTNeural model file (no \"in_shape\" and \"layers\"); a PyTorch "
                 "state_dict dumped to JSON is better exported with examples/ctnn_export.py"
                 % args.model)
    io = None
    if args.test_vectors:
        with open(args.test_vectors) as f:
            io = json.load(f)
    time = args.time or (len(io["input"][0]) if io and len(model["in_shape"]) == 3 else None)
    try:
        texts, layers = convert(model, time)
    except Refused as e:
        sys.exit("%s: %s" % (args.model, e))
    tensors = [("%d.%s" % (i, suffix), values)
               for i, (_, ts) in enumerate(layers) for suffix, values in ts]
    if io:
        tensors += [("ctnn.test_input", io["input"]), ("ctnn.test_output", io["output"])]
    write(args.out, " ".join(texts), tensors)
    print("wrote %s for\n  using Net = ctnn::Network<%s>;"
          % (args.out, ", ".join("ctnn::" + t for t in texts)))


if __name__ == "__main__":
    main()
