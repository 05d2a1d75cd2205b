package sc.fiji.ris.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import sc.fiji.ris.data.Augmentation;
import sc.fiji.ris.data.CropSampler;
import sc.fiji.ris.data.LabeledImage;
import sc.fiji.ris.eval.Evaluation;
import sc.fiji.ris.eval.EvaluationResult;
import sc.fiji.ris.eval.ImageScores;
import sc.fiji.ris.infer.InstancePainter;
import sc.fiji.ris.infer.TileDecoder;
import sc.fiji.ris.loss.RisLoss;
import sc.fiji.ris.model.ModelConfig;
import sc.fiji.ris.model.NonFiniteOutputException;
import sc.fiji.ris.model.PyTorchRuntime;
import sc.fiji.ris.model.RisModel;

/**
 * Validation of a training run on fixed crops of the validation images: in stage 1 the mean soft IoU of the two
 * matched steps, in stage 2 the real metrics after full decoding with the model's thresholds; and the record of the
 * kept checkpoint's scores in its provenance.
 */
public final class CropValidation {

	private CropValidation() {}

	/** Stage-1 validation: mean soft IoU of the two matched steps on the validation crops (no gradients). */
	static double stage1Validation(RisModel model, Windows crops) {
		RisLoss loss = new RisLoss(1f);
		double sum = 0;
		long n = 0;
		int chunk = 16;
		for (int s = 0; s < crops.count(); s += chunk) {
			Windows part = crops.part(s, Math.min(crops.count(), s + chunk));
			int b = part.count(), px = part.size * part.size, maxN = 1;
			int[] counts = new int[b];
			for (int i = 0; i < b; i++) {
				for (int l : part.targets.get(i).labels()) counts[i] = Math.max(counts[i], l);
				maxN = Math.max(maxN, counts[i]);
			}
			float[] gt = TrainingStep.targets(part.targets, maxN, px);
			try (PyTorchRuntime.GradientScope noGradients = PyTorchRuntime.noGradients(); NDManager scope = model.manager().newSubManager()) {
				ParameterStore ps = new ParameterStore(scope, false);
				NDList pred = NonFiniteOutputException.require(model.network().forward(ps, TrainingStep.inputs(scope, part, 2), false), "the validation crops");
				NDArray matched = loss.evaluateParts(new NDList(scope.create(gt, new Shape(b, maxN, part.size, part.size)), scope.create(counts)), pred).get(2);
				for (float v : matched.toFloatArray()) { sum += v; n++; }
			}
		}
		return n == 0 ? 0 : sum / n;
	}

	/** Full decoding of the validation crops with the model's thresholds, scored with the real metrics. */
	public static EvaluationResult validate(RisModel model, List<LabeledImage> crops, int crop) {
		return validate(model, Windows.of(crops, 0, crop));
	}

	static EvaluationResult validate(RisModel model, Windows crops) {
		ModelConfig c = model.config();
		TileDecoder decoder = new TileDecoder(model);
		Evaluation evaluation = new Evaluation();
		int chunk = 16, crop = crops.size;
		for (int s = 0; s < crops.count(); s += chunk) {
			Windows part = crops.part(s, Math.min(crops.count(), s + chunk));
			List<List<TileDecoder.Emission>> out = decoder.decodeWindows(part.input, part.count(), part.inputWidth, part.inputHeight, part.x, part.y, crop,
					c.maxSteps, c.minConfidence);
			for (int i = 0; i < part.count(); i++) {
				int[] pred = InstancePainter.paintEmissions(out.get(i), crop, crop, c.maskThreshold, c.minArea, null);
				evaluation.add(ImageScores.compute(part.targets.get(i).name(), pred, part.targets.get(i).labels()));
			}
		}
		return evaluation.result();
	}

	/** Two fixed crops per validation image (top-left and bottom-right corners), labels relabelled per crop. */
	public static List<LabeledImage> validationCrops(List<LabeledImage> val, int crop) {
		return validationCrops(val, crop, 0);
	}

	/**
	 * Two fixed crops of {@code crop + 2 margin} per validation image, at its top-left and bottom-right corners
	 * where the image holds them; in a dimension where it does not, their central windows are at the corners and
	 * their margins blank outside the image (see {@link CropSampler#cropWithContext}).
	 */
	static List<LabeledImage> validationCrops(List<LabeledImage> val, int crop, int margin) {
		int outer = crop + 2 * margin;
		CropSampler sampler = new CropSampler(outer, Augmentation.NONE, margin > 0 ? 0 : 1);
		List<LabeledImage> out = new ArrayList<>();
		for (LabeledImage v : val) {
			int fx = v.width() >= outer ? 0 : -margin, fy = v.height() >= outer ? 0 : -margin;
			int lx = v.width() >= outer ? v.width() - outer : Math.max(0, v.width() - crop) - margin;
			int ly = v.height() >= outer ? v.height() - outer : Math.max(0, v.height() - crop) - margin;
			out.add(sampler.cropWithContext(v, fx, fy, margin));
			out.add(sampler.cropWithContext(v, lx, ly, margin));
		}
		return out;
	}

	static void record(ModelConfig config, long iteration, double seconds, int stage, EvaluationResult r) {
		ModelConfig.Provenance p = config.training;
		p.iterations = iteration;
		p.seconds = seconds;
		p.stage = stage;
		p.created = Instant.now().toString();
		p.validation.clear();
		p.validation.put("f1@0.5", r.f1(0));
		p.validation.put("mean_f1", r.meanF1());
		p.validation.put("mean_matched_iou", r.meanMatchedIou());
		p.validation.put("sbd", r.sbd());
		p.validation.put("abs_dic", r.absDic());
	}
}
