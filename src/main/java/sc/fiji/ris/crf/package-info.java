/**
 * Dense CRF refinement of instance masks: a permutohedral lattice ({@link sc.fiji.ris.crf.PermutohedralLattice},
 * fast high-dimensional Gaussian filtering after Adams, Baek and Davis, 2010), a mean-field solver of the fully
 * connected CRF over the labels {background, instance 1..n} with a Potts model and an appearance and a smoothness
 * kernel (Kr&auml;henb&uuml;hl and Koltun, NIPS 2011), and {@link sc.fiji.ris.crf.DenseCrf}, which refines
 * {@link sc.fiji.ris.infer.Instances} group by group of nearby instances, groups in parallel.
 * <p>
 * Plain Java on float arrays: classes of this package must not import {@code ij.*}, {@code org.scijava.command},
 * {@code java.awt}, {@code javax.swing} or {@code ai.djl}, so that refinement runs headless, without Fiji and
 * without the deep-learning engine.
 */
package sc.fiji.ris.crf;
