/**
 * Files in and out of the core: the model package (a zip of {@code config.json} and DJL weights,
 * {@link sc.fiji.ris.io.ModelPackage}), and the result writers: the 16-bit label image as an ImageJ-compatible
 * TIFF ({@link sc.fiji.ris.io.LabelTiffWriter}), the instances as an ImageJ {@code RoiSet.zip}
 * ({@link sc.fiji.ris.io.RoiSetWriter}) and the per-instance measurements as CSV
 * ({@link sc.fiji.ris.io.InstanceTable}). Every file is written atomically ({@link sc.fiji.ris.io.AtomicFiles}:
 * a temporary file beside the target, then a move), so a reader never sees half a file.
 * <p>
 * Below the core line: this package writes ImageJ's formats itself and must not import {@code ij.*},
 * {@code org.scijava.command}, {@code java.awt.*} or {@code javax.swing}. (Its tests may use ImageJ to read the
 * files back.)
 */
package sc.fiji.ris.io;
