#!/usr/bin/env bash
# Retakes the README screenshots docs/segment-instances-dialog.png and docs/segment-instances-result.png.
#
# Plain ImageJ 1.x with the bridge, as docs/imagej.md installs it (RIS_Bridge.jar in a fresh
# plugins/ folder, ris.jar and target/lib/*.jar on the class path), runs under Xvfb (no window manager, so windows
# have no title bars). An ImageJ macro opens a sample image and calls Segment Instances without options, so the
# bridge shows its dialog; a small driver (Java, compiled on the fly, using ImageJ's API and java.awt.Robot for the
# screen grabs) takes the dialog as it is on screen, clicks its OK button (default parameters, bundled model), waits
# for the result, puts image, label image and ROI Manager side by side and takes them. ImageJ and SciJava
# preferences go to a temporary home, so the dialog shows the command's defaults; the DJL native cache stays in
# ~/.djl.ai (or $DJL_CACHE_DIR).
#
# Usage: bench/screenshots.sh [IMAGE]   (default: the first sample image, as in the README; needs `mvn package`)
# Needs: java 17+, xvfb-run (packages xvfb, xauth). Takes 15-30 seconds.
set -euo pipefail
die() { echo "bench/screenshots.sh: $*" >&2; exit 1; }
if [[ $# -gt 0 ]]; then
	[[ -f $1 ]] || die "there is no image $1"
	IMAGE=$(realpath "$1")
fi
cd "$(dirname "$0")/.."
IMAGE=${IMAGE:-sample-images/images/IXMtest_A16_s2_5AF2.tif}
SCREEN=1280x1024x24
for f in target/ris.jar target/RIS_Bridge.jar "$IMAGE"; do
	[[ -f $f ]] || die "$f is missing (build with: mvn -o package -DskipTests)"
done
compgen -G 'target/lib/ij-*.jar' >/dev/null || die "target/lib/ij-*.jar is missing (build with: mvn -o package -DskipTests)"
command -v xvfb-run >/dev/null || die "xvfb-run is not installed (apt-get install xvfb xauth)"
command -v java >/dev/null || die "java is not on the PATH"

work=$(mktemp -d)
trap 'rm -rf "$work"; rm -f docs/.segment-instances-*.png.tmp' EXIT
mkdir -p "$work/ImageJ/plugins" "$work/home"
cp target/RIS_Bridge.jar "$work/ImageJ/plugins/"

cat >"$work/Screenshots.java" <<'EOF'
import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.Menus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.plugin.frame.RoiManager;
import java.awt.*;
import java.awt.event.InputEvent;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;

/** Arguments: image, dialog PNG, result PNG. Exits with 1 and one line on stderr when something does not happen. */
public class Screenshots {
	static final String COMMAND = "Segment Instances";

	public static void main(String[] args) throws Exception {
		String image = new File(args[0]).getAbsolutePath();
		Robot robot = new Robot();
		ImageJ ij = new ImageJ();
		if (Menus.getCommands().get(COMMAND) == null) fail("ImageJ has no command '" + COMMAND + "': RIS_Bridge.jar was not read from " + Menus.getPlugInsPath());
		ij.setLocation(0, 900); // out of the way of both screenshots

		// the macro a user would run; without options the bridge asks for the parameters in its dialog
		Thread macro = new Thread(() -> IJ.runMacro("open(\"" + image + "\");\nrun(\"" + COMMAND + "\");"), "screenshot macro");
		macro.start();
		waitFor("the " + COMMAND + " dialog", 180, () -> find() != null);
		GenericDialog dialog = find();
		// without a window manager AWT may not know where the dialog was put: put it somewhere known
		EventQueue.invokeAndWait(() -> dialog.setLocation(40, 40));
		settle(robot);
		grab(robot, dialog.getBounds(), args[1]);

		// OK, clicked as a user would
		Button ok = dialog.getButtons()[0];
		Point p = ok.getLocationOnScreen();
		robot.mouseMove(p.x + ok.getWidth() / 2, p.y + ok.getHeight() / 2);
		robot.mousePress(InputEvent.BUTTON1_DOWN_MASK);
		robot.mouseRelease(InputEvent.BUTTON1_DOWN_MASK);
		waitFor("the dialog to close after OK", 20, () -> !dialog.isShowing());
		waitFor(COMMAND + " to finish", 600, () -> !macro.isAlive());

		ImagePlus labels = WindowManager.getCurrentImage();
		ImagePlus input = WindowManager.getImage(1); // the first image opened
		RoiManager rm = RoiManager.getInstance();
		if (labels == null || input == null || labels == input || rm == null || rm.getCount() == 0)
			fail("Segment Instances showed no label image or no ROIs (windows: " + titles() + "; log: " + IJ.getLog() + ")");

		// both images at 150 %, everything else below the screenshot's area, then image | label image | ROI Manager
		for (ImagePlus imp : new ImagePlus[] { input, labels })
			IJ.run(imp, "Set... ", "zoom=150 x=" + imp.getWidth() / 2 + " y=" + imp.getHeight() / 2);
		Window a = input.getWindow(), b = labels.getWindow();
		EventQueue.invokeAndWait(() -> {
			for (Window w : Window.getWindows())
				if (w.isShowing() && w != ij) w.setLocation(600, 700);
			a.setLocation(0, 0);
			b.setLocation(a.getWidth() + 8, 0);
			rm.setLocation(b.getX() + b.getWidth() + 8, 0);
			rm.toFront();
		});
		settle(robot);
		Rectangle all = a.getBounds().union(b.getBounds()).union(rm.getBounds());
		grab(robot, all, args[2]);
		System.out.println("dialog " + dialog.getWidth() + "x" + dialog.getHeight() + ", result " + all.width + "x" + all.height
				+ ", " + rm.getCount() + " instances");
		System.exit(0);
	}

	/** The command's dialog, once it is on screen. */
	static GenericDialog find() {
		for (Window w : Window.getWindows())
			if (w instanceof GenericDialog d && d.isShowing() && COMMAND.equals(d.getTitle())) return d;
		return null;
	}

	/**
	 * Waits up to {@code seconds} for {@code done}; fails, naming the windows on screen and the Log, when that does not
	 * happen or when another dialog (an error: the bridge's "RIS" message, a "Macro Error") shows instead.
	 */
	static void waitFor(String what, int seconds, BooleanSupplier done) throws InterruptedException {
		for (long end = System.currentTimeMillis() + seconds * 1000L; System.currentTimeMillis() < end; Thread.sleep(200)) {
			if (done.getAsBoolean()) return;
			for (Window w : Window.getWindows())
				if (w instanceof Dialog d && d.isShowing() && !COMMAND.equals(d.getTitle()))
					fail("the dialog '" + d.getTitle() + "' showed while waiting for " + what + " (windows: " + titles() + "; log: " + IJ.getLog() + ")");
		}
		fail("timed out waiting for " + what + " (windows: " + titles() + "; log: " + IJ.getLog() + ")");
	}

	/** Lets the windows be painted. */
	static void settle(Robot robot) throws InterruptedException {
		Thread.sleep(1500);
		robot.waitForIdle();
	}

	/** Takes a rectangle of the screen into a PNG; its top left corner is a window's light grey background, never black. */
	static void grab(Robot robot, Rectangle r, String png) throws Exception {
		BufferedImage shot = robot.createScreenCapture(r);
		if ((shot.getRGB(2, 2) & 0xffffff) == 0) fail("the screen is black where a window should be, at " + r + " (windows: " + titles() + ")");
		if (!ImageIO.write(shot, "png", new File(png))) fail("could not write " + png);
	}

	static String titles() {
		StringBuilder s = new StringBuilder();
		for (Window w : Window.getWindows())
			if (w.isShowing()) s.append(s.length() > 0 ? ", " : "").append(w instanceof Frame f ? f.getTitle() : w instanceof Dialog d ? d.getTitle() : w.getName());
		return s.toString();
	}

	static void fail(String message) {
		System.err.println(message);
		System.exit(1);
	}
}
EOF

classpath="target/ris.jar:$(printf '%s:' target/lib/*.jar)"
echo "Taking the screenshots of Segment Instances on $IMAGE under Xvfb ($SCREEN) ..."
timeout 900 xvfb-run -a -s "-screen 0 $SCREEN" \
	java -Duser.home="$work/home" -DDJL_CACHE_DIR="${DJL_CACHE_DIR:-$HOME/.djl.ai}" -Dplugins.dir="$work/ImageJ" \
	-cp "$classpath" "$work/Screenshots.java" "$IMAGE" "$work/dialog.png" "$work/result.png" \
	|| die "the screenshots failed (see above); docs/ is unchanged"

# write both PNGs atomically: a temporary file next to each, then rename
for name in dialog result; do
	[[ -s $work/$name.png ]] || die "no $name screenshot was written"
	cp "$work/$name.png" "docs/.segment-instances-$name.png.tmp"
done
for name in dialog result; do
	mv -f "docs/.segment-instances-$name.png.tmp" "docs/segment-instances-$name.png"
done
echo "Wrote docs/segment-instances-dialog.png and docs/segment-instances-result.png"
