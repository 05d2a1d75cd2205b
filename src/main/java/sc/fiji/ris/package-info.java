/**
 * RIS for Fiji: recurrent instance segmentation (Romera-Paredes &amp; Torr, ECCV 2016) of cells and nuclei. The
 * core packages ({@code model}, {@code loss}, {@code train}, {@code infer}, {@code crf}, {@code eval}, {@code data},
 * {@code io}) and the build tooling ({@code site}: the Fiji update site) are free of ImageJ 1.x, SciJava commands and
 * AWT; {@code cli} and {@code fiji} sit on top of them.
 */
package sc.fiji.ris;
