package sc.fiji.ris.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.List;
import java.util.Locale;
import java.util.LongSummaryStatistics;
import sc.fiji.ris.model.ModelConfig;
import sc.fiji.ris.model.RisModel;

/**
 * Averages the weights of several checkpoints of one training run (stochastic weight averaging): the states a run
 * passes through late in training scatter around a flatter, better region than any one of them reaches.
 */
public final class WeightAveraging {

	private WeightAveraging() {}

	/**
	 * Sets the weights of {@code target} to the mean of the weights of {@code models} (which may include
	 * {@code target}). The target keeps its configuration (thresholds); its provenance records the average and loses
	 * its validation scores, which belonged to one checkpoint.
	 *
	 * @param names one name per model, for the messages
	 * @throws IllegalArgumentException if there are no models, or if a model's network differs from the target's
	 */
	public static void averageInto(RisModel target, List<RisModel> models, List<String> names) {
		if (models.isEmpty()) throw new IllegalArgumentException("There are no checkpoints to average.");
		PairList<String, Parameter> params = target.network().getParameters();
		double[][] sums = new double[params.size()][];
		for (int m = 0; m < models.size(); m++) {
			PairList<String, Parameter> other = models.get(m).network().getParameters();
			if (other.size() != params.size())
				throw new IllegalArgumentException(names.get(m) + " has another network (" + other.size() + " weight arrays, not " + params.size()
						+ "): average only checkpoints of one training run.");
			for (int k = 0; k < params.size(); k++) {
				NDArray a = other.get(k).getValue().getArray(), t = params.get(k).getValue().getArray();
				if (!other.get(k).getKey().equals(params.get(k).getKey()) || !a.getShape().equals(t.getShape()))
					throw new IllegalArgumentException(names.get(m) + " has another network (" + other.get(k).getKey() + " " + a.getShape() + " where the first has "
							+ params.get(k).getKey() + " " + t.getShape() + "): average only checkpoints of one training run.");
				float[] v = a.toFloatArray();
				if (sums[k] == null) sums[k] = new double[v.length];
				for (int i = 0; i < v.length; i++) sums[k][i] += v[i];
			}
		}
		for (int k = 0; k < params.size(); k++) {
			float[] mean = new float[sums[k].length];
			for (int i = 0; i < mean.length; i++) mean[i] = (float) (sums[k][i] / models.size());
			params.get(k).getValue().getArray().set(mean);
		}
		ModelConfig.Provenance p = target.config().training;
		LongSummaryStatistics it = models.stream().mapToLong(m -> m.config().training.iterations).summaryStatistics();
		p.averaged = String.format(Locale.ROOT, "mean weights of %d checkpoints, iterations %d to %d", models.size(), it.getMin(), it.getMax());
		p.iterations = it.getMax();
		p.seconds = models.stream().mapToDouble(m -> m.config().training.seconds).max().orElse(p.seconds);
		p.validation.clear();
		p.created = java.time.Instant.now().toString();
	}
}
