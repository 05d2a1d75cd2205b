/**
 * RIS for Fiji: recurrent instance segmentation (Romera-Paredes &amp; Torr, ECCV 2016) of cells and nuclei. The
 * core packages ({@code model}, {@code loss}, {@code train}, {@code infer}, {@code crf}, {@code eval}, {@code data},
 * {@code io}) are free of ImageJ 1.x, SciJava and AWT; {@code imagej} adapts them to ImageJ 1.x images and files;
 * {@code cli} (the launcher), {@code fiji} (the SciJava commands) and {@code spark} (the cluster job) sit on top.
 */
package sc.fiji.ris;
