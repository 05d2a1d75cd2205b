#!/usr/bin/env bash
# The bundled model's recipe, as one command: the network (180 minutes on one core), its core head (8 minutes on
# two), then the decision thresholds on both validation sets (about 40 minutes). About 230 minutes on a 2-core
# machine from scratch; with the committed network, about 50:
#
#   NET=bench/checkpoints/versatile/last.zip bash bench/train-default-model.sh [DATA] [OUT]
#
# NET: a trained network to start from instead of training one (the bundled model's is committed as
# bench/checkpoints/versatile/last.zip, with its log.csv: 43,033 iterations, 180 minutes).
# DATA holds bbbc039/ and dsb2018/ (default ../shared/data), each with train/ and val/ (images/, labels/).
# OUT (default runs/default) receives net.zip, core.zip and the finished model, model.zip, with their logs.
# Resume an interrupted first step with: ris train --resume OUT/net.checkpoints/last.zip (same options); the
# bundled network was trained in two sittings this way (85 minutes, then resumed to 180).
set -euo pipefail
DATA=${1:-../shared/data}
OUT=${2:-runs/default}
B=$DATA/bbbc039
S=$DATA/dsb2018
RIS="java -jar target/ris.jar"
mkdir -p "$OUT"
SETS="--images $B/train/images --labels $B/train/labels --images $S/train/images --labels $S/train/labels"
VAL="--val-images $B/val/images --val-labels $B/val/labels --val-images $S/val/images --val-labels $S/val/labels"
if [ -n "${NET:-}" ]; then
  cp "$NET" "$OUT/net.zip"
else
  $RIS train $SETS $VAL --output "$OUT/net.zip" --minutes 180 --validate-every 250 --threads 1 --seed 7 \
    --gradient-norm-limit 2 --min-instance-area 8 --scale-augmentation 2
fi
$RIS train --core-head --start-from "$OUT/net.zip" $SETS $VAL --output "$OUT/core.zip" --minutes 8 --crop 128 \
  --batch 8 --validate-every 250 --threads 2 --seed 1 --constant-lr --scale-augmentation 2
$RIS tune --threads 2 --model "$OUT/core.zip" --images $B/val/images --labels $B/val/labels \
  --images $S/val/images --labels $S/val/labels --confidences 0.5,0.6,0.7 --thresholds 0.4,0.5,0.6 \
  --min-areas 15,30,60 --merge-solidities 0,0.9,0.95 --spot-areas 0,10 --spot-foregrounds 0.75 \
  --core-min-areas 0,15,30 --core-thresholds 0.2,0.3 --output "$OUT/model.zip" | tee "$OUT/tune.txt"
