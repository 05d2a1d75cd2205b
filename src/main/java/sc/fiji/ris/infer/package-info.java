/**
 * Whole-image segmentation: normalisation, tiling, batched recurrent decoding with per-tile stopping, painting and
 * stitching into {@link sc.fiji.ris.infer.Instances}. Must not import {@code ij.*}, {@code org.scijava.command},
 * {@code java.awt} or {@code javax.swing}.
 */
package sc.fiji.ris.infer;
