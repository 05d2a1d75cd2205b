"""Annotated nuclei matched (IoU > 0.5) in one segmentation and not in another, with their area, the IoU before and
the best IoU after: what a post-processing step such as the dense CRF loses and gains.

usage: /usr/bin/python3 bench/probes/crf_lost.py GT_DIR BEFORE_DIR AFTER_DIR
(BEFORE_DIR and AFTER_DIR hold NAME_labels.tif as `ris segment` writes them; GT_DIR holds NAME.tif)
"""
import glob
import os
import sys

import numpy as np
import tifffile


def ious(gt, pred):
    both = (gt > 0) & (pred > 0)
    pairs, counts = np.unique(np.stack([gt[both], pred[both]], 1), axis=0, return_counts=True)
    area_gt, area_pred = np.bincount(gt.ravel()), np.bincount(pred.ravel())
    return {(int(i), int(j)): n / (area_gt[i] + area_pred[j] - n) for (i, j), n in zip(pairs, counts)}, area_gt, area_pred


def matched(pairs):
    return {i: (j, v) for (i, j), v in pairs.items() if v > 0.5}


def main(gt_dir, before_dir, after_dir):
    lost, gained = [], []
    for after_file in sorted(glob.glob(os.path.join(after_dir, "*_labels.tif"))):
        name = os.path.basename(after_file).replace("_labels", "")
        gt = tifffile.imread(os.path.join(gt_dir, name)).astype(np.int64)
        before = tifffile.imread(os.path.join(before_dir, os.path.basename(after_file))).astype(np.int64)
        after = tifffile.imread(after_file).astype(np.int64)
        pairs_before, area_gt, area_before = ious(gt, before)
        pairs_after, _, _ = ious(gt, after)
        m_before, m_after = matched(pairs_before), matched(pairs_after)
        for i, (j, v) in m_before.items():
            if i not in m_after:
                best = max([v2 for (g, _), v2 in pairs_after.items() if g == i], default=0)
                lost.append((name, i, int(area_gt[i]), round(v, 3), round(best, 3), int(area_before[j])))
        gained += [(name, i, int(area_gt[i])) for i in m_after if i not in m_before]
    print("lost (image, label, area, IoU before, best IoU after, predicted area before):", len(lost))
    for row in lost:
        print(*row, sep="\t")
    print("gained (image, label, area):", len(gained))
    for row in gained:
        print(*row, sep="\t")


if __name__ == "__main__":
    main(*sys.argv[1:4])
