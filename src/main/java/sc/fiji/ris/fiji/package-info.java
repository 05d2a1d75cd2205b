/**
 * The Fiji face of RIS: SciJava commands under {@code Plugins>Segmentation>RIS} (segment an image, segment a folder,
 * train, evaluate), the {@link ij.ImagePlus} adapters they share with the launcher, and the outputs Fiji users
 * expect (16-bit label image with a Glasbey LUT, ROI Manager, results tables). Above the core line: it may use
 * ImageJ 1.x, SciJava and, only when a display exists, AWT. Commands stay thin: they read their parameters, call one
 * core object, publish outputs, and report every failure as one sentence through {@link sc.fiji.ris.fiji.CommandFailure}.
 */
package sc.fiji.ris.fiji;
