#!/usr/bin/env python3
"""Three models written as PyTorch users write them, exported with ctnn_export.py: the fixtures
that tests/test_safetensors.cpp loads, and the exporter's own checks.

  user_models.py fixtures DIR   writes DIR/export_{classifier,regressor_f64,audio,dilated}.safetensors and
                                export_classifier_{f16,bf16}.safetensors (the same weights
                                narrowed; test outputs still float32's)
  user_models.py check DIR      exports the models again and compares every tensor with DIR's
                                files (1e-6), reads a file back into torch with load_into (strict),
                                and checks that export refuses, naming the module, what it cannot
                                map
  user_models.py torch-reads FILE
                                loads a file ctnn saved with the Classifier's names (ctnn::save(net,
                                bytes, inputs, names)) with load_state_dict(strict=True), the test
                                vectors left out, and compares torch's outputs with ctnn's (1e-6)
Each model is built from seed 0 by its function (usable as ctnn_export.py user_models:classifier):
  classifier     fc1 Linear(4, 16), act ReLU, drop Dropout(0.2), fc2 Linear(16, 3), out Softmax
                 -> Network<Input<4>, Dense<16>, ReLU, Dense<3>, Softmax>
  regressor_f64  nn.Sequential(Linear(3, 8), Tanh, Dropout, Linear(8, 8), Sigmoid, Linear(8, 1))
                 in float64 -> BasicNetwork<double, Input<3>, Dense<8>, Tanh, Dense<8>, Sigmoid,
                 Dense<1>>
  audio          conv CausalConv1d(1, 4, 3), act Tanh, rec GRU(4, 8, num_layers=2), out
                 Linear(8, 1) on every frame -> Network<Input<32, 1>, Conv1D<4, 3>, Tanh, GRU<8>,
                 GRU<8>, Linear<1>>
  dilated        nn.Sequential(CausalConv1d(1, 4, 2), Tanh, CausalConv1d(4, 4, 2, dilation=2), Tanh,
                 CausalConv1d(4, 4, 2, dilation=4), Tanh, Linear(4, 1)) (a small WaveNet stack)
                 -> Network<Input<64, 1>, Conv1D<4, 2>, Tanh, Conv1D<4, 2, 2>, Tanh,
                 Conv1D<4, 2, 4>, Tanh, Linear<1>>
Exit 77 (skipped) where torch is not installed.
"""
import os
import subprocess
import sys
import tempfile

try:
    import torch
except ImportError:
    print("skipped: PyTorch is not installed (Debian: apt-get install python3-torch)")
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ctnn_export  # noqa: E402


class Classifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(4, 16)
        self.act = torch.nn.ReLU()
        self.drop = torch.nn.Dropout(0.2)
        self.fc2 = torch.nn.Linear(16, 3)
        self.out = torch.nn.Softmax(dim=1)

    def forward(self, x):
        return self.out(self.fc2(self.drop(self.act(self.fc1(x)))))


class Audio(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = ctnn_export.CausalConv1d(1, 4, 3)
        self.act = torch.nn.Tanh()
        self.rec = torch.nn.GRU(4, 8, num_layers=2, batch_first=True)
        self.out = torch.nn.Linear(8, 1)

    def forward(self, x):
        return self.out(self.rec(self.act(self.conv(x)))[0])


def classifier():
    torch.manual_seed(0)
    return Classifier()


def regressor_f64():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Dropout(0.1),
                               torch.nn.Linear(8, 8), torch.nn.Sigmoid(),
                               torch.nn.Linear(8, 1)).double()


def audio():
    torch.manual_seed(0)
    return Audio()


def dilated():
    torch.manual_seed(0)
    conv = ctnn_export.CausalConv1d
    return torch.nn.Sequential(conv(1, 4, 2), torch.nn.Tanh(), conv(4, 4, 2, dilation=2),
                               torch.nn.Tanh(), conv(4, 4, 2, dilation=4), torch.nn.Tanh(),
                               torch.nn.Linear(4, 1))


MODELS = [("export_classifier", classifier, (4,), None),
          ("export_regressor_f64", regressor_f64, (3,), None),
          ("export_audio", audio, (32, 1), None),
          ("export_classifier_f16", classifier, (4,), "F16"),
          ("export_classifier_bf16", classifier, (4,), "BF16"),
          ("export_dilated", dilated, (64, 1), None)]


def write_all(directory):
    for name, make, shape, dtype in MODELS:
        t = ctnn_export.export(make(), os.path.join(directory, name + ".safetensors"), shape,
                               dtype=dtype)
        print("%s: %s" % (name, t))


class Leaky(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(2, 2)
        self.leak = torch.nn.LeakyReLU()


def refusals():
    """(model, input shape, text the refusal must contain)"""
    plain_conv = torch.nn.Sequential(torch.nn.Conv1d(1, 2, 3))
    return [(Leaky(), (2,), "module 'leak' (LeakyReLU) has no ctnn layer"),
            (plain_conv, (8, 1), "module '0' (Conv1d): nn.Conv1d pads both sides"),
            (torch.nn.Sequential(torch.nn.LSTM(1, 4)), (8, 1), "batch_first=False"),
            (torch.nn.Sequential(torch.nn.LSTM(1, 4, batch_first=True, bidirectional=True)),
             (8, 1), "bidirectional"),
            (torch.nn.Sequential(torch.nn.Linear(3, 2)), (2,), "takes 3 features, gets 2")]


def check(directory):
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        write_all(tmp)
        for name, _, _, _ in MODELS:
            new, new_meta = ctnn_export.read(os.path.join(tmp, name + ".safetensors"))
            old, old_meta = ctnn_export.read(os.path.join(directory, name + ".safetensors"))
            old_meta.pop("torch", None)
            new_meta.pop("torch", None)
            same = new.keys() == old.keys() and new_meta == old_meta and all(
                torch.allclose(new[k].double(), old[k].double(), rtol=1e-6, atol=1e-7) for k in new)
            print("%s: %s" % (name, "as committed" if same else "DIFFERS from the committed file"))
            failures += not same
        # The command line on a MODULE:FUNCTION gives the same file as the function.
        cli = os.path.join(tmp, "cli.safetensors")
        subprocess.run([sys.executable, os.path.join(HERE, "ctnn_export.py"), "user_models:audio",
                        cli, "--input-shape", "32,1"], check=True, cwd=HERE)
        same = ctnn_export.read(cli)[0].keys() == ctnn_export.read(
            os.path.join(tmp, "export_audio.safetensors"))[0].keys() and all(
            torch.equal(a, b) for a, b in zip(
                ctnn_export.read(cli)[0].values(),
                ctnn_export.read(os.path.join(tmp, "export_audio.safetensors"))[0].values()))
        print("command line user_models:audio: %s" % ("the same file" if same else "ANOTHER file"))
        failures += not same
    # Back into torch: a fresh model with other weights gets the file's, strictly.
    torch.manual_seed(1)
    m = Audio()
    ctnn_export.load_into(m, os.path.join(directory, "export_audio.safetensors"))
    tensors, _ = ctnn_export.read(os.path.join(directory, "export_audio.safetensors"))
    with torch.no_grad():
        y = m(tensors["ctnn.test_input"])
    back = torch.allclose(y, tensors["ctnn.test_output"], atol=1e-6)
    print("load_into: %s" % ("torch gives the file's test outputs" if back else "WRONG outputs"))
    failures += not back
    for model, shape, text in refusals():
        try:
            ctnn_export.export(model, os.path.join(tempfile.gettempdir(), "refused"), shape)
            print("not refused: %s" % text)
            failures += 1
        except ctnn_export.ExportError as e:
            ok = text in str(e)
            print("refused: %s" % e if ok else "refused with another reason: %s" % e)
            failures += not ok
    return 1 if failures else 0


def torch_reads(path):
    tensors, _ = ctnn_export.read(path)
    x, expected = tensors.pop("ctnn.test_input"), tensors.pop("ctnn.test_output")
    m = Classifier()
    m.load_state_dict(tensors, strict=True)  # ctnn wrote the module's own names
    m.eval()
    with torch.no_grad():
        worst = float((m(x) - expected).abs().max())
    print("torch %s read ctnn's %s strictly: %d samples, worst difference %.3g (bound 1e-6)"
          % (torch.__version__, os.path.basename(path), x.shape[0], worst))
    return 0 if worst <= 1e-6 else 1


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "fixtures":
        write_all(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2]))
    elif len(sys.argv) == 3 and sys.argv[1] == "torch-reads":
        sys.exit(torch_reads(sys.argv[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
