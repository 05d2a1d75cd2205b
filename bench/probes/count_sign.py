"""Signed count error per image: predicted minus annotated objects, for label images written by `ris segment`
(NAME_labels.tif) against the annotations (NAME.tif); then how many images are under, exact and over, and the mean
signed and absolute error (the latter is `ris evaluate`'s abs DiC). With MIN_AREA, annotated objects under MIN_AREA
pixels are not counted (predictions all are): the count error the smaller annotated objects leave out.

usage: /usr/bin/python3 bench/probes/count_sign.py GT_LABELS_DIR PRED_DIR [MIN_AREA]
"""
import os
import sys

import numpy as np
import tifffile


def count(path, min_area=0):
    labels = tifffile.imread(path)
    _, areas = np.unique(labels[labels > 0], return_counts=True)
    return int((areas >= min_area).sum())


if __name__ == "__main__":
    gt_dir, pred_dir = sys.argv[1], sys.argv[2]
    min_area = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    diffs = []
    for name in sorted(os.listdir(gt_dir)):
        if not name.endswith(".tif"):
            continue
        n_gt = count(os.path.join(gt_dir, name), min_area)
        n_pred = count(os.path.join(pred_dir, name[:-4] + "_labels.tif"))
        diffs.append(n_pred - n_gt)
        print(f"{name}\t{n_gt}\t{n_pred - n_gt:+d}")
    d = np.array(diffs)
    print(f"images {len(d)}: under {(d < 0).sum()}, exact {(d == 0).sum()}, over {(d > 0).sum()}; "
          f"mean signed {d.mean():+.2f}, abs {np.abs(d).mean():.2f}")
