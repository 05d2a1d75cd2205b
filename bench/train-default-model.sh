#!/usr/bin/env bash
# The bundled model's recipe, as one command: the network (85 minutes on one core), its core head (10 minutes on
# two), then the decision thresholds on both validation sets. About 105 minutes on a 2-core machine.
#
#   bash bench/train-default-model.sh [DATA] [OUT]
#
# DATA holds bbbc039/ and dsb2018/ (default ../shared/data), each with train/ and val/ (images/, labels/).
# OUT (default runs/default) receives net.zip, core.zip and the finished model, model.zip, with their logs.
# Resume an interrupted first step with: ris train --resume OUT/net.checkpoints/last.zip (same options).
set -euo pipefail
DATA=${1:-../shared/data}
OUT=${2:-runs/default}
B=$DATA/bbbc039
S=$DATA/dsb2018
RIS="java -jar target/ris.jar"
mkdir -p "$OUT"
SETS="--images $B/train/images --labels $B/train/labels --images $S/train/images --labels $S/train/labels"
VAL="--val-images $B/val/images --val-labels $B/val/labels --val-images $S/val/images --val-labels $S/val/labels"
$RIS train $SETS $VAL --output "$OUT/net.zip" --minutes 85 --validate-every 250 --threads 1 --seed 7 \
  --gradient-norm-limit 2 --min-instance-area 8 --scale-augmentation 2
$RIS train --core-head --start-from "$OUT/net.zip" $SETS $VAL --output "$OUT/core.zip" --minutes 10 --crop 128 \
  --batch 8 --validate-every 250 --threads 2 --seed 1 --constant-lr --scale-augmentation 2
$RIS tune --threads 2 --model "$OUT/core.zip" --images $B/val/images --labels $B/val/labels \
  --images $S/val/images --labels $S/val/labels --confidences 0.5,0.6,0.7 --thresholds 0.4,0.5,0.6 \
  --min-areas 15,30,60 --merge-solidities 0,0.9,0.95 --spot-areas 0,10 --spot-foregrounds 0.75 \
  --core-min-areas 0,15,30 --core-thresholds 0.2,0.3 --output "$OUT/model.zip" | tee "$OUT/tune.txt"
