#!/usr/bin/env bash
# How many corrected images and minutes of fine-tuning it takes to gain what, on one kind of image: the bundled
# model is fine-tuned (ris train --start-from bundled) on the first N images of a list of "corrections" (their
# ground truth stands for the user's corrected ROIs) for M minutes, then segments the images of that kind that are
# not in the list and is scored against their ground truth. One table row per (N, M), and one for the bundled model.
#
#   bash bench/finetune-recipe.sh KIND CORRECTIONS [OUT]
#
# KIND         a folder of one kind of image with images/ and labels/ (same file names), e.g. the val images of
#              the kind the default model does worst on
# CORRECTIONS  a text file naming the correction images of KIND/images, one file name per line, in the order
#              they are used (at least the largest N); every other image of KIND is scored, the same ones in every
#              row, so that the rows compare
# OUT          where models, predictions and scores go (default runs/finetune-recipe); the table is OUT/table.md
#
# Environment: NS (default "1 2 5"), MINUTES (default "5 10 20"), THREADS (default 2), SEED (default 1),
# TRAIN_ARGS (more options for ris train), RIS (default "java -jar target/ris.jar"), and ITERATIONS: when set,
# every run trains for that many iterations instead of M minutes (a quick check of the script; the minutes column
# then only names the run). About 3 x (5 + 10 + 20) = 105 minutes of training with the defaults, plus segmenting.
set -euo pipefail
if [ $# -lt 2 ]; then sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2; fi
KIND=$(cd "$1" && pwd)
CORRECTIONS=$2
OUT=${3:-runs/finetune-recipe}
NS=${NS:-1 2 5}
MINUTES=${MINUTES:-5 10 20}
THREADS=${THREADS:-2}
SEED=${SEED:-1}
TRAIN_ARGS=${TRAIN_ARGS:-}
RIS=${RIS:-java -jar target/ris.jar}
ITERATIONS=${ITERATIONS:-}

[ -d "$KIND/images" ] && [ -d "$KIND/labels" ] || { echo "$KIND must hold images/ and labels/." >&2; exit 2; }
[ -f "$CORRECTIONS" ] || { echo "The list of corrections $CORRECTIONS does not exist." >&2; exit 2; }
mapfile -t CORR < <(grep -v '^[[:space:]]*$' "$CORRECTIONS")
MAXN=0
for n in $NS; do [ "$n" -gt "$MAXN" ] && MAXN=$n; done
[ "${#CORR[@]}" -ge "$MAXN" ] || { echo "$CORRECTIONS names ${#CORR[@]} images, but N goes up to $MAXN." >&2; exit 2; }
for f in "${CORR[@]}"; do
  [ -f "$KIND/images/$f" ] && [ -f "$KIND/labels/$f" ] || { echo "The correction $f is not in both $KIND/images and $KIND/labels." >&2; exit 2; }
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# the scored images: every image of the kind that is not a correction
rm -rf "$OUT/scored" && mkdir -p "$OUT/scored/images" "$OUT/scored/labels"
for p in "$KIND"/images/*; do
  f=$(basename "$p")
  printf '%s\n' "${CORR[@]}" | grep -qxF "$f" && continue
  ln -s "$p" "$OUT/scored/images/$f"
  ln -s "$KIND/labels/$f" "$OUT/scored/labels/$f"
done
SCORED=$(ls "$OUT/scored/images" | wc -l)
[ "$SCORED" -gt 0 ] || { echo "Every image of $KIND is a correction: nothing is left to score." >&2; exit 2; }

# segment the scored images with a model and print "F1@0.5 | mean F1 | SBD | |DiC|"
score() {
  local model=$1 dir=$2
  rm -rf "$dir/pred"
  $RIS segment --threads "$THREADS" ${model:+--model "$model"} --output "$dir/pred" "$OUT/scored/images" > "$dir/segment.txt"
  $RIS evaluate --pred "$dir/pred" --gt "$OUT/scored/labels" --json "$dir/scores.json" > "$dir/evaluate.txt"
  awk '$1 == "0.50" { f1 = $7 } $1 == "mean_f1" { m = $2 } $1 == "sbd" { s = $2 } $1 == "abs_dic" { d = $2 }
       END { printf "%.3f | %.3f | %.3f | %.2f", f1, m, s, d }' "$dir/evaluate.txt"
}

TABLE=$OUT/table.md
{
  echo "Kind: $KIND; scored on its $SCORED images that are not corrections; corrections from $CORRECTIONS; $THREADS threads."
  echo
  echo "| corrected images | minutes | iterations | F1@0.5 | mean F1 | SBD | \|DiC\| |"
  echo "|---|---|---|---|---|---|---|"
} > "$TABLE"
cat "$TABLE"
mkdir -p "$OUT/bundled"
row="| 0 (bundled model) | - | - | $(score "" "$OUT/bundled") |"
echo "$row" | tee -a "$TABLE"

for n in $NS; do
  set_dir=$OUT/corrections-$n
  rm -rf "$set_dir" && mkdir -p "$set_dir/images" "$set_dir/labels"
  for f in "${CORR[@]:0:$n}"; do
    ln -s "$KIND/images/$f" "$set_dir/images/$f"
    ln -s "$KIND/labels/$f" "$set_dir/labels/$f"
  done
  for m in $MINUTES; do
    run=$OUT/n$n-m$m
    rm -rf "$run" && mkdir -p "$run"
    budget=(--minutes "$m")
    [ -n "$ITERATIONS" ] && budget=(--iterations "$ITERATIONS")
    # shellcheck disable=SC2086 # TRAIN_ARGS holds several options
    $RIS train --start-from bundled --images "$set_dir/images" --labels "$set_dir/labels" --output "$run/model.zip" \
      "${budget[@]}" --threads "$THREADS" --seed "$SEED" $TRAIN_ARGS > "$run/train.txt"
    iterations=$(sed -n 's/.* after \([0-9]*\) iterations.*/\1/p' "$run/train.txt" | tail -1)
    row="| $n | $m | ${iterations:-?} | $(score "$run/model.zip" "$run") |"
    echo "$row" | tee -a "$TABLE"
  done
done
echo
echo "Wrote $TABLE"
