/**
 * ImageJ 1.x adapters that both the Fiji commands and the launcher use: {@link ij.ImagePlus} to planes and back,
 * reading images and writing results (label TIFF, RoiSet, instance table, overlay), label images with the Glasbey
 * LUT, and the loss plot. It may use ImageJ 1.x and AWT's off-screen drawing, never SciJava commands or the Fiji
 * layer, so that {@code cli} needs neither.
 */
package sc.fiji.ris.imagej;
