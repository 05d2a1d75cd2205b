#!/usr/bin/python3
"""Probes of the small annotated objects that touch a nucleus (the "pieces beside a nucleus" of bench/RESULTS.md):
where a segmentation puts them, and three ways of finding them that were tried and not kept.

PRED holds NAME_labels.tif (written by `ris segment`), FG holds NAME_fg.raw (the foreground probabilities written by
bench/probes/FgDump.java), for each NAME.tif of LABELS. Objects under 50 px are "small"; predictions under 60 px are
the spots of the bundled model (its network instances have at least 60 px, its nucleus-sized fill pieces 312 px).

Needs Debian's python3-numpy, python3-scipy, python3-skimage and python3-tifffile (run with /usr/bin/python3).

  pieces.py where LABELS PRED FG      the small annotated objects that touch another one: how many a prediction
                                      covers, how many lie in foreground no instance took, how many in background
  pieces.py touching LABELS PRED FG   pieces of foreground (>= 0.5) that no instance took and that touch an instance,
                                      as extra instances: how many match an annotated object (IoU >= 0.5)
  pieces.py residues LABELS PRED      knobs cut off each prediction by a morphological opening (disk radius 3-5):
                                      how many match an annotated object
  pieces.py grow LABELS PRED FG       the spots grown by a pixel or into weaker foreground: how many match
  pieces.py rims LABELS PRED FG       every instance grown into the foreground (>= T) no instance took, by at most
                                      K pixels (a pixel to the highest label among its 4-neighbours): F1, mean F1,
                                      SBD, |DiC| (as bench/probes/postprocess.py scores them), for several T and K
"""
import glob
import os
import sys

import numpy as np
import tifffile
from scipy import ndimage as ndi
from skimage.morphology import binary_opening, disk

FOUR = ndi.generate_binary_structure(2, 1)
SMALL = 50


def images(labels_dir, pred_dir, fg_dir=None):
    for f in sorted(glob.glob(os.path.join(labels_dir, "*.tif"))):
        name = os.path.basename(f)[:-4]
        gt = tifffile.imread(f).astype(np.int32)
        pred = tifffile.imread(os.path.join(pred_dir, name + "_labels.tif")).astype(np.int32)
        fg = None
        if fg_dir:
            fg = np.fromfile(os.path.join(fg_dir, name + "_fg.raw"), "<f4").reshape(gt.shape)
        yield gt, pred, fg


def best_iou(gt, region, box=None):
    """The best IoU of a boolean region (within box, a pair of slices, or the whole image) with an annotated object."""
    sub = gt[box] if box else gt
    best = 0.0
    for label in np.unique(sub[region & (sub > 0)]):
        whole = gt == label
        inter = (whole[box] if box else whole)[region].sum()
        best = max(best, inter / (whole.sum() + region.sum() - inter))
    return best


def where(labels_dir, pred_dir, fg_dir):
    n = covered = free_fg = background = matched = 0
    for gt, pred, fg in images(labels_dir, pred_dir, fg_dir):
        ids, areas = np.unique(gt, return_counts=True)
        for label, area in zip(ids, areas):
            if label == 0 or area >= SMALL:
                continue
            m = gt == label
            if not (gt[ndi.binary_dilation(m, FOUR) & ~m] > 0).any():
                continue
            n += 1
            inside = (pred[m] > 0).mean()
            if inside > 0.5:
                covered += 1
            elif (fg[m] >= 0.5).mean() > 0.5:
                free_fg += 1
            else:
                background += 1
            if (pred[m] > 0).any():
                p = np.bincount(pred[m]).argmax()
                if p and ((pred == p) & m).sum() / ((pred == p) | m).sum() >= 0.5:
                    matched += 1
    print(f"{n} small annotated objects touch another one: {covered} mostly inside a prediction, {free_fg} mostly in "
          f"foreground no instance took, {background} mostly background; {matched} matched (IoU >= 0.5)")


def touching(labels_dir, pred_dir, fg_dir):
    rows = []
    for gt, pred, fg in images(labels_dir, pred_dir, fg_dir):
        free = (fg >= 0.5) & (pred == 0)
        comp, _ = ndi.label(free, FOUR)
        near = ndi.binary_dilation(pred > 0, FOUR)
        for j, box in enumerate(ndi.find_objects(comp), 1):
            region = comp[box] == j
            area = region.sum()
            if area < 8 or area > 150 or not (region & near[box]).any():
                continue
            rows.append((area, fg[box][region].mean(), best_iou(gt, region, box), (gt[box][region] > 0).mean()))
    r = np.array(rows)
    print("min area, min mean foreground: taken, matched (IoU >= 0.5), mostly on an annotated object")
    for amin in (8, 12, 15, 20):
        for fmin in (0.6, 0.8):
            s = (r[:, 0] >= amin) & (r[:, 1] >= fmin)
            print(f"{amin:3d} {fmin:.1f}: {s.sum():4d} {(s & (r[:, 2] >= 0.5)).sum():3d} {(s & (r[:, 3] > 0.5)).sum():4d}")


def residues(labels_dir, pred_dir):
    found = {3: [0, 0], 4: [0, 0], 5: [0, 0]}
    for gt, pred, _ in images(labels_dir, pred_dir):
        for label, box in enumerate(ndi.find_objects(pred), 1):
            if box is None:
                continue
            box = tuple(slice(max(0, s.start - 6), s.stop + 6) for s in box)
            m = pred[box] == label
            if m.sum() < 200:
                continue
            for r in found:
                knobs, k = ndi.label(m & ~binary_opening(m, disk(r)))
                for j in range(1, k + 1):
                    knob = knobs == j
                    if 8 <= knob.sum() <= 60:
                        found[r][0] += 1
                        found[r][1] += best_iou(gt, knob, box) >= 0.5
    for r, (n, good) in found.items():
        print(f"disk radius {r}: {n} knobs of 8-60 px, {good} match an annotated object")


def grow(labels_dir, pred_dir, fg_dir):
    ways = ("as they are", "4-neighbours", "8-neighbours", "into foreground >= 0.4", "into foreground >= 0.3")
    matched = dict.fromkeys(ways, 0)
    n = 0
    for gt, pred, fg in images(labels_dir, pred_dir, fg_dir):
        areas = np.bincount(pred.ravel())
        for label in np.nonzero((areas > 0) & (areas < 60))[0]:
            if label == 0:
                continue
            n += 1
            ys, xs = np.nonzero(pred == label)
            box = (slice(max(0, ys.min() - 5), ys.max() + 6), slice(max(0, xs.min() - 5), xs.max() + 6))
            m, free, f = pred[box] == label, pred[box] == 0, fg[box]
            grown = {
                ways[0]: m,
                ways[1]: m | (ndi.binary_dilation(m, FOUR) & free),
                ways[2]: m | (ndi.binary_dilation(m, np.ones((3, 3), bool)) & free),
                ways[3]: ndi.binary_propagation(m, structure=FOUR, mask=((f >= 0.4) & free) | m),
                ways[4]: ndi.binary_propagation(m, structure=FOUR, mask=((f >= 0.3) & free) | m),
            }
            for way, region in grown.items():
                matched[way] += best_iou(gt, region, box) >= 0.5
    print(f"{n} spots; matched (IoU >= 0.5): " + ", ".join(f"{w} {k}" for w, k in matched.items()))


def rims(labels_dir, pred_dir, fg_dir):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import postprocess as pp

    def grown(pred, free, steps):
        out = pred.copy()
        for _ in range(steps):
            near = np.zeros_like(out)
            for shift in ((0, 1), (0, -1), (1, 0), (-1, 0)):
                near = np.maximum(near, np.roll(out, shift, (0, 1)))
            add = (out == 0) & free & (near > 0)
            if not add.any():
                break
            out[add] = near[add]
        return out

    ways = [(0.5, 0)] + [(t, k) for t in (0.4, 0.5, 0.6) for k in (2, 4, 7, 12)] + [(0.5, 40)]
    found = {w: ([], []) for w in ways}
    for gt, pred, fg in images(labels_dir, pred_dir, fg_dir):
        gt, pred = gt.astype(np.int64), pred.astype(np.int64)
        for t, k in ways:
            out = grown(pred, fg >= t, k)
            found[(t, k)][0].append(pp.pairs(gt, out))
            found[(t, k)][1].append(pp.sbd_dic(gt, out))
    for (t, k), (matched, counts) in found.items():
        sbd, dic = np.mean(counts, 0)
        print(f"T {t:.1f} K {k:2d}: {pp.scores(matched)}  SBD {sbd:.4f}  |DiC| {dic:.2f}")


if __name__ == "__main__":
    probe, args = sys.argv[1], sys.argv[2:]
    {"where": where, "touching": touching, "residues": residues, "grow": grow, "rims": rims}[probe](*args)
