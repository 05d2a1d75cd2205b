#!/usr/bin/python3
"""Probes of post-processing ideas on label images that `ris segment` or `ris bench images --labels-out` wrote.

Each probe changes the predicted label images in memory and scores them against the ground truth with the same
matching as `ris evaluate` (a pair matches at IoU > t; F1 pooled over the images; mean F1 over t = 0.5..0.9).
None of these became part of the plugin; bench/RESULTS.md says what each gave.

Needs Debian's python3-numpy, python3-scipy, python3-skimage and python3-tifffile (run with /usr/bin/python3).

  postprocess.py spots IMAGES LABELS PRED|-   small bright spots outside every prediction as extra instances
                                               ('-': stand-in predictions, the annotated objects of >= 100 px)
  postprocess.py split IMAGES LABELS PRED     split large predictions along dim seams (intensity watershed)
  postprocess.py edges IMAGES LABELS PRED     move each outline to a fraction of its nucleus' brightness
  postprocess.py shape IMAGES LABELS PRED     split concave predictions at their necks (distance-transform watershed)
  postprocess.py ceiling IMAGES LABELS PRED   |DiC| and SBD of the annotations without their small objects, and of
                                               PRED with the small annotated objects it misses added
  postprocess.py small IMAGES LABELS PRED     where the annotated objects under 150 px are (image edge, touching a
                                               nucleus, alone), how bright, and how much of them PRED covers
  postprocess.py merged IMAGES LABELS PRED    the areas of the predictions that merge annotated nuclei, against the
                                               others (relative to the median prediction of their image)

PRED holds NAME_labels.tif for each NAME.tif of IMAGES.
"""
import glob
import os
import sys

import numpy as np
import tifffile
from scipy import ndimage as ndi

FOUR = ndi.generate_binary_structure(2, 1)


def pairs(gt, pred):
    """Matched IoUs (> 0.5), number of annotated objects, number of predictions."""
    g = gt.ravel().astype(np.int64)
    p = pred.ravel().astype(np.int64)
    both = (g > 0) & (p > 0)
    key, inter = np.unique(g[both] * 1_000_000 + p[both], return_counts=True)
    ga, pa = np.bincount(g), np.bincount(p)
    gi, pi = key // 1_000_000, key % 1_000_000
    iou = inter / (ga[gi] + pa[pi] - inter)
    return iou[iou > 0.5], len(np.unique(g[g > 0])), len(np.unique(p[p > 0]))


def scores(results):
    ious = np.concatenate([r[0] for r in results])
    n = sum(r[1] for r in results) + sum(r[2] for r in results)
    f1 = [2 * (ious > t).sum() / n for t in np.arange(0.5, 0.91, 0.05)]
    return "F1@0.5 %.4f  mean F1 %.4f  matched IoU %.4f  predictions %d" % (
        f1[0], np.mean(f1), ious.mean(), sum(r[2] for r in results))


def images(folder_images, folder_labels, folder_pred):
    for f in sorted(glob.glob(os.path.join(folder_images, "*.tif"))):
        name = os.path.basename(f)[:-4]
        image = tifffile.imread(f).astype(np.float64)
        gt = tifffile.imread(os.path.join(folder_labels, name + ".tif")).astype(np.int64)
        pred = None
        if folder_pred != "-":
            pred = tifffile.imread(os.path.join(folder_pred, name + "_labels.tif")).astype(np.int64)
        yield name, image, gt, pred


def box(sl, pad, shape):
    return (slice(max(sl[0].start - pad, 0), min(sl[0].stop + pad, shape[0])),
            slice(max(sl[1].start - pad, 0), min(sl[1].stop + pad, shape[1])))


def spots(args):
    """Components of the smoothed image above background + k noise sigmas, 8-150 px, 2 px clear of every
    prediction, cut at half their peak; kept if at least AREA px and their peak is at least RATIO times the
    median brightness of the predictions (both above background)."""
    grid = [(k, a, r) for k in (8, 12) for a in (8, 12, 15, 20) for r in (0, 0.4, 0.5, 0.6)]
    found = {g: [0, 0] for g in grid}
    base, extra = [], {g: [] for g in grid}
    for name, image, gt, pred in images(*args):
        ids, areas = np.unique(gt[gt > 0], return_counts=True)
        cover = np.isin(gt, ids[areas >= 100]) if pred is None else pred > 0
        labels = np.where(cover, gt, 0) if pred is None else pred
        base.append(pairs(gt, labels))
        clear = ~ndi.binary_dilation(cover, iterations=2)
        far = image[~ndi.binary_dilation(cover, iterations=4)]
        bg = np.median(far)
        sigma = max(1.4826 * np.median(np.abs(far - bg)), 1.0)
        nucleus = np.median(image[cover]) - bg if cover.any() else 30 * sigma
        smooth = ndi.gaussian_filter(image, 1.0)
        for k in sorted({g[0] for g in grid}):
            comp, _ = ndi.label(smooth > bg + k * sigma)
            cands = []
            for i, sl in enumerate(ndi.find_objects(comp), 1):
                inside = comp[sl] == i
                if not clear[sl][inside].all() or not 8 <= inside.sum() <= 150:
                    continue
                b = box(sl, 3, image.shape)
                sub, mine = smooth[b], comp[b] == i
                peak = sub[mine].max()
                cut, _ = ndi.label((sub > bg + 0.5 * (peak - bg)) & mine)
                py, px = np.unravel_index(np.argmax(np.where(mine, sub, -np.inf)), sub.shape)
                spot = np.zeros(image.shape, bool)
                spot[b] = cut == cut[py, px]
                cands.append((spot, spot.sum(), (peak - bg) / nucleus))
            for g in grid:
                if g[0] != k:
                    continue
                out = labels.copy()
                nxt = out.max() + 1
                for spot, area, ratio in cands:
                    if area >= g[1] and ratio >= g[2]:
                        out[spot] = nxt
                        nxt += 1
                        hit = gt[spot]
                        hit = hit[hit > 0]
                        good = False
                        if len(hit):
                            v, c = np.unique(hit, return_counts=True)
                            j = v[np.argmax(c)]
                            good = c.max() / (area + (gt == j).sum() - c.max()) > 0.5
                        found[g][0 if good else 1] += 1
                extra[g].append(pairs(gt, out))
    print("as they are:", scores(base))
    for g in grid:
        print("k %2d, area >= %2d, peak ratio >= %.1f: %4d right, %4d wrong; %s" % (g + tuple(found[g]) + (scores(extra[g]),)))


def split_at_maxima(out, sl, mine, v, h, min_area, nxt):
    """Splits the object `mine` (inside `out[sl]`) by a watershed of -v from its h-maxima, unless that gives fewer
    than 2 parts or a part below min_area; new parts get labels nxt, nxt + 1, ... Returns (next free label, 1 if split)."""
    from skimage.morphology import h_maxima
    from skimage.segmentation import watershed
    seeds, n = ndi.label(h_maxima(v, h) & mine)
    if n < 2:
        return nxt, 0
    parts = watershed(-v, seeds, mask=mine)
    if (np.bincount(parts.ravel())[1:] < min_area).any():
        return nxt, 0
    sub = out[sl]
    for j in range(2, n + 1):
        sub[parts == j] = nxt
        nxt += 1
    return nxt, 1


def split(args):
    """Predictions of at least A times the image's median area are split by a watershed of the smoothed image
    (sigma S) from its h-maxima (H, as a fraction of the instance's range); no part below 0.3 median areas."""
    grid = [(a, s, h) for a in (1.2, 1.5) for s in (1.5, 2.5) for h in (0.05, 0.1, 0.2)]
    base, res, count = [], {g: [] for g in grid}, {g: 0 for g in grid}
    for name, image, gt, pred in images(*args):
        base.append(pairs(gt, pred))
        area = np.bincount(pred.ravel())
        sizes = area[1:][area[1:] > 0]
        median = np.median(sizes) if len(sizes) else np.inf  # an image without predictions: nothing to split
        objs = ndi.find_objects(pred)
        for s in (1.5, 2.5):
            smooth = ndi.gaussian_filter(image, s)
            for g in [g for g in grid if g[1] == s]:
                out = pred.copy()
                nxt = out.max() + 1
                for l, sl in enumerate(objs, 1):
                    if sl is None or area[l] < g[0] * median:
                        continue
                    mine = pred[sl] == l
                    v = smooth[sl]
                    lo, hi = v[mine].min(), v[mine].max()
                    v = np.where(mine, (v - lo) / (hi - lo + 1e-9), 0)
                    nxt, split = split_at_maxima(out, sl, mine, v, g[2], 0.3 * median, nxt)
                    count[g] += split
                res[g].append(pairs(gt, out))
    print("as they are:", scores(base))
    for g in grid:
        print("area >= %.1f x median, sigma %.1f, h %.2f: %4d split; %s" % (g + (count[g], scores(res[g]))))


def edges(args):
    """Each outline moves, within R = 2 px of where it was, to background + ALPHA x (median of the instance's core
    - background); the core is the instance eroded R times."""
    alphas, r = (0.3, 0.4, 0.5), 2
    base, res = [], {a: [] for a in alphas}
    for name, image, gt, pred in images(*args):
        image = ndi.gaussian_filter(image, 0.7)
        base.append(pairs(gt, pred))
        far = ~ndi.binary_dilation(pred > 0, iterations=4)
        bg = np.median(image[far]) if far.any() else np.percentile(image, 5)
        objs = ndi.find_objects(pred)
        for a in alphas:
            out = np.zeros_like(pred)
            for l, sl in enumerate(objs, 1):
                if sl is None:
                    continue
                b = box(sl, r + 1, image.shape)
                mine = pred[b] == l
                core = ndi.binary_erosion(mine, FOUR, iterations=r)
                if core.sum() < 5:
                    out[b][mine & (out[b] == 0)] = l
                    continue
                t = bg + a * (np.median(image[b][core]) - bg)
                zone = ndi.binary_dilation(mine, FOUR, iterations=r) & ((pred[b] == 0) | mine)
                new = core | (zone & (image[b] > t))
                comp, n = ndi.label(new, FOUR)
                if n > 1:
                    keep = np.unique(comp[core])
                    new = np.isin(comp, keep[keep > 0])
                new = ndi.binary_fill_holes(new)
                o = out[b]
                o[new & (o == 0)] = l
            res[a].append(pairs(gt, out))
    print("as they are:", scores(base))
    for a in alphas:
        print("outline at %.1f of the core's brightness: %s" % (a, scores(res[a])))


def shape(args):
    """Predictions whose solidity (area / convex hull area) is below SOL and whose area is at least 0.5 median areas
    are split by a watershed of their distance transform from its h-maxima (H px); every part must keep at least
    0.25 median areas. First prints how solid the merged predictions (covering half of two annotated nuclei) are
    against the others."""
    from skimage.measure import regionprops
    grid = [(sol, h) for sol in (0.8, 0.85, 0.88, 0.9) for h in (0.5, 1.0, 1.5, 2.5)]
    base, res, count = [], {g: [] for g in grid}, {g: 0 for g in grid}
    merged_sol, other_sol = [], []
    for name, image, gt, pred in images(*args):
        base.append(pairs(gt, pred))
        area = np.bincount(pred.ravel())
        sizes = area[1:][area[1:] > 0]
        median = np.median(sizes) if len(sizes) else np.inf
        gta = np.bincount(gt.ravel())
        props = [r for r in regionprops(pred) if r.area >= 0.5 * median]
        cand = []
        for r in props:
            sl = r.slice
            mine = pred[sl] == r.label
            hit = gt[sl][mine]
            v, c = np.unique(hit[hit > 0], return_counts=True)
            covered = (c >= 0.5 * gta[v]).sum() if len(v) else 0
            (merged_sol if covered >= 2 else other_sol).append(r.solidity)
            dist = ndi.distance_transform_edt(np.pad(mine, 1))[1:-1, 1:-1]
            cand.append((r, sl, mine, dist))
        for g in grid:
            out = pred.copy()
            nxt = out.max() + 1
            for r, sl, mine, dist in cand:
                if r.solidity >= g[0]:
                    continue
                nxt, split = split_at_maxima(out, sl, mine, dist, g[1], 0.25 * median, nxt)
                count[g] += split
            res[g].append(pairs(gt, out))
    ms, os_ = np.array(merged_sol), np.array(other_sol)
    for t in (0.8, 0.85, 0.88, 0.9, 0.92):
        print("solidity < %.2f: %4d of %4d merged predictions, %4d of %4d others" % (t, (ms < t).sum(), len(ms), (os_ < t).sum(), len(os_)))
    print("as they are:", scores(base))
    for g in grid:
        print("solidity < %.2f, h %.1f px: %4d split; %s" % (g + (count[g], scores(res[g]))))


def bestdice(a, b):
    """Mean over the objects of a of their best Dice with an object of b (BestDice(a, b)); 0 if b is empty."""
    ia = np.unique(a[a > 0])
    if len(ia) == 0:
        return None
    both = (a > 0) & (b > 0)
    key, inter = np.unique(a[both].astype(np.int64) * 1_000_000 + b[both], return_counts=True)
    aa, ba = np.bincount(a.ravel()), np.bincount(b.ravel())
    ai, bi = key // 1_000_000, key % 1_000_000
    dice = 2 * inter / (aa[ai] + ba[bi])
    best = np.zeros(aa.shape[0])
    np.maximum.at(best, ai, dice)
    return best[ia].mean()


def sbd_dic(gt, pred):
    g, p = bestdice(gt, pred), bestdice(pred, gt)
    sbd = 1.0 if g is None and p is None else 0.0 if g is None or p is None else min(g, p)
    return sbd, abs(len(np.unique(pred[pred > 0])) - len(np.unique(gt[gt > 0])))


def ceiling(args):
    """What the small annotated objects cost |DiC| and SBD: the annotations themselves without their objects below
    K px (a perfect segmenter that misses only those), and PRED with every annotated object below K px that no
    prediction touches added as a perfect instance."""
    ks = (20, 50, 100, 150)
    oracle, added, base, nsmall = {k: [] for k in ks}, {k: [] for k in ks}, [], {k: 0 for k in ks}
    for name, image, gt, pred in images(*args):
        area = np.bincount(gt.ravel())
        base.append(sbd_dic(gt, pred))
        for k in ks:
            small = (area < k) & (area > 0)
            small[0] = False
            nsmall[k] += int(small.sum())
            oracle[k].append(sbd_dic(gt, np.where(small[gt], 0, gt)))
            out = pred.copy()
            nxt = out.max() + 1
            touched = np.unique(gt[(pred > 0) & (gt > 0)])
            for l in np.flatnonzero(small):
                if l not in touched:
                    out[gt == l] = nxt
                    nxt += 1
            added[k].append(sbd_dic(gt, out))
    m = lambda r: "SBD %.4f  abs DiC %.2f" % tuple(np.mean(np.array(r), axis=0))
    print("PRED as it is:", m(base))
    for k in ks:
        print("objects below %3d px: %4d; annotations without them: %s;  PRED with the untouched ones added: %s" % (
            k, nsmall[k], m(oracle[k]), m(added[k])))


def small(args):
    rows = []  # area, on the image's edge, touching another object, alone, relative brightness, covered, matched
    for name, image, gt, pred in images(*args):
        if not gt.any():
            continue
        h, w = gt.shape
        back, fore = np.median(image[gt == 0]), np.median(image[gt > 0])
        ga, pa = np.bincount(gt.ravel()), np.bincount(pred.ravel())
        for i, sl in enumerate(ndi.find_objects(gt), start=1):
            if sl is None or ga[i] >= 150:
                continue
            win = box(sl, 1, gt.shape)
            mine = gt[win] == i
            edge = sl[0].start == 0 or sl[1].start == 0 or sl[0].stop == h or sl[1].stop == w
            ring = ndi.binary_dilation(mine, FOUR) & ~mine
            touch = bool(np.any(gt[win][ring] > 0))
            p = pred[win][mine]
            ids, inter = np.unique(p[p > 0], return_counts=True)
            iou = (inter / (ga[i] + pa[ids] - inter)).max() if len(ids) else 0.0
            rows.append((ga[i], edge, touch, not edge and not touch, (image[win][mine].mean() - back) / (fore - back),
                         (p > 0).mean(), iou > 0.5))
    r = np.array(rows, dtype=np.float64)
    for lo, hi in ((0, 20), (20, 50), (50, 100), (100, 150)):
        s = (r[:, 0] >= lo) & (r[:, 0] < hi)
        alone = s & (r[:, 3] > 0)
        print("%3d-%3d px: %3d objects, %3d on the image's edge (%3d matched), %3d touching a nucleus (%3d matched), "
              "%3d alone (%3d matched; brightness %.2f of the way from background to nuclei, median; "
              "%.2f of their pixels covered by a prediction, mean)" % (
                  lo, hi, s.sum(), (s & (r[:, 1] > 0)).sum(), (s & (r[:, 1] > 0) & (r[:, 6] > 0)).sum(),
                  (s & (r[:, 2] > 0)).sum(), (s & (r[:, 2] > 0) & (r[:, 6] > 0)).sum(), alone.sum(),
                  (alone & (r[:, 6] > 0)).sum(), np.median(r[alone, 4]) if alone.any() else np.nan,
                  r[alone, 5].mean() if alone.any() else np.nan))


def merged(args):
    merging, others = [], []
    for name, image, gt, pred in images(*args):
        pa = np.bincount(pred.ravel())
        ids = np.nonzero(pa)[0]
        ids = ids[ids > 0]
        if len(ids) == 0:
            continue
        median = np.median(pa[ids])
        ga = np.bincount(gt.ravel())
        for j, sl in enumerate(ndi.find_objects(pred), start=1):
            if sl is None:
                continue
            g = gt[sl][pred[sl] == j]
            inside = np.bincount(g[g > 0], minlength=len(ga))
            # an annotated nucleus is taken by this prediction when more than half of it lies inside
            (merging if (inside > 0.5 * ga).sum() >= 2 else others).append(pa[j] / median)
    m, o = np.array(merging), np.array(others)
    print("%d predictions merge two or more annotated nuclei, %d others" % (len(m), len(o)))
    for t in (1.2, 1.4, 1.6, 1.8, 2.0):
        print("larger than %.1f times the median prediction: %3d merging, %4d others" % (t, (m > t).sum(), (o > t).sum()))


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] not in ("spots", "split", "edges", "shape", "ceiling", "small", "merged"):
        sys.exit(__doc__)
    globals()[sys.argv[1]](sys.argv[2:])
