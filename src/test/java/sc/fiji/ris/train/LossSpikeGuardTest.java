package sc.fiji.ris.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LossSpikeGuardTest {

	@Test
	void aJumpAboveThreeTimesTheLevelIsASpikeOnceTheLevelIsKnown() {
		LossSpikeGuard g = new LossSpikeGuard();
		assertFalse(g.spike(10), "no level yet: the first groups set it");
		for (int i = 1; i < LossSpikeGuard.WARM_UP; i++) assertFalse(g.spike(i % 2 == 0 ? 0.4 : 0.6));
		assertTrue(g.ready());
		double level = g.level();
		assertTrue(level > 0.5 && level < 1.0, "the mean of the warm-up groups: " + level);
		assertFalse(g.spike(2.9 * level), "noise, even large, is not a spike");
		double after = g.level();
		assertTrue(after > level, "ordinary groups move the level");
		assertTrue(g.spike(3.1 * after));
		assertEquals(after, g.level(), 1e-12, "a spike does not move the level");
		assertTrue(g.spike(Double.NaN));
		assertTrue(g.spike(Double.POSITIVE_INFINITY));
		g.reset();
		assertFalse(g.ready());
		assertTrue(Double.isNaN(g.level()));
		assertFalse(g.spike(100), "after a reset the level is learnt afresh");
	}
}
