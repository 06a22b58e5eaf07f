"""Helpers to open stitchsim outputs in pandas (run with /usr/bin/python3 on Debian).

    import sys; sys.path.insert(0, "scripts")
    from results import load_table
    requests = load_table("runs/default/results.h5", "requests")

String columns with few distinct values (task, variant, processors, phase, ...) are stored as
categorical: int32 codes plus their strings in the group's categories/ datasets; column() and
load_table() decode them to the same strings as before.
"""
import h5py
import numpy as np
import pandas as pd


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def column(group, name):
    """One column of a results.h5 table group as a numpy array; strings (plain or categorical) decoded.

    A categorical column holds int32 codes (attribute encoding = "categorical"); its strings are the
    dataset categories/<name> of the same group, code i naming string i.
    """
    ds = group[name]
    if _text(ds.attrs.get("encoding", "")) == "categorical":
        strings = np.asarray(group["categories"][name].asstr()[()], dtype=object)
        return strings[ds[()]]
    if h5py.check_string_dtype(ds.dtype) is not None:
        return ds.asstr()[()]
    return ds[()]


def load_table(path, name):
    """One table of a results.h5 as a DataFrame; strings decoded, columns in written order."""
    with h5py.File(path, "r") as f:
        group = f[name]
        columns = _text(group.attrs["columns"])
        return pd.DataFrame({c: column(group, c) for c in columns.split(",")})
