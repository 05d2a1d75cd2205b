package sc.fiji.ris;

import java.util.function.UnaryOperator;

/**
 * A setting that is out of range or does not fit the others (or the model), named by its setting id (e.g.
 * {@code learning_rate}) so that each front end says it with the name its users know: the command line as a flag
 * ({@code --learning-rate}), Fiji as the dialog's parameter ({@code learning_rate}).
 * <p>
 * The sentence is a template in which {@value #NAME} stands for the setting's name, e.g.
 * {@code "{setting} must be positive, not -1."}.
 */
public final class InvalidSetting extends UserError {

	private static final long serialVersionUID = 1L;

	/** Where the setting's name goes in the sentence. */
	public static final String NAME = "{setting}";

	private final String setting;
	private final String template;

	/**
	 * @param setting  the setting's id, lower case with underscores
	 * @param template the sentence, with {@value #NAME} where the setting's name goes
	 */
	public InvalidSetting(String setting, String template) {
		super(render(template, setting));
		if (!setting.matches("[a-z][a-z0-9_]*")) throw new IllegalArgumentException("bad setting id " + setting);
		if (!template.contains(NAME)) throw new IllegalArgumentException("the sentence does not name its setting: " + template);
		this.setting = setting;
		this.template = template;
	}

	/** The setting's id, e.g. {@code learning_rate}. */
	public String setting() {
		return setting;
	}

	/** The sentence with the setting named by {@code nameOf} (from its id); a name that opens it is left as it is. */
	public String sentence(UnaryOperator<String> nameOf) {
		return render(template, nameOf.apply(setting));
	}

	/** The command line's name of a setting: {@code learning_rate} as {@code --learning-rate}. */
	public static String flag(String setting) {
		return "--" + setting.replace('_', '-');
	}

	private static String render(String template, String name) {
		return template.replace(NAME, name);
	}
}
