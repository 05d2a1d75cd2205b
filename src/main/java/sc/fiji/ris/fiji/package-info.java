/**
 * The Fiji face of RIS: SciJava commands under {@code Plugins>Segmentation>RIS} (segment an image, segment a folder,
 * train, fine-tune, evaluate, refine with the dense CRF), the ROI Manager and results tables. They use the ImageJ
 * adapters of {@link sc.fiji.ris.imagej}, which they share with the launcher. Above the core line: it may use ImageJ
 * 1.x, SciJava and, only when a display exists, AWT. Commands stay thin: they read their parameters, call one core
 * object, publish outputs, and report every failure as one sentence through {@link sc.fiji.ris.fiji.CommandFailure}.
 */
package sc.fiji.ris.fiji;
