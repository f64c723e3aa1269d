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
        assertEquals(28, TrainingRecipe.FIELDS.size());
        for (TrainingRecipe.Field f : TrainingRecipe.FIELDS) {
            assertFalse(f.value().apply(r).isEmpty(), f.setting());
        }
        assertEquals("cosine", r.schedule().kind());
    }

    @Test
    void theDeformationSettingsAreNamedBySetting() {
        org.backprop.data.Deformation d = org.backprop.data.Deformation.parse("affine+elastic");
        assertEquals("augment", refused(() -> org.backprop.data.Deformation.parse("shear")).setting());
        assertEquals("rotation", refused(() -> d.withAffine(-1f, 0.1f, 0f)).setting());
        assertEquals("scale", refused(() -> d.withAffine(10f, 1f, 0f)).setting());
        assertEquals("shift", refused(() -> d.withAffine(10f, 0.1f, Float.NaN)).setting());
        assertEquals("elastic sigma", refused(() -> d.withElastic(101f, 34f)).setting());
        assertEquals("elastic alpha", refused(() -> d.withElastic(4f, -1f)).setting());
    }

    private static InvalidSetting refused(Runnable make) {
        InvalidSetting e = assertThrows(InvalidSetting.class, make::run);
        assertFalse(e.getMessage().contains("--"), e.getMessage());
        return e;
    }

    @Test
    void theTuningSettingsAreCheckedAndRefusedWhereTheyDoNotApply() {
        TrainingRecipe adam = with(0.1f, 10, 5, 0);
        TrainingRecipe momentum = adam.withOptimizer("momentum", 0.05f);
        assertEquals("input dropout", refused(() -> adam.withTuning(1f, 0f, null, 0.99f, 1e-8f)).setting());
        assertEquals("max-norm", refused(() -> adam.withTuning(0f, -1f, null, 0.99f, 1e-8f)).setting());
        assertEquals("max-norm", refused(() -> adam.withHidden(new int[0], null).withTuning(0f, 3f, null, 0.99f,
                1e-8f)).setting());
        MomentumRamp ramp = new MomentumRamp(0.5f, 0.99f, 100);
        assertEquals("momentum ramp", refused(() -> adam.withTuning(0f, 0f, ramp, 0.99f, 1e-8f)).setting());
        assertEquals("rho", refused(() -> adam.withTuning(0f, 0f, null, 0.9f, 1e-8f)).setting());
        assertEquals("rho", refused(() -> adam.withOptimizer("rmsprop", 0.01f).withTuning(0f, 0f, null, 1f, 1e-8f))
                .setting());
        assertEquals("eps", refused(() -> momentum.withTuning(0f, 0f, null, 0.99f, 1e-3f)).setting());
        assertEquals("eps", refused(() -> adam.withTuning(0f, 0f, null, 0.99f, 0f)).setting());
        assertEquals("momentum ramp", refused(() -> new MomentumRamp(0.5f, 1f, 10)).setting());
        assertEquals("momentum ramp", refused(() -> new MomentumRamp(0.5f, 0.9f, 0)).setting());
        assertEquals("momentum ramp", refused(() -> MomentumRamp.parse("0.5:0.99")).setting());
        assertEquals(new MomentumRamp(0.5f, 0.99f, 500_000), MomentumRamp.parse(" 0.5:0.99:500000 "));
        // accepted where they apply
        momentum.withTuning(0.2f, 3f, ramp, 0.99f, 1e-8f);
        adam.withOptimizer("rmsprop", 0.01f).withTuning(0f, 0f, null, 0.9f, 1e-6f);
        adam.withTuning(0f, 0f, null, 0.99f, 1e-6f);
    }
}
