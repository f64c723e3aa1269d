package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.backprop.cpu.CpuBackend;
import org.backprop.data.Dataset;
import org.backprop.data.Mnist;
import org.backprop.io.Npz;
import org.backprop.nn.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --save model.onnx} writes a model ONNX Runtime runs on raw pixels, predicting as we do. */
class OnnxSaveTest {

    @TempDir Path dir;

    @Test
    void saveOnnxWritesAModelOnnxRuntimeAgreesWith() throws Exception {
        Path onnx = dir.resolve("m.onnx"), npz = dir.resolve("m.npz");
        String[] recipe = {"--data", "mnist-sample", "--layers", "16", "--epochs", "1", "--batch", "250",
                "--backend", "cpu", "--threads", "1", "--seed", "3"};
        Cli.Run r = Cli.ok(Cli.concat(new String[] {"train", "--save", onnx.toString()}, recipe));
        assertTrue(r.out().contains("saved: " + onnx + " (ONNX opset 13, input scaling x / 255)"), r.out());
        // the same seeded run again, saved as arrays we can load
        assertEquals(0, Cli.run(Cli.concat(new String[] {"train", "--save", npz.toString()}, recipe)).exit());

        Dataset test = Mnist.sample().test();
        float[] ours;
        try (CpuBackend b = new CpuBackend(1); Model m = Model.fromState(Npz.load(npz), b)) {
            ours = m.predict(test.features(), test.size());
        }
        float[] pixels = test.features();
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = Math.round(pixels[i] * 255f);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[][] theirs;
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(onnx.toString(), o);
                 OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] {test.size(), 784});
                 OrtSession.Result out = s.run(Map.of("input", x))) {
                theirs = (float[][]) out.get(0).getValue();
            }
        }
        for (int i = 0; i < test.size(); i++) {
            for (int j = 0; j < 10; j++) {
                assertEquals(ours[i * 10 + j], theirs[i][j], 1e-5f, "image " + i + " class " + j);
            }
        }
    }

    @Test
    void anOnnxFileIsNotReadBackAndNotACheckpoint() {
        Cli.Run r = Cli.run("train", "--data", "mnist-sample", "--layers", "none", "--epochs", "1", "--backend", "cpu",
                "--checkpoint-every", "1", "--checkpoint", dir.resolve("c.onnx").toString());
        assertEquals(Main.USAGE, r.exit(), r.out());
        assertTrue(r.err().contains("checkpoints are our own format (they resume); export a model with --save"), r.err());
    }
}
