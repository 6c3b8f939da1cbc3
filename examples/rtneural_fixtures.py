#!/usr/bin/env python3
"""Makes real RTNeural model files with Keras and RTNeural's own exporter, and the outputs Keras
computes for test inputs: the fixtures of tests/test_safetensors.cpp.

  rtneural_fixtures.py RTNEURAL_PYTHON_DIR OUT_DIR

RTNEURAL_PYTHON_DIR: RTNeural's python/ directory (its model_utils.py save_model writes the JSON;
RTNeural is BSD-3, used from its checkout, not copied here). Needs tensorflow-cpu (Keras) and
numpy from PyPI. Writes OUT_DIR/rtneural_{dense,gru,lstm,dilated}.json (RTNeural's files),
rtneural_*_io.json (inputs and Keras's outputs) and, through rtneural_to_safetensors.py,
rtneural_*.safetensors. Models (weights and biases random normal from seed 0):
  dense  Input(4), Dense(8, tanh), Dense(8, relu), Dense(3, softmax)
         -> Network<Input<4>, Dense<8>, Tanh, Dense<8>, ReLU, Dense<3>, Softmax>
  gru    Input((None, 1)), Conv1D(4, 3, causal, tanh), GRU(8), Dense(1), 4 x 32 frames
         -> Network<Input<32, 1>, Conv1D<4, 3>, Tanh, GRU<8>, Linear<1>>
  lstm   Input((None, 1)), LSTM(8), Dense(1) (a guitar-amp model), 4 x 32 frames
         -> Network<Input<32, 1>, LSTM<8>, Linear<1>>
  dilated  Input((None, 1)), Conv1D(4, 3, causal, dilation 2, tanh), Conv1D(4, 2, causal,
         dilation 4, tanh), Dense(1), 4 x 32 frames
         -> Network<Input<32, 1>, Conv1D<4, 3, 2>, Tanh, Conv1D<4, 2, 4>, Tanh, Linear<1>>
"""
import json
import os
import subprocess
import sys

import numpy as np


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.path.insert(0, sys.argv[1])
    from tensorflow import keras
    from model_utils import save_model
    out = sys.argv[2]
    keras.utils.set_random_seed(0)
    init = dict(kernel_initializer="random_normal", bias_initializer="random_normal")
    rec = dict(init, recurrent_initializer="random_normal", return_sequences=True)
    models = {
        "dense": (keras.Sequential([keras.layers.InputLayer((4,)),
                                    keras.layers.Dense(8, activation="tanh", **init),
                                    keras.layers.Dense(8, activation="relu", **init),
                                    keras.layers.Dense(3, activation="softmax", **init)]),
                  (8, 4)),
        "gru": (keras.Sequential([keras.layers.InputLayer((None, 1)),
                                  keras.layers.Conv1D(4, 3, padding="causal", activation="tanh",
                                                      **init),
                                  keras.layers.GRU(8, **rec),
                                  keras.layers.Dense(1, **init)]), (4, 32, 1)),
        "lstm": (keras.Sequential([keras.layers.InputLayer((None, 1)),
                                   keras.layers.LSTM(8, **rec),
                                   keras.layers.Dense(1, **init)]), (4, 32, 1)),
        "dilated": (keras.Sequential([
            keras.layers.InputLayer((None, 1)),
            keras.layers.Conv1D(4, 3, padding="causal", dilation_rate=2, activation="tanh", **init),
            keras.layers.Conv1D(4, 2, padding="causal", dilation_rate=4, activation="tanh", **init),
            keras.layers.Dense(1, **init)]), (4, 32, 1)),
    }
    rng = np.random.default_rng(0)
    here = os.path.dirname(os.path.abspath(__file__))
    for name, (model, shape) in models.items():
        x = rng.uniform(-1, 1, shape).astype(np.float32)
        y = model(x).numpy()
        path = os.path.join(out, "rtneural_%s" % name)
        save_model(model, path + ".json")
        with open(path + "_io.json", "w") as f:
            json.dump({"input": x.tolist(), "output": y.tolist(),
                       "keras": keras.__version__}, f)
        subprocess.run([sys.executable, os.path.join(here, "rtneural_to_safetensors.py"),
                        path + ".json", path + ".safetensors", "--test-vectors",
                        path + "_io.json"], check=True)


if __name__ == "__main__":
    main()
