/**
 * Instance segmentation metrics on label images (0 = background, any positive value one instance, ids
 * not necessarily consecutive): matching at IoU thresholds 0.5 .. 0.9 with precision, recall, F1 and
 * accuracy (StarDist / DSB 2018 "AP"), mean matched IoU, panoptic quality, symmetric best Dice (SBD),
 * |DiC|, MUCov / MWCov coverage and the counts of instances without any overlap (AvgFP / AvgFN).
 * <p>
 * {@link sc.fiji.ris.eval.ImageScores} scores one image pair, {@link sc.fiji.ris.eval.Evaluation} gathers a
 * set of them, and {@link sc.fiji.ris.eval.EvaluationResult} holds the pooled and averaged summary with its
 * JSON and text renderings.
 * <p>
 * Pure Java: classes of this package must not import {@code ij.*}, {@code org.scijava.command},
 * {@code java.awt}, {@code javax.swing} or {@code ai.djl}, so that evaluation runs headless and without the
 * deep learning engine.
 */
package sc.fiji.ris.eval;
