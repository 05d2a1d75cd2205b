/**
 * Image/label pairs, synthetic nuclei, normalisation, training crops and augmentation.
 * <p>
 * Classes of this package must not import {@code ij.*}, {@code org.scijava.command}, {@code java.awt},
 * {@code javax.swing} or {@code ai.djl}: they are plain Java so that data preparation runs headless and is testable
 * without Fiji or a deep-learning engine.
 */
package sc.fiji.ris.data;
