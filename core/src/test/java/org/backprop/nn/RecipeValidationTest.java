package org.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The recipe's one validator names settings, never command-line flags. */
class RecipeValidationTest {

    private static TrainingRecipe with(float lr, int batch, int epochs, int warmup) {
        return new TrainingRecipe(new int[] {8}, Activation.RELU, Activation.SOFTMAX, Loss.CROSS_ENTROPY, "adam", lr,
                LrSchedule.cosine().withWarmup(warmup), 0.9f, 0f, null, Init.AUTO, 1, batch, epochs);
    }

    @Test
    void outOfRangeSettingsAreNamedBySetting() {
        InvalidSetting lr = assertThrows(InvalidSetting.class, () -> with(20f, 10, 5, 0));
        assertEquals("learning rate", lr.setting());
        assertEquals("learning rate must be in (0, 10], got 20.0", lr.getMessage());
        assertEquals("batch", assertThrows(InvalidSetting.class, () -> with(0.1f, 0, 5, 0)).setting());
        assertEquals("epochs", assertThrows(InvalidSetting.class, () -> with(0.1f, 10, 0, 0)).setting());
        InvalidSetting warmup = assertThrows(InvalidSetting.class, () -> with(0.1f, 10, 3, 3));
        assertEquals("warmup", warmup.setting());
        assertFalse(warmup.getMessage().contains("--"), warmup.getMessage());
    }

    @Test
    void everyFieldReadsTheRecipe() {
        TrainingRecipe r = TrainingRecipe.defaults();
        assertEquals(17, TrainingRecipe.FIELDS.size());
        for (TrainingRecipe.Field f : TrainingRecipe.FIELDS) {
            assertFalse(f.value().apply(r).isEmpty(), f.setting());
        }
        assertEquals("cosine", r.schedule().kind());
    }
}
