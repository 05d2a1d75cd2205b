/**
 * The training loop: curriculum (2 steps, then n + 2), Adam with gradient clipping, crops with augmentation,
 * validation with the real metrics, checkpoints and the training log. Must not import {@code ij.*},
 * {@code org.scijava.command}, {@code java.awt} or {@code javax.swing}.
 */
package sc.fiji.ris.train;
