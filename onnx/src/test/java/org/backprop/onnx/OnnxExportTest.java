package org.backprop.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.backprop.core.Backend;
import org.backprop.cpu.CpuBackend;
import org.backprop.data.Dataset;
import org.backprop.data.Mnist;
import org.backprop.data.Standardizer;
import org.backprop.data.Synthetic;
import org.backprop.data.TargetScaling;
import org.backprop.io.LayerState;
import org.backprop.io.ModelState;
import org.backprop.nn.Activation;
import org.backprop.nn.FitOptions;
import org.backprop.nn.Loss;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported file is judged by ONNX Runtime: it must load, take raw inputs (pixels 0..255,
 * unscaled CSV features) and give our model's probabilities for every test row.
 */
class OnnxExportTest {

    /** fp32 probabilities after a few layers whose sums run in a different order: well inside 1e-5. */
    private static final float TOLERANCE = 1e-5f;

    @TempDir Path dir;

    /** ONNX Runtime's probabilities for {@code raw} (rows × features) from the file. */
    private static float[][] runtime(Path file, float[] raw, int rows, int features) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(file.toString(), opts);
                 OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(raw), new long[] {rows, features});
                 OrtSession.Result r = s.run(Map.of(OnnxExport.INPUT, x))) {
                return (float[][]) r.get(0).getValue();
            }
        }
    }

    private static int argmax(float[] p, int from, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (p[from + j] > p[from + best]) {
                best = j;
            }
        }
        return best;
    }

    private static void assertSamePredictions(float[] ours, float[][] theirs, int outputs) {
        for (int i = 0; i < theirs.length; i++) {
            assertEquals(outputs, theirs[i].length);
            for (int j = 0; j < outputs; j++) {
                assertEquals(ours[i * outputs + j], theirs[i][j], TOLERANCE, "row " + i + " output " + j);
            }
            if (outputs > 1) {
                assertEquals(argmax(ours, i * outputs, outputs), argmax(theirs[i], 0, outputs), "row " + i);
            }
        }
    }

    @Test
    void anMnistModelRunsInOnnxRuntimeOnRawPixelsWithOurProbabilities() throws Exception {
        Dataset.Split sp = Mnist.sample();
        Path file = dir.resolve("mnist.onnx");
        float[] ours;
        try (Backend b = new CpuBackend(1);
             Model m = Model.builder(784).dense(32, Activation.RELU).dense(16, Activation.TANH)
                     .dense(10, Activation.SOFTMAX).seed(5).build(b);
             Optimizer adam = Optimizer.adam(1e-3f)) {
            new Trainer(m, Loss.CROSS_ENTROPY, adam).fit(sp.train(), sp.test(), new FitOptions(100, 1, 5), null);
            ours = m.predict(sp.test().features(), sp.test().size());
            OnnxExport.save(file, m.state(null, Map.of("data.source", "mnist-sample")), OnnxExport.InputScaling.pixels());
        }
        // the bytes the IDX file held: the reader divided them by 255
        float[] scaled = sp.test().features();
        float[] pixels = new float[scaled.length];
        for (int i = 0; i < scaled.length; i++) {
            pixels[i] = Math.round(scaled[i] * 255f);
        }
        float[][] theirs = runtime(file, pixels, sp.test().size(), 784);
        assertEquals(sp.test().size(), theirs.length);
        assertSamePredictions(ours, theirs, 10);
        int correct = 0;
        for (int i = 0; i < theirs.length; i++) {
            correct += argmax(theirs[i], 0, 10) == sp.test().labels()[i] ? 1 : 0;
        }
        assertTrue(correct > 500, "a trained model, not a constant (one epoch: about 72%): " + correct + " of 1000 right in ONNX Runtime");
    }

    @Test
    void aStandardisedModelWithOneSigmoidUnitTakesUnscaledFeatures() throws Exception {
        Dataset raw = Synthetic.generate("moons", 300, 3);
        // an offset and a spread the standardisation must undo
        float[] x = raw.features();
        for (int i = 0; i < x.length; i++) {
            x[i] = 40 + 25 * x[i];
        }
        raw = new Dataset("moons", x, raw.labels(), 2, 2);
        Standardizer s = Standardizer.fit(raw);
        Dataset train = s.apply(raw);
        Path file = dir.resolve("moons.onnx");
        float[] ours;
        try (Backend b = new CpuBackend(1);
             Model m = Model.builder(2).dense(8, Activation.TANH).dense(1, Activation.SIGMOID).seed(2).build(b);
             Optimizer sgd = Optimizer.sgd(0.5f)) {
            new Trainer(m, Loss.BINARY_CROSS_ENTROPY, sgd).fit(train, train, new FitOptions(20, 3, 2), null);
            ours = m.predict(train.features(), train.size());
            OnnxExport.save(file, m.state(), OnnxExport.InputScaling.standardize(s.mean(), s.std()));
        }
        float[][] theirs = runtime(file, raw.features(), raw.size(), 2);
        assertSamePredictions(ours, theirs, 1);
        for (int i = 0; i < raw.size(); i++) {
            assertEquals(ours[i] > 0.5f, theirs[i][0] > 0.5f, "row " + i);
        }
    }

    @Test
    void aRegressionTrainedOnStandardisedTargetsGivesTargetUnitsInOnnxRuntime() throws Exception {
        // one linear unit, y' = 2·x1 − x2 + 0.5 in standardised units; the targets had mean 100, std 10
        ModelState st = new ModelState(List.of(new LayerState("identity", 2, 1, new float[] {2, -1}, new float[] {0.5f})),
                Map.of(TargetScaling.MEAN_KEY, "100", TargetScaling.STD_KEY, "10"), Map.of());
        Path file = dir.resolve("regression.onnx");
        OnnxExport.save(file, st, OnnxExport.InputScaling.none());
        float[][] y = runtime(file, new float[] {1, 2, 3, 1, 0, 0}, 3, 2);
        // (2 − 2 + 0.5)·10 + 100, (6 − 1 + 0.5)·10 + 100, 0.5·10 + 100
        assertEquals(105f, y[0][0], 1e-4f);
        assertEquals(155f, y[1][0], 1e-4f);
        assertEquals(105f, y[2][0], 1e-4f);
        try (OrtSession s = OrtEnvironment.getEnvironment().createSession(file.toString(), new OrtSession.SessionOptions())) {
            assertEquals(List.of("output"), List.copyOf(s.getOutputInfo().keySet()));
            assertEquals(OnnxExport.OUTPUT_UNSCALING, s.getMetadata().getCustomMetadata().get("output.scaling"));
        }
        // the same weights without the scaling: the standardised value itself
        OnnxExport.save(file, new ModelState(st.layers()), OnnxExport.InputScaling.none());
        assertEquals(0.5f, runtime(file, new float[] {1, 2}, 1, 2)[0][0], 1e-6f);
    }

    @Test
    void aTargetScalingOnAClassifierIsRefused() {
        ModelState st = new ModelState(List.of(new LayerState("sigmoid", 2, 1, new float[2], new float[1])),
                Map.of(TargetScaling.MEAN_KEY, "1", TargetScaling.STD_KEY, "2"), Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExport.encode(st, OnnxExport.InputScaling.none()));
        assertTrue(e.getMessage().contains("only a regression's linear output"), e.getMessage());
    }

    @Test
    void theInputHasASymbolicBatchAndTheNamesPyTorchUsersExpect() throws Exception {
        Path file = dir.resolve("small.onnx");
        OnnxExport.save(file, new ModelState(List.of(new LayerState("relu", 3, 4, new float[12], new float[4]),
                new LayerState("softmax", 4, 2, new float[8], new float[2]))), OnnxExport.InputScaling.none());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
            Map<String, NodeInfo> in = s.getInputInfo();
            assertEquals(List.of("input"), List.copyOf(in.keySet()));
            assertArrayEquals(new long[] {-1, 3}, ((TensorInfo) in.get("input").getInfo()).getShape());
            assertEquals(List.of("probabilities"), List.copyOf(s.getOutputInfo().keySet()));
            assertEquals("backprop", s.getMetadata().getProducerName());
        }
        // five rows through a file declared for any batch: zero weights give uniform probabilities
        float[][] p = runtime(file, new float[15], 5, 3);
        assertEquals(5, p.length);
        assertArrayEquals(new float[] {0.5f, 0.5f}, p[4], 0f);
    }

    @Test
    void theModelDeclaresOpset13AndIrVersion7() throws IOException {
        byte[] bytes = OnnxExport.encode(new ModelState(List.of(new LayerState("sigmoid", 2, 1, new float[2],
                new float[1]))), OnnxExport.InputScaling.none());
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        long ir = -1;
        long opset = -1;
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = tag >>> 3;
            if (field == 1) {
                ir = in.readInt64();
            } else if (field == 8) {
                CodedInputStream set = CodedInputStream.newInstance(in.readByteArray());
                for (int t; (t = set.readTag()) != 0; ) {
                    if (t >>> 3 == 2) {
                        opset = set.readInt64();
                    } else {
                        set.skipField(t);
                    }
                }
            } else {
                in.skipField(tag);
            }
        }
        assertEquals(7, ir);
        assertEquals(13, opset);
    }

    @Test
    void anActivationOnnxHasNoOperatorForIsRefusedNamingTheLayer() {
        ModelState st = new ModelState(List.of(new LayerState("swish", 2, 2, new float[4], new float[2])));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExport.save(dir.resolve("x.onnx"), st, OnnxExport.InputScaling.none()));
        assertTrue(e.getMessage().contains("layer 0: activation 'swish'"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("x.onnx")), "nothing written");
    }

    @Test
    void aStandardisationOfTheWrongWidthIsRefused() {
        ModelState st = new ModelState(List.of(new LayerState("softmax", 3, 2, new float[6], new float[2])));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.encode(st,
                OnnxExport.InputScaling.standardize(new float[2], new float[] {1, 1})));
        assertTrue(e.getMessage().contains("2 features, the model takes 3"), e.getMessage());
    }
}
