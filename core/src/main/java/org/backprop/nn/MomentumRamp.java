package org.backprop.nn;

import java.util.Locale;

/**
 * A momentum that rises linearly from {@code start} to {@code end} over the first {@code steps}
 * updates and then stays at {@code end} (Srivastava et al. 2014, appendix B.1: 0.5 to 0.99).
 * Update t (1-based) uses μ_t = start + (end − start)·min(t − 1, steps)/steps, so the first update
 * uses {@code start} and update {@code steps + 1} onwards {@code end}. The step count is part of
 * the optimiser's checkpointed state, so a resumed run continues the ramp where it stopped.
 */
public record MomentumRamp(float start, float end, int steps) {

    public MomentumRamp {
        InvalidSetting.require(start >= 0 && start < 1 && end >= 0 && end < 1, "momentum ramp",
                "momenta must be in [0, 1), got " + start + " and " + end);
        InvalidSetting.require(steps >= 1, "momentum ramp", "must rise over at least 1 update, got " + steps);
    }

    /** μ for update {@code t} (1-based), computed in double and rounded to float once. */
    public float at(int t) {
        double f = Math.min(Math.max(t - 1, 0), steps) / (double) steps;
        return (float) (start + (end - (double) start) * f);
    }

    /** "0.5:0.99:500000", the form {@link #parse} reads. */
    @Override
    public String toString() {
        return start + ":" + end + ":" + steps;
    }

    /**
     * START:END:STEPS, e.g. {@code 0.5:0.99:500000}.
     *
     * @throws InvalidSetting naming what is malformed
     */
    public static MomentumRamp parse(String s) {
        String[] parts = s.trim().split(":");
        InvalidSetting.require(parts.length == 3, "momentum ramp",
                "must be START:END:STEPS (e.g. 0.5:0.99:500000), got '" + s.trim() + "'");
        try {
            return new MomentumRamp(Float.parseFloat(parts[0].trim()), Float.parseFloat(parts[1].trim()),
                    Integer.parseInt(parts[2].trim().replace("_", "")));
        } catch (NumberFormatException e) {
            throw new InvalidSetting("momentum ramp", "must be START:END:STEPS with numbers (e.g. 0.5:0.99:500000),"
                    + " got '" + s.trim().toLowerCase(Locale.ROOT) + "'");
        }
    }
}
