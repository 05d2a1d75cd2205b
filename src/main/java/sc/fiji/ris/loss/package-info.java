/**
 * Hungarian assignment (pure Java) and the RIS loss as a DJL Loss.
 * <p>
 * Classes of this package must not import {@code ij.*}, {@code org.scijava.command}, {@code java.awt} or
 * {@code javax.swing}: the loss runs headless during training.
 */
package sc.fiji.ris.loss;
