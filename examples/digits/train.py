#!/usr/bin/python3
"""Trains a small CNN on the 8x8 handwritten digits that python3-sklearn ships
(sklearn.datasets.load_digits: 1797 images, UCI), with PyTorch, and saves it as a
Keras 2 model (model.json + weights.h5) plus the test set and PyTorch's own test
accuracy on the same weights (expected.json), which kconv's AOT binary must match.

  sudo apt-get install python3-sklearn python3-torch python3-h5py
  /usr/bin/python3 examples/digits/train.py
"""
import json
import os
import sys

import numpy as np
import torch
from sklearn.datasets import load_digits

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "scripts"))
import keras_writer  # noqa: E402

EPSILON = 1e-3  # BatchNormalization epsilon (Keras's default), used in training too


class DigitsNet(torch.nn.Module):
    """Conv(16) ReLU, Conv(32, no bias) BN ReLU, MaxPool, Flatten (NHWC order),
    Dropout, Dense(64) ReLU, Dense(10) softmax: the Keras model written below."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(16, 32, 3, padding=1, bias=False)
        self.bn = torch.nn.BatchNorm2d(32, eps=EPSILON)
        self.fc1 = torch.nn.Linear(4 * 4 * 32, 64)
        self.fc2 = torch.nn.Linear(64, 10)
        self.dropout = torch.nn.Dropout(0.25)

    def forward(self, x):  # x: NHWC, as the Keras model takes it
        x = x.permute(0, 3, 1, 2)
        x = torch.relu(self.conv1(x))
        x = torch.relu(self.bn(self.conv2(x)))
        x = torch.nn.functional.max_pool2d(x, 2)
        x = x.permute(0, 2, 3, 1).flatten(1)  # Keras flattens channels_last
        x = torch.relu(self.fc1(self.dropout(x)))
        return self.fc2(x)  # logits; softmax in the Keras model


def keras_model_json():
    conv = keras_writer.conv2d_config
    layers = [
        ("Conv2D", conv("conv1", 16, (3, 3), padding="same", activation="relu")),
        ("Conv2D", conv("conv2", 32, (3, 3), padding="same", use_bias=False)),
        ("BatchNormalization", {"name": "bn", "trainable": True, "dtype": "float32", "axis": -1,
                                "momentum": 0.9, "epsilon": EPSILON, "center": True,
                                "scale": True}),
        ("ReLU", {"name": "relu", "trainable": True, "dtype": "float32", "max_value": None,
                  "negative_slope": 0.0, "threshold": 0.0}),
        ("MaxPooling2D", {"name": "pool", "trainable": True, "dtype": "float32",
                          "pool_size": [2, 2], "strides": [2, 2], "padding": "valid",
                          "data_format": "channels_last"}),
        ("Flatten", {"name": "flatten", "trainable": True, "dtype": "float32",
                     "data_format": "channels_last"}),
        ("Dropout", {"name": "dropout", "trainable": True, "dtype": "float32", "rate": 0.25}),
        ("Dense", {"name": "fc1", "trainable": True, "dtype": "float32", "units": 64,
                   "activation": "relu", "use_bias": True}),
        ("Dense", {"name": "fc2", "trainable": True, "dtype": "float32", "units": 10,
                   "activation": "softmax", "use_bias": True}),
    ]
    return keras_writer.sequential_json(layers, (8, 8, 1), name="digits")


def keras_weights(net):
    t = lambda p: p.detach().numpy().astype(np.float32)
    conv_kernel = lambda w: t(w).transpose(2, 3, 1, 0)  # (O, I, KH, KW) -> (KH, KW, I, O)
    return [
        ("conv1", [("kernel", conv_kernel(net.conv1.weight)), ("bias", t(net.conv1.bias))]),
        ("conv2", [("kernel", conv_kernel(net.conv2.weight))]),
        ("bn", [("gamma", t(net.bn.weight)), ("beta", t(net.bn.bias)),
                ("moving_mean", t(net.bn.running_mean)),
                ("moving_variance", t(net.bn.running_var))]),
        ("fc1", [("kernel", t(net.fc1.weight).T.copy()), ("bias", t(net.fc1.bias))]),
        ("fc2", [("kernel", t(net.fc2.weight).T.copy()), ("bias", t(net.fc2.bias))]),
    ]


def main():
    torch.manual_seed(0)
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[..., None]  # (1797, 8, 8, 1)
    labels = digits.target.astype(np.int64)
    order = np.random.default_rng(0).permutation(len(labels))
    test, train = order[:360], order[360:]
    x_train, y_train = torch.from_numpy(images[train]), torch.from_numpy(labels[train])
    net = DigitsNet()
    optimizer = torch.optim.Adam(net.parameters(), lr=3e-3)
    for epoch in range(40):
        net.train()
        perm = torch.randperm(len(train))
        for i in range(0, len(train), 64):
            batch = perm[i:i + 64]
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(x_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
    net.eval()
    with torch.no_grad():
        probabilities = torch.softmax(net(torch.from_numpy(images[test])), dim=1).numpy()
    predictions = probabilities.argmax(axis=1)
    accuracy = float((predictions == labels[test]).mean())
    print(f"PyTorch test accuracy: {accuracy:.4f} ({int((predictions == labels[test]).sum())}"
          f"/{len(test)})")

    with open(os.path.join(here, "model.json"), "w") as f:
        f.write(keras_model_json())
    keras_writer.save_weights_h5(os.path.join(here, "weights.h5"), keras_weights(net))
    np.save(os.path.join(here, "x_test.npy"), images[test])
    np.save(os.path.join(here, "labels_test.npy"), labels[test].astype(np.float32))
    np.save(os.path.join(here, "probabilities_pytorch.npy"), probabilities.astype(np.float32))
    with open(os.path.join(here, "expected.json"), "w") as f:
        json.dump({"framework": f"PyTorch {torch.__version__}", "test_images": len(test),
                   "accuracy": accuracy,
                   "correct": int((predictions == labels[test]).sum())}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
