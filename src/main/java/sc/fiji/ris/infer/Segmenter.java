package sc.fiji.ris.infer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;
import sc.fiji.ris.UserError;
import sc.fiji.ris.Progress;
import sc.fiji.ris.data.PercentileNormalizer;
import sc.fiji.ris.model.ModelConfig;
import sc.fiji.ris.model.RisModel;

/**
 * Segments one 2D plane of any size, as a pipeline: normalise (and rescale to the model's object size), cut into
 * overlapping tiles ({@link TileGrid}), decode all tiles of a batch together step by step ({@link Decoder},
 * {@link TileDecoder}), stitch the tiles' instances ({@link Stitcher}), post-process them ({@link PostProcessing}:
 * fill, growth, merge, holes, cuts at cores) and bring them back to the plane's size. Without an object diameter,
 * {@link SizePolicy} decides once per plane at which size it is segmented; with flips, the mirrored views are fused
 * ({@link FlipFusion}). The settings are resolved once ({@link SegmenterSettings}).
 *
 * <p>Not thread-safe (its last call's {@link SegmentStats}); one instance per thread. PyTorch uses its own intra-op threads.
 */
public final class Segmenter {

	private final RisModel model;
	private final SegmenterSettings settings;
	private final TileLoop loop;
	private final PostProcessing post;
	private final SizePolicy size;
	private SegmentStats stats = new SegmentStats();

	public Segmenter(RisModel model, SegmenterOptions o) {
		this(model.config(), model, new TileDecoder(model, o.shareEncoder, o.regionMargin), o);
	}

	/** A segmenter over any tile decoder (tests use an oracle); {@code model} may then be null. */
	public Segmenter(ModelConfig config, RisModel model, Decoder decoder, SegmenterOptions o) {
		this.model = model;
		this.settings = new SegmenterSettings(config, o);
		this.loop = new TileLoop(settings, new PercentileNormalizer(config.normLowPercentile, config.normHighPercentile), decoder);
		this.post = new PostProcessing(settings);
		this.size = new SizePolicy(settings);
	}

	public RisModel model() { return model; }
	public int tileSize() { return settings.tile; }
	/** The decision thresholds in use (with flips, those the model was tuned with for flips where it has them). */
	public Thresholds thresholds() { return settings.thresholds; }
	/** Network pixels per image pixel: the model's input scale, times the model's over the given object diameter. */
	public double scale() { return settings.scale; }
	/** Statistics of the last call to a segment method. */
	public SegmentStats lastStats() { return stats; }

	/**
	 * The settings in use, in words, for logs: with flips, the votes and thresholds (which may come from the model's
	 * flip decisions); null for one view.
	 */
	public String flipSettings() {
		if (settings.flipVotes == 0) return null;
		return String.format(Locale.ROOT, "4 flipped views, objects kept when %d found them; %s", settings.flipVotes, settings.thresholds);
	}

	/** Segments an imglib2 plane (raw intensities). */
	public Instances segment(RandomAccessibleInterval<? extends RealType<?>> plane, Progress progress) {
		if (plane.numDimensions() != 2) throw new UserError("The segmenter takes one 2D plane, not a " + plane.numDimensions() + "D image.");
		int w = (int) plane.dimension(0), h = (int) plane.dimension(1);
		float[] px = new float[w * h];
		Cursor<? extends RealType<?>> c = Views.flatIterable(plane).cursor();
		for (int i = 0; c.hasNext(); i++) px[i] = c.next().getRealFloat();
		return segment(px, w, h, progress);
	}

	/**
	 * Segments a plane of raw intensities (row-major); normalises it as the model was trained. With
	 * {@link SegmenterOptions#estimateDiameter}, at the size {@link SizePolicy} decides.
	 */
	public Instances segment(float[] pixels, int width, int height, Progress progress) {
		if (pixels.length != width * height) throw new UserError("The plane has " + pixels.length + " pixels, expected " + width * height + ".");
		Progress whole = progress == null ? Progress.NONE : progress;
		SegmentStats s = new SegmentStats();
		int votes = settings.flipVotes;
		// with flips, the first view (and its passes at other sizes) fills the first quarter of the progress bar
		Instances out = size.segment(pixels, width, height, votes > 0 ? Progress.part(whole, 0, 4) : whole, s, this::segmentAt, null, 0);
		if (votes > 0) {
			List<Instances> views = new ArrayList<>(List.of(out));
			for (int f = 1; f <= 3 && !whole.isCancelled(); f++) {
				whole.status("Segmenting a mirrored copy (" + f + " of 3)");
				views.add(FlipFusion.flip(segmentAt(FlipFusion.flip(pixels, width, height, f), width, height, s.scale, Progress.part(whole, f, 4), s).instances(), f));
			}
			if (views.size() == 4) {
				long t = System.nanoTime();
				out = FlipFusion.fuse(views, votes, settings.thresholds.minArea());
				s.stitchNanos += System.nanoTime() - t;
				s.views = 4;
			}
		}
		stats = s;
		return out;
	}

	/**
	 * The object diameter, in image pixels, at which {@link #segment(float[], int, int, Progress)} segments this plane:
	 * the option's or the model's, or, with {@link SegmenterOptions#estimateDiameter}, the one {@link SizePolicy} settles on
	 * (one view, whatever the flips). For tuning thresholds on whole images as they are segmented.
	 */
	public double objectDiameter(float[] pixels, int width, int height) {
		return objectDiameter(pixels, width, height, null);
	}

	/**
	 * As {@link #objectDiameter(float[], int, int)}, with the first pass taken from {@code decoded} when it can be:
	 * the plane as {@link #decodeAll} of a segmenter with the same options decoded it, at this segmenter's scale and
	 * tiles and at a minimum confidence no higher than this one's (otherwise, or when null, the plane is decoded
	 * again). Spares {@code ris tune} a second decoding of each image at the model's size.
	 */
	public double objectDiameter(float[] pixels, int width, int height, DecodedPlane decoded) {
		if (!settings.estimateDiameter) return settings.modelDiameter / settings.scale;
		SegmentStats s = new SegmentStats();
		boolean fits = decoded != null && decoded.scale == settings.scale && decoded.grid.tile == settings.tile && decoded.grid.overlap == settings.overlap
				&& decoded.minConfidence <= settings.thresholds.minConfidence() && decoded.fillArea == settings.fillArea;
		size.segment(pixels, width, height, Progress.NONE, s, this::segmentAt, fits ? () -> pass(decoded, settings.thresholds) : null,
				fits ? decoded.steps(settings.thresholds.minConfidence()) : 0);
		return s.objectDiameter;
	}

	/**
	 * Decodes all tiles of a plane of raw intensities at this segmenter's scale and minimum confidence and keeps every
	 * emission (memory grows with the image: for tuning on validation images, not for production use).
	 */
	public DecodedPlane decodeAll(float[] pixels, int width, int height) {
		int[] size = new int[] { width, height };
		float[] img = loop.normalised(pixels, size, settings.scale, new SegmentStats());
		DecodedPlane d = new DecodedPlane(settings.grid(size[0], size[1]), width, height, settings.scale, settings.thresholds.minConfidence(), settings.fillArea);
		float[][] maps = loop.decodeTiles(img, d.grid, settings.thresholds.minConfidence(), true, Progress.NONE, new SegmentStats(), (k, em) -> d.emissions.add(em));
		d.foreground = maps[0];
		d.cores = maps[1];
		return d;
	}

	/**
	 * Paints, stitches and post-processes decoded tiles with other thresholds. A tile's decoding stops at its first
	 * emission below the minimum confidence, exactly as if it had been decoded with that threshold (which must not be
	 * below the one used for decoding).
	 */
	public Instances assemble(DecodedPlane d, Thresholds t) {
		return pass(d, t).instances();
	}

	private PostProcessing.Pass pass(DecodedPlane d, Thresholds t) {
		Stitcher stitcher = new Stitcher(d.grid, t.maskThreshold(), settings.keepSoftMasks);
		for (int k = 0; k < d.emissions.size(); k++) {
			List<TileDecoder.Emission> em = d.emissions.get(k);
			stitcher.add(k, em.subList(0, DecodedPlane.emitted(em, t.minConfidence())));
		}
		PostProcessing.Pass p = post.apply(stitcher.instances(t.minArea()), d.foreground, d.cores, t);
		return d.resampled() ? p.scaledTo(d.imageWidth, d.imageHeight) : p;
	}

	/** One pass at {@code sc} network pixels per image pixel; adds its timings and work to {@code s}. */
	private PostProcessing.Pass segmentAt(float[] pixels, int width, int height, double sc, Progress progress, SegmentStats s) {
		int[] size = new int[] { width, height };
		float[] img = loop.normalised(pixels, size, sc, s);
		TileGrid grid = settings.grid(size[0], size[1]);
		Thresholds t = settings.thresholds;
		Stitcher stitcher = new Stitcher(grid, t.maskThreshold(), settings.keepSoftMasks);
		float[][] maps = loop.decodeTiles(img, grid, t.minConfidence(), t.coreMinArea() > 0, progress, s, stitcher::add);
		long t0 = System.nanoTime();
		PostProcessing.Pass p = post.apply(stitcher.instances(t.minArea()), maps[0], maps[1], t);
		if (sc != 1) p = p.scaledTo(width, height);
		s.stitchNanos += System.nanoTime() - t0;
		return p;
	}


}
