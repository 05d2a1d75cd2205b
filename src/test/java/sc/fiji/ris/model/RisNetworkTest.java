package sc.fiji.ris.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/** Shapes, ranges and step-wise decoding of the network, on a tiny configuration. */
public class RisNetworkTest {

	/** A tiny configuration for fast tests (also used by the io tests). */
	public static ModelConfig tiny() {
		ModelConfig c = new ModelConfig();
		c.encoderChannels = new int[] { 4, 6, 8, 8 };
		c.hiddenChannels = 4;
		c.maskChannels = 4;
		c.tileSize = 32;
		c.tileOverlap = 8;
		return c;
	}

	@org.junit.jupiter.params.ParameterizedTest
	@org.junit.jupiter.params.provider.ValueSource(booleans = { false, true })
	void unrolledOutputsHaveTheRightShapeAndRange(boolean foregroundHead) {
		ModelConfig config = tiny();
		config.foregroundHead = foregroundHead;
		try (RisModel model = RisModel.create(config, 1); NDManager m = model.manager().newSubManager()) {
			NDArray x = m.randomUniform(0, 1, new Shape(2, 1, 32, 32));
			NDList out = model.network().forward(new ParameterStore(m, false), new NDList(x, m.create(3L)), false);
			int side = foregroundHead ? 16 : 32;
			assertEquals(new Shape(2, 3, side, side), out.get(0).getShape());
			assertEquals(new Shape(2, 3), out.get(1).getShape());
			assertEquals(new Shape(2, 3, 8 * 8), out.get(2).getShape(), "seed log-probabilities over the 1/4 grid");
			if (foregroundHead) assertEquals(new Shape(2, 1, 32, 32), out.get(3).getShape(), "foreground logits at full resolution");
			else assertEquals(3, out.size());
			float[] masks = out.get(0).toFloatArray();
			for (float v : masks) assertTrue(v >= 0 && v <= 1);
			Shape[] declared = model.network().getOutputShapes(new Shape[] { x.getShape() });
			assertEquals(out.size(), declared.length);
			assertArrayEquals(new long[] { 2, -1, side, side }, declared[0].getShape());
		}
	}

	@org.junit.jupiter.params.ParameterizedTest
	@org.junit.jupiter.params.provider.CsvSource({ "false,false", "true,false", "true,true" })
	void stepwiseDecodingEqualsTheUnrolledNetworkAndSelectionKeepsTiles(boolean coarseContext, boolean foregroundHead) {
		ModelConfig config = tiny();
		config.coarseContext = coarseContext;
		config.seedAttention = coarseContext;
		config.foregroundHead = foregroundHead;
		try (RisModel model = RisModel.create(config, 2); NDManager m = model.manager().newSubManager()) {
			ParameterStore ps = new ParameterStore(m, false);
			NDArray x = m.randomUniform(0, 1, new Shape(3, 1, 32, 32));
			NDList unrolled = model.network().forward(ps, new NDList(x, m.create(2L)), false);
			RisNetwork.State state = model.network().encode(ps, x, false);
			NDList s1 = model.network().step(ps, state, false);
			// keep tiles 0 and 2 only: their second step must equal the unrolled one
			state = state.select(m.create(new long[] { 0, 2 }));
			NDList s2 = model.network().step(ps, state, false);
			float[] ref = unrolled.get(0).get(":, 1").toFloatArray();
			float[] got = s2.get(0).toFloatArray();
			int side = foregroundHead ? 16 : 32;
			int px = side * side;
			for (int i = 0; i < px; i++) {
				assertEquals(ref[i], got[i], 1e-5);
				assertEquals(ref[2 * px + i], got[px + i], 1e-5);
			}
			assertArrayEquals(unrolled.get(0).get(":, 0").toFloatArray(), s1.get(0).reshape(3, side, side).toFloatArray(), 1e-5f);
			if (foregroundHead) // the selected state keeps the foreground of the selected tiles
				assertArrayEquals(unrolled.get(unrolled.size() - 1).get("0::2").toFloatArray(), state.foreground().toFloatArray(), 1e-6f);
		}
	}

	@Test
	void countsMultiplyAccumulates() {
		long[] macs = RisNetwork.macs(tiny(), 32);
		assertTrue(macs[0] > 0 && macs[1] > 0);
		ModelConfig wide = tiny();
		wide.hiddenChannels = 8;
		assertTrue(RisNetwork.macs(wide, 32)[1] > 3 * macs[1], "the step cost grows with the square of the hidden width");
		ModelConfig full = tiny();
		full.foregroundHead = false;
		long[] fullMacs = RisNetwork.macs(full, 32);
		assertTrue(fullMacs[1] > macs[1] && fullMacs[0] < macs[0], "the foreground head moves work from the steps to the encoder");
	}

	@Test
	void addUpIsNearestNeighbourUpsamplingPlusTheFineArray() {
		try (NDManager m = PyTorchRuntime.start(0).newBaseManager()) {
			NDArray fine = m.randomNormal(new Shape(2, 3, 8, 12));
			for (int factor : new int[] { 2, 4 }) {
				NDArray coarse = m.randomNormal(new Shape(2, 3, 8 / factor, 12 / factor));
				NDArray want = fine.add(coarse.repeat(2, factor).repeat(3, factor));
				NDArray got = RisNetwork.addUp(fine, coarse, factor);
				assertEquals(want.getShape(), got.getShape());
				assertArrayEquals(want.toFloatArray(), got.toFloatArray(), 1e-6f);
			}
			// a coarse array with one channel is broadcast over the fine array's channels
			NDArray one = m.randomNormal(new Shape(2, 1, 4, 6));
			assertArrayEquals(fine.add(one.repeat(2, 2).repeat(3, 2)).toFloatArray(), RisNetwork.addUp(fine, one, 2).toFloatArray(), 1e-6f);
		}
	}

	@Test
	void aThreeScaleEncoderGivesTheSameOutputShapes() {
		ModelConfig config = tiny();
		config.encoderChannels = new int[] { 4, 6, 8 };
		try (RisModel model = RisModel.create(config, 3); NDManager m = model.manager().newSubManager()) {
			NDArray x = m.randomUniform(0, 1, new Shape(2, 1, 32, 32));
			NDList out = model.network().forward(new ParameterStore(m, false), new NDList(x, m.create(2L)), false);
			assertEquals(new Shape(2, 2, 16, 16), out.get(0).getShape());
			assertEquals(new Shape(2, 1, 32, 32), out.get(3).getShape());
			assertTrue(RisNetwork.macs(config, 32)[0] < RisNetwork.macs(tiny(), 32)[0], "fewer multiply-adds without the 1/8 scale");
		}
	}

	@Test
	void aWindowDecodesTheSquareOfTheEncodedImageAsTheTileCutterDoes() {
		ModelConfig config = tiny();
		try (RisModel model = RisModel.create(config, 3); NDManager m = model.manager().newSubManager()) {
			ParameterStore ps = new ParameterStore(m, false);
			RisNetwork net = model.network();
			NDArray x = m.randomUniform(0, 1, new Shape(2, 1, 48, 64));
			NDList windowed = net.forward(ps, new NDList(x, m.create(2L), m.create(new long[] { 8, 12, 32 })), false);
			assertEquals(new Shape(2, 2, 16, 16), windowed.get(0).getShape(), "the window's masks, at 1/2 resolution");
			assertEquals(new Shape(2, 1, 32, 32), windowed.get(windowed.size() - 1).getShape(), "the window's foreground");
			for (int b = 0; b < 2; b++) {
				// the same window cut by the tile decoder's cutter from one image's encoding
				RisNetwork.State one = net.tiles(net.encode(ps, x.get(b + ":" + (b + 1)), false), new int[] { 8 }, new int[] { 12 }, 32);
				NDList s1 = net.step(ps, one, false);
				assertArrayEquals(windowed.get(0).get(b + ", 0").toFloatArray(), s1.get(0).toFloatArray(), 1e-5f);
				assertArrayEquals(windowed.get(1).get(b + ", 0:1").toFloatArray(), s1.get(1).toFloatArray(), 1e-5f);
				NDList s2 = net.step(ps, one, false);
				assertArrayEquals(windowed.get(0).get(b + ", 1").toFloatArray(), s2.get(0).toFloatArray(), 1e-5f);
			}
			// context matters: the window differs from the same square encoded alone
			NDList alone = net.forward(ps, new NDList(x.get(":, :, 12:44, 8:40"), m.create(2L)), false);
			float[] a = alone.get(0).toFloatArray(), w = windowed.get(0).toFloatArray();
			double diff = 0;
			for (int i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - w[i]));
			assertTrue(diff > 1e-4, "a window with context should not equal the crop encoded alone");
			org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
					() -> net.window(net.encode(ps, x, false), 6, 12, 32), "origins off the recurrent grid");
			org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
					() -> net.window(net.encode(ps, x, false), 8, 20, 32), "a window reaching past the encoded image");
		}
	}
}
