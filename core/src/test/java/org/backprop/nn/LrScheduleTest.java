package org.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LrScheduleTest {

    private static void assertRates(LrSchedule s, int epochs, double... expected) {
        for (int e = 1; e <= expected.length; e++) {
            assertEquals(expected[e - 1], s.rate(0.1f, e, epochs), 1e-7, s.describe() + ", epoch " + e);
        }
    }

    @Test
    void constantKeepsTheRate() {
        assertRates(LrSchedule.constant(), 3, 0.1, 0.1, 0.1);
        assertFalse(LrSchedule.constant().decays());
    }

    @Test
    void exponentialMultipliesEveryEpoch() {
        assertRates(LrSchedule.exponential(0.5f), 4, 0.1, 0.05, 0.025, 0.0125);
        assertTrue(LrSchedule.exponential(0.5f).decays());
        assertFalse(LrSchedule.exponential(1f).decays());
    }

    @Test
    void stepMultipliesEveryStepSizeEpochs() {
        assertRates(new LrSchedule("step", 0.1f, 2, 0), 5, 0.1, 0.1, 0.01, 0.01, 0.001);
    }

    /** Cosine over 5 epochs: (1 + cos(π·k/5))/2 for k = 0..4. */
    @Test
    void cosineAnnealsOverTheRun() {
        assertRates(new LrSchedule("cosine", 1f, 1, 0), 5,
                0.1, 0.1 * 0.9045084972, 0.1 * 0.6545084972, 0.1 * 0.3454915028, 0.1 * 0.0954915028);
    }

    /** Two warm-up epochs at 1/3 and 2/3 of the rate, then the schedule from its start. */
    @Test
    void warmupRisesLinearlyThenTheScheduleStarts() {
        assertRates(LrSchedule.exponential(0.5f).withWarmup(2), 5, 0.1 / 3, 0.2 / 3, 0.1, 0.05, 0.025);
        assertRates(new LrSchedule("cosine", 1f, 1, 1), 3, 0.05, 0.1, 0.05);
        assertTrue(LrSchedule.constant().withWarmup(1).decays());
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule("linear", 1f, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule("step", 0f, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule("step", 0.5f, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule("constant", 1f, 1, -1));
    }
}
