"""Per label image: instance count, median equivalent diameter and shared-outline fraction, computed as
Segmenter.medianDiameter and Segmenter.sharedOutline compute them (the object-diameter estimate's two measures);
then the shared-outline fraction pooled over all the images, as training records it (InstanceSizes.sharedOutline).

usage: /usr/bin/python3 bench/probes/diameter_stats.py LABELS.tif ...
"""
import sys

import numpy as np
import tifffile


def edges(labels):
    """Outline edges (4-connected, inside the image): between an object and background, between two objects."""
    between = to_background = 0
    for x, y in ((labels[:, 1:], labels[:, :-1]), (labels[1:], labels[:-1])):
        differ = x != y
        both = (x > 0) & (y > 0)
        between += int((differ & both).sum())
        to_background += int((differ & ~both).sum())
    return to_background, between


def fraction(to_background, between):
    total = to_background + 2 * between
    return 0.0 if total == 0 else 2 * between / total


def stats(labels):
    a = np.bincount(labels.ravel())[1:]
    a = a[a > 0]
    if len(a) == 0:
        return 0, float("nan"), 0.0
    diameter = np.sqrt(4 * np.median(a) / np.pi)
    return len(a), diameter, fraction(*edges(labels))


if __name__ == "__main__":
    pooled = [0, 0]
    for f in sys.argv[1:]:
        labels = tifffile.imread(f).astype(np.int64)
        if labels.ndim > 2:
            labels = labels[0]
        n, d, s = stats(labels)
        print(f"{f}\t{n}\tdiameter {d:.1f}\tshared {s:.3f}")
        e = edges(labels)
        pooled = [pooled[0] + e[0], pooled[1] + e[1]]
    print(f"pooled over {len(sys.argv) - 1} images: shared {fraction(*pooled):.3f}")
