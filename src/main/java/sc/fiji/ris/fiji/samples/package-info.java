/** File &gt; Open Samples entries: the nuclei sample images bundled in the plugin jar. */
package sc.fiji.ris.fiji.samples;
