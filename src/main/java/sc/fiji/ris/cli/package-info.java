/**
 * The {@code ris} launcher (segment, train, evaluate, bench): the same core as the Fiji commands, no Fiji needed.
 * Above the core line: it may use ImageJ 1.x to read and write image files.
 */
package sc.fiji.ris.cli;
