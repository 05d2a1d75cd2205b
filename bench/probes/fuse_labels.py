"""Fuses the label images of several segmentations of the same images (for instance, models trained with different
seeds) by the rule FlipFusion applies to flipped views: instances of two segmentations whose IoU exceeds 0.5 are one
object; an object is kept when at least VOTES segmentations found it; a pixel goes to the object at least half of
whose instances cover it, the one found more often where two claim it; objects under MIN_AREA pixels are dropped.
Writes NAME_labels.tif into OUT_DIR for `ris evaluate --pred OUT_DIR`.

usage: /usr/bin/python3 bench/probes/fuse_labels.py GT_LABELS_DIR OUT_DIR VOTES MIN_AREA PRED_DIR...
(GT_LABELS_DIR only names the images; PRED_DIR holds NAME_labels.tif as written by `ris segment`)
"""
import os
import sys

import numpy as np
import tifffile


def find(parent, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def fuse(views, votes, min_area):
    k = len(views)
    n = [int(v.max()) for v in views]
    if sum(n) == 0:
        return np.zeros(views[0].shape, np.uint16)
    offset = np.concatenate([[0], np.cumsum(n)]).astype(np.int64)
    area = np.zeros(offset[-1], np.int64)
    for i, v in enumerate(views):
        area[offset[i]:offset[i + 1]] = np.bincount(v.ravel(), minlength=n[i] + 1)[1:]
    parent = list(range(offset[-1]))
    for a in range(k):
        for b in range(a + 1, k):
            both = (views[a] > 0) & (views[b] > 0)
            pairs, counts = np.unique(views[a][both] * (n[b] + 1) + views[b][both], return_counts=True)
            for pair, c in zip(pairs, counts):
                ia, ib = offset[a] + pair // (n[b] + 1) - 1, offset[b] + pair % (n[b] + 1) - 1
                if c * 2 > area[ia] + area[ib] - c:
                    ra, rb = find(parent, ia), find(parent, ib)
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
    root = np.array([find(parent, i) for i in range(offset[-1])], dtype=np.int64)
    members = np.bincount(root, minlength=offset[-1])
    found_by = np.zeros(offset[-1], np.int64)
    for i in range(k):
        for j in range(offset[i], offset[i + 1]):
            found_by[root[j]] |= 1 << i
    n_found = np.array([bin(x).count("1") for x in found_by])
    candidates = np.stack([np.where(v > 0, root[np.clip(offset[i] + v - 1, 0, None)], -1) for i, v in enumerate(views)])
    owner = np.full(views[0].shape, -1)
    owner_members = np.zeros(views[0].shape, np.int64)
    for i in range(k):
        r = candidates[i]
        valid = r >= 0
        covering = sum((candidates[j] == r) & valid for j in range(k))
        rr = np.where(valid, r, 0)
        ok = valid & (n_found[rr] >= votes) & (covering * 2 >= members[rr])
        m = np.where(ok, members[rr], -1)
        better = ok & ((m > owner_members) | ((m == owner_members) & (rr < owner)))
        owner = np.where(better, rr, owner)
        owner_members = np.where(better, m, owner_members)
    ids, counts = np.unique(owner[owner >= 0], return_counts=True)
    labels = np.zeros(views[0].shape, np.uint16)
    for t, r in enumerate(ids[counts >= max(1, min_area)]):
        labels[owner == r] = t + 1
    return labels


if __name__ == "__main__":
    gt_dir, out_dir, votes, min_area = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    os.makedirs(out_dir, exist_ok=True)
    for name in sorted(os.listdir(gt_dir)):
        if not name.endswith(".tif"):
            continue
        views = [tifffile.imread(os.path.join(d, name[:-4] + "_labels.tif")).astype(np.int64) for d in sys.argv[5:]]
        tifffile.imwrite(os.path.join(out_dir, name[:-4] + "_labels.tif"), fuse(views, votes, min_area))
