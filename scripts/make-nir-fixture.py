#!/usr/bin/python3
"""Writes test/fixtures/nir/lif-snntorch-like.nir: Input(3) -> Affine(2x3) -> LIF(2) -> Output(2).

Where the bytes come from: the `nir` Python package cannot be pip-installed in this sandbox, so
this script repeats, with h5py (Debian python3-h5py 3.7), exactly what NIR's reference writer
does (github.com/neuromorphs/NIR, nir/serialization.py write() with NIRGraph.to_dict() /
NIRNode.to_dict() of nir/ir/graph.py and nir/ir/node.py, NIR 1.0.x):
  - f.create_dataset("version", data=nir.version, dtype=h5py.string_dtype())
  - group "node" holding the graph's to_dict(): "type" = "NIRGraph" and every string value as a
    dataset with dtype h5py.string_dtype() (variable-length UTF-8), "edges" as a plain
    create_dataset(k, data=v) of the list of (source, target) tuples, "nodes" as a group with
    one group per node;
  - numpy arrays with dtype=v.dtype and compression="gzip" (write()'s default);
  - Input/Output: to_dict() drops input_type/output_type and writes "shape" (int64);
  - empty metadata is skipped.
The network is what snnTorch's export_to_nir writes for nn.Linear(3, 2) + snn.Leaky(beta=0.9,
threshold=1) (snntorch/export_nir.py): dt = 1e-4, tau = dt / (1 - beta), r = tau / dt,
v_leak = 0, v_threshold = 1, v_reset = 0 (NIR's default), float32 parameters as PyTorch keeps them.
The weights are fixed numbers (no randomness) so the tests can hand-check the import.

Run: /usr/bin/python3 scripts/make-nir-fixture.py   (Debian python with python3-h5py; rewrites the fixture)
"""
import pathlib

import h5py
import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "test/fixtures/nir/lif-snntorch-like.nir"
NIR_VERSION = "1.0.6"  # the NIR release whose layout this follows

dt = 1e-4  # snntorch/export_nir.py
beta = np.full(2, 0.9, dtype=np.float32)
tau = (dt / (1 - beta)).astype(np.float32)
r = (tau / dt).astype(np.float32)

graph = {
    "type": "NIRGraph",
    "nodes": {
        "input": {"type": "Input", "shape": np.array([3], dtype=np.int64)},
        "fc1": {
            "type": "Affine",
            "weight": np.array([[0.5, -0.25, 1.0], [0.75, 0.5, -0.5]], dtype=np.float32),
            "bias": np.array([0.1, 0.0], dtype=np.float32),
        },
        "lif1": {
            "type": "LIF",
            "tau": tau,
            "r": r,
            "v_leak": np.zeros(2, dtype=np.float32),
            "v_threshold": np.ones(2, dtype=np.float32),
            "v_reset": np.zeros(2, dtype=np.float32),
        },
        "output": {"type": "Output", "shape": np.array([2], dtype=np.int64)},
    },
    "edges": [("input", "fc1"), ("fc1", "lif1"), ("lif1", "output")],
}


def write_recursive(group, node):
    # Same branches as nir/serialization.py write().write_recursive.
    for k, v in node.items():
        if isinstance(v, str):
            group.create_dataset(k, data=v, dtype=h5py.string_dtype())
        elif isinstance(v, np.ndarray):
            group.create_dataset(k, data=v, dtype=v.dtype, compression="gzip")
        elif isinstance(v, dict):
            write_recursive(group.create_group(str(k)), v)
        else:
            group.create_dataset(k, data=v)


OUT.parent.mkdir(parents=True, exist_ok=True)
with h5py.File(OUT, "w") as f:
    f.create_dataset("version", data=NIR_VERSION, dtype=h5py.string_dtype())
    write_recursive(f.create_group("node"), graph)
print(f"wrote {OUT}")
