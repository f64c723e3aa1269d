package org.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.backprop.core.Backend;
import org.backprop.cpu.CpuBackend;
import org.backprop.data.Dataset;
import org.backprop.data.Deformation;
import org.backprop.io.ModelState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Training on deformed images: the same run on any thread count, a different run from the undeformed one, saved in the recipe. */
class AugmentedTrainingTest {

    private static float[] train(int threads, Deformation d, int batch) {
        Dataset data = TestData.random(200, 64, 3, 21);   // 8×8 "images"
        try (Backend b = new CpuBackend(threads);
             Model m = Model.builder(64).dense(24, Activation.RELU).dense(3, Activation.SOFTMAX).seed(4).build(b);
             Optimizer opt = Optimizer.momentum(0.05f, 0.9f)) {
            Trainer t = new Trainer(m, Loss.CROSS_ENTROPY, opt).augment(d);
            t.fit(data, data, new FitOptions(batch, 3, 11), null);
            return m.weights(0);
        }
    }

    @Test
    void deformedTrainingDoesNotDependOnTheThreadCount() {
        Deformation d = Deformation.parse("affine+elastic").withAffine(15f, 0.15f, 1f).withElastic(2f, 8f);
        float[] one = train(1, d, 32);
        assertArrayEquals(one, train(3, d, 32), "1 and 3 threads");
        assertFalse(Arrays.equals(one, train(1, null, 32)), "the deformations changed nothing");
    }

    /** The CPU backend's next batch deformed during the step against each deformed when asked. */
    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2})
    void deformingTheNextBatchDuringTheStepChangesNoBit(int threads) {
        Deformation d = Deformation.parse("affine+elastic").withAffine(15f, 0.15f, 1f).withElastic(2f, 8f);
        String property = "backprop.cpu.deformAhead";
        try {
            System.setProperty(property, "true");
            float[] overlapped = train(threads, d, 32);
            System.setProperty(property, "false");
            assertArrayEquals(overlapped, train(threads, d, 32), "deformed ahead and deformed when asked");
        } finally {
            System.clearProperty(property);
        }
    }

    @Test
    void elasticWithAlphaZeroTrainsAsWithoutDeformations() {
        // the identity deformation: the same batches, the same steps, the same weights
        assertArrayEquals(train(2, null, 50), train(2, Deformation.parse("elastic").withElastic(4f, 0f), 50));
    }

    @Test
    void aModelWhoseInputsAreNotASquareImageIsRefused() {
        try (Backend b = new CpuBackend(1);
             Model m = Model.builder(12).dense(3, Activation.SOFTMAX).seed(4).build(b)) {
            InvalidSetting e = assertThrows(InvalidSetting.class,
                    () -> new Trainer(m, Loss.CROSS_ENTROPY, Optimizer.sgd(0.1f)).augment(Deformation.parse("affine")));
            assertEquals("augment", e.setting());
            assertTrue(e.getMessage().contains("12 input features are not one"), e.getMessage());
        }
    }

    @Test
    void theDeformationSurvivesCheckpointMetadata() {
        Deformation d = Deformation.parse("affine+elastic").withAffine(10f, 0.2f, 2f).withElastic(4f, 34f);
        TrainingRecipe r = TrainingRecipe.defaults().withHidden(new int[] {9}, null).withAugment(d);
        try (Backend b = new CpuBackend(1); Model m = r.build(b, 16, 3)) {
            ModelState st = m.state(null, r.metadata(2));
            assertEquals("affine+elastic", st.metadata().get("augment"));
            assertEquals("34.0", st.metadata().get("elastic-alpha"));
            assertEquals(r, TrainingRecipe.fromMetadata(st));
            TrainingRecipe plain = TrainingRecipe.defaults().withHidden(new int[] {9}, null);
            ModelState none = m.state(null, plain.metadata(1));
            assertEquals("none", none.metadata().get("augment"));
            assertEquals("-", none.metadata().get("elastic-sigma"));
            assertEquals(plain, TrainingRecipe.fromMetadata(none));
        }
        TrainingRecipe affineOnly = TrainingRecipe.defaults().withAugment(Deformation.parse("affine"));
        assertEquals("-", affineOnly.metadata(1).get("elastic-sigma"));
        assertTrue(affineOnly.describe(784, 10).contains("augment affine (rotation ±15°, scale ±15%, shift ±0 px)"),
                affineOnly.describe(784, 10));
    }
}
