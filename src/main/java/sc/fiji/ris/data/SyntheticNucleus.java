package sc.fiji.ris.data;

import java.util.SplittableRandom;

/**
 * One synthetic nucleus: its shape and appearance, drawn when it is made, and its position, set while it is placed.
 * The shape is an ellipse of random size, orientation and aspect ratio whose radius is modulated by low-frequency
 * harmonics (orders 2-5), so that the outline is irregular but smooth. A few nuclei are small, round and very
 * bright (like mitotic or apoptotic ones). The brightness is log-normal around the image's median.
 */
final class SyntheticNucleus {

	/** Position of the centre in pixels, set by {@link NucleusLayout}. */
	double cx, cy;
	/** Semi-axes of the ellipse, and cosine and sine of the major axis' angle. */
	final double a, b, cos, sin;
	/** Cosine and sine coefficients of the radial harmonics of orders 2..5. */
	private final double[] hc = new double[4], hs = new double[4];
	/** Largest value the harmonic term can take, to bound the rasterised box. */
	private final double hMax;
	/** Mean intensity above the background, and relative amplitude of the texture. */
	final double brightness, textureAmplitude;

	/**
	 * Draws the shape and appearance of a new nucleus.
	 *
	 * @param cfg             settings of the generator
	 * @param rnd             source of the random draws
	 * @param imageForeground median brightness of the nuclei of this image
	 */
	SyntheticNucleus(SyntheticParameters cfg, SplittableRandom rnd, double imageForeground) {
		boolean bright = rnd.nextDouble() < cfg.brightFraction;
		double d = cfg.minDiameter + rnd.nextDouble() * (cfg.maxDiameter - cfg.minDiameter);
		// Shifted half-normal log aspect: most nuclei oval (median about 1.4), a few strongly elongated.
		double aspect = Math.min(cfg.maxAspect, Math.exp(0.1 + Math.abs(0.35 * rnd.nextGaussian())));
		double irr = cfg.irregularity;
		double bri = imageForeground * Math.exp(cfg.brightnessSpread * rnd.nextGaussian());
		double tex = cfg.texture * (0.5 + rnd.nextDouble());
		if (bright) {
			// Condensed chromatin: small, round, smooth and much brighter.
			d *= 0.55 + 0.25 * rnd.nextDouble();
			aspect = 1 + 0.5 * (aspect - 1);
			irr *= 0.5;
			bri *= 1.8 + 1.2 * rnd.nextDouble();
			tex *= 0.5;
		}
		a = 0.5 * d * Math.sqrt(aspect);
		b = 0.5 * d / Math.sqrt(aspect);
		double angle = rnd.nextDouble() * Math.PI;
		cos = Math.cos(angle);
		sin = Math.sin(angle);
		double sum = 0;
		for (int k = 0; k < 4; k++) {
			// Amplitude falling quickly with the order keeps outlines smooth rather than bumpy.
			double s = irr * 4.0 / ((k + 2) * (k + 2));
			hc[k] = s * rnd.nextGaussian();
			hs[k] = s * rnd.nextGaussian();
			sum += Math.hypot(hc[k], hs[k]);
		}
		if (sum > 0.5) {
			// Keep 1 + h well above 0 so the shape stays star-shaped and compact.
			for (int k = 0; k < 4; k++) {
				hc[k] *= 0.5 / sum;
				hs[k] *= 0.5 / sum;
			}
			sum = 0.5;
		}
		hMax = sum;
		brightness = bri;
		textureAmplitude = tex;
	}

	/** Harmonic modulation at the direction with unit vector (c1, s1) in the ellipse's normalised frame. */
	private double harmonics(double c1, double s1) {
		// cos/sin of k*theta by the angle-addition recurrence: no trigonometric calls per pixel.
		double ck = c1 * c1 - s1 * s1;
		double sk = 2 * s1 * c1;
		double v = 0;
		for (int k = 0; k < 4; k++) {
			v += hc[k] * ck + hs[k] * sk;
			double c = ck * c1 - sk * s1;
			sk = sk * c1 + ck * s1;
			ck = c;
		}
		return v;
	}

	/** Distance from the centre to the outline along the image direction {@code phi}. */
	double radius(double phi) {
		double dx = Math.cos(phi);
		double dy = Math.sin(phi);
		double p = (dx * cos + dy * sin) / a;
		double q = (-dx * sin + dy * cos) / b;
		double r = Math.sqrt(p * p + q * q);
		return (1 + harmonics(p / r, q / r)) / r;
	}

	/** Half-size of a box that surely contains the nucleus. */
	int extent() {
		return (int) Math.ceil(a * (1 + hMax)) + 1;
	}

	/**
	 * Normalised radius of pixel (x, y): 0 at the centre, 1 on the outline, above 1 outside. Used both to test
	 * membership and to split overlaps between nuclei.
	 */
	double depth(int x, int y) {
		double dx = x - cx;
		double dy = y - cy;
		double p = (dx * cos + dy * sin) / a;
		double q = (-dx * sin + dy * cos) / b;
		double r2 = p * p + q * q;
		double lim = 1 + hMax;
		if (r2 > lim * lim) return Double.POSITIVE_INFINITY;
		double r = Math.sqrt(r2);
		if (r < 1e-9) return 0;
		return r / (1 + harmonics(p / r, q / r));
	}
}
