package org.backprop.nn;

/**
 * A training setting out of range or not applying, named by its setting ({@code learning rate},
 * {@code batch}), never by a command-line flag: a front end maps the name to its own spelling.
 * The message starts with the setting's name.
 */
public final class InvalidSetting extends IllegalArgumentException {

    private final String setting;

    public InvalidSetting(String setting, String problem) {
        super(setting + " " + problem);
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }

    /** Throws {@code setting problem} unless {@code ok}. */
    public static void require(boolean ok, String setting, String problem) {
        if (!ok) {
            throw new InvalidSetting(setting, problem);
        }
    }
}
