package org.backprop.cli;

import java.util.Map;
import org.backprop.nn.InvalidSetting;

/** The one table from core's setting names to this command line's flags. */
final class Flags {

    private static final Map<String, String> FLAG = Map.ofEntries(
            Map.entry("layers", "--layers"), Map.entry("activation", "--activation"), Map.entry("output", "--output"),
            Map.entry("loss", "--loss"), Map.entry("dropout", "--dropout"), Map.entry("init", "--weight-init"),
            Map.entry("optimizer", "--optimizer"), Map.entry("learning rate", "--lr"),
            Map.entry("momentum", "--momentum"), Map.entry("weight decay", "--weight-decay"),
            Map.entry("learning-rate schedule", "--lr-schedule"), Map.entry("learning-rate decay", "--lr-decay"),
            Map.entry("learning-rate step", "--lr-step"), Map.entry("warmup", "--warmup"), Map.entry("seed", "--seed"),
            Map.entry("batch", "--batch"), Map.entry("epochs", "--epochs"), Map.entry("steps per sync", "--sync-every"),
            Map.entry("task", "--task"), Map.entry("input dropout", "--input-dropout"),
            Map.entry("max-norm", "--max-norm"), Map.entry("momentum ramp", "--momentum-ramp"), Map.entry("rho", "--rho"),
            Map.entry("eps", "--eps"), Map.entry("augment", "--augment"), Map.entry("rotation", "--rotate"),
            Map.entry("scale", "--scale"), Map.entry("shift", "--shift"), Map.entry("elastic sigma", "--elastic-sigma"),
            Map.entry("elastic alpha", "--elastic-alpha"));

    private Flags() { }

    /** The flag of a setting, or null when the command line has none. */
    static String of(String setting) {
        return FLAG.get(setting);
    }

    /** The message with its leading setting name replaced by the flag that sets it. */
    static String message(Throwable e) {
        String msg = e.getMessage();
        if (e instanceof InvalidSetting s && msg != null && of(s.setting()) != null && msg.startsWith(s.setting())) {
            return of(s.setting()) + msg.substring(s.setting().length());
        }
        return msg;
    }
}
