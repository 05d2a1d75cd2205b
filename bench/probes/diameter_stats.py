"""Per label image: instance count, median equivalent diameter and shared-outline fraction, computed as
Segmenter.medianDiameter and Segmenter.sharedOutline compute them (the object-diameter estimate's two measures).

usage: /usr/bin/python3 bench/probes/diameter_stats.py LABELS.tif ...
"""
import sys

import numpy as np
import tifffile


def stats(labels):
    a = np.bincount(labels.ravel())[1:]
    a = a[a > 0]
    if len(a) == 0:
        return 0, float("nan"), 0.0
    diameter = np.sqrt(4 * np.median(a) / np.pi)
    between = to_background = 0
    for x, y in ((labels[:, 1:], labels[:, :-1]), (labels[1:], labels[:-1])):
        differ = x != y
        both = (x > 0) & (y > 0)
        between += int((differ & both).sum())
        to_background += int((differ & ~both).sum())
    total = to_background + 2 * between
    return len(a), diameter, 0.0 if total == 0 else 2 * between / total


if __name__ == "__main__":
    for f in sys.argv[1:]:
        labels = tifffile.imread(f).astype(np.int64)
        if labels.ndim > 2:
            labels = labels[0]
        n, d, s = stats(labels)
        print(f"{f}\t{n}\tdiameter {d:.1f}\tshared {s:.3f}")
