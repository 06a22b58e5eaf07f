#!/usr/bin/python3
"""Trains the small real model of the live backend and exports it for `stitchsim profile run`.

Dataset: scikit-learn's bundled digits (8x8 handwritten digits, 1797 samples; Debian package
python3-sklearn, no download). Model: an MLP 64-128-64-128-64-128-10 with ReLU, trained with
scikit-learn's MLPClassifier (Adam), seeded, so a rerun gives the same file on the same
scikit-learn version. The backend groups it into three blocks (64->128->64, 64->128->64,
64->128->10), one per subgraph; structured pruning removes units of the 128-wide layers inside
each block, so every variant keeps the 64-wide block boundaries and can be stitched.

Output (JSON): weights as [out][in] rows, a calibration set (training images, for int8 scales)
and the held-out test set with labels, images as integer pixel values 0..16 with
input_scale = 1/16.

Run: /usr/bin/python3 scripts/train_digits_mlp.py experiments/live/data/digits_mlp.json
"""
import json
import sys

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
import sklearn

HIDDEN = (128, 64, 128, 64, 128)
SEED = 0


def main(out_path):
    digits = load_digits()
    x = digits.data.astype(np.float64)  # pixel values 0..16
    y = digits.target
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, stratify=y, random_state=SEED)
    clf = MLPClassifier(hidden_layer_sizes=HIDDEN, activation="relu", alpha=1e-4, max_iter=600,
                        random_state=SEED, tol=1e-6, n_iter_no_change=30)
    clf.fit(x_train / 16.0, y_train)
    accuracy = float(clf.score(x_test / 16.0, y_test))

    def layer(i):
        return {"w": np.round(clf.coefs_[i].T.astype(np.float64), 7).tolist(),
                "b": np.round(clf.intercepts_[i].astype(np.float64), 7).tolist()}

    blocks = [{"fc1": layer(0), "fc2": layer(1), "relu_out": True},
              {"fc1": layer(2), "fc2": layer(3), "relu_out": True},
              {"fc1": layer(4), "fc2": layer(5), "relu_out": False}]
    doc = {
        "format": "stitchsim-trained-mlp",
        "version": 1,
        "source": f"scikit-learn {sklearn.__version__} digits; MLPClassifier{HIDDEN}, random_state={SEED}; "
                  f"train/test split 80/20 stratified, random_state={SEED}",
        "input_scale": 1.0 / 16.0,
        "trained_accuracy": accuracy,
        "blocks": blocks,
        "calibration": {"inputs": x_train[:128].astype(int).tolist(), "labels": y_train[:128].tolist()},
        "test": {"inputs": x_test.astype(int).tolist(), "labels": y_test.tolist()},
    }
    with open(out_path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"test accuracy {accuracy:.4f} on {len(y_test)} samples; wrote {out_path}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: train_digits_mlp.py OUT.json")
    main(sys.argv[1])
