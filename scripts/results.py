"""Helpers to open stitchsim outputs in pandas (run with /usr/bin/python3 on Debian).

    import sys; sys.path.insert(0, "scripts")
    from results import load_table
    requests = load_table("runs/default/results.h5", "requests")
"""
import h5py
import pandas as pd


def load_table(path, name):
    """One table of a results.h5 as a DataFrame; strings decoded, columns in written order."""
    with h5py.File(path, "r") as f:
        group = f[name]
        columns = group.attrs["columns"]
        if isinstance(columns, bytes):
            columns = columns.decode()
        data = {}
        for column in columns.split(","):
            ds = group[column]
            if h5py.check_string_dtype(ds.dtype) is not None:
                data[column] = ds.asstr()[()]
            else:
                data[column] = ds[()]
        return pd.DataFrame(data)
