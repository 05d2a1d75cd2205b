/**
 * Segmentation on Apache Spark: {@link sc.fiji.ris.spark.SegmentJob}, run with {@code spark-submit}, segments the
 * images of any Hadoop file system with the same core and model as {@code ris segment} and writes the same files;
 * images larger than a block are cut into overlapping blocks segmented as separate tasks and stitched back
 * ({@link sc.fiji.ris.spark.MosaicBlocks}). Spark is a provided dependency: nothing outside this package refers to it,
 * so the plugin jar and the Fiji update site run without it. {@link sc.fiji.ris.spark.SparkBench}, which
 * {@code ris bench spark} calls, uses no Spark class itself: it runs Spark's launcher in child processes.
 */
package sc.fiji.ris.spark;
