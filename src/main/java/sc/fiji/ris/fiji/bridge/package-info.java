/**
 * The plain ImageJ 1.x bridge: one generic IJ1 {@link ij.plugin.PlugIn}, {@link sc.fiji.ris.fiji.bridge.CommandBridge},
 * that runs the SciJava commands of {@link sc.fiji.ris.fiji} where there is no SciJava user interface. Each command
 * has one line in the {@code plugins.config} of the separate {@code RIS_Bridge.jar} (source: {@code src/main/bridge/}),
 * naming this class with the command's class as argument; the bridge builds an ImageJ dialog from the command's
 * parameters, reads macro options by the parameter names, records them, runs the command and shows its outputs.
 * <p>
 * Fiji never needs this package: its legacy layer shows and records the SciJava commands itself, and the main jar
 * carries no {@code plugins.config}, so nothing here reaches Fiji's menus. May use ImageJ 1.x, SciJava and, with a
 * display, AWT; never the core's internals directly (it only runs commands).
 */
package sc.fiji.ris.fiji.bridge;
