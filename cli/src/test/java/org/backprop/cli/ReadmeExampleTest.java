package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.backprop.core.Backend;
import org.backprop.core.Backends;
import org.backprop.core.Tensor;
import org.backprop.data.Dataset;
import org.backprop.data.Mnist;
import org.backprop.io.Checkpoint;
import org.backprop.nn.Activation;
import org.backprop.nn.Activations;
import org.backprop.nn.FitOptions;
import org.backprop.nn.Init;
import org.backprop.nn.Loss;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.TrainResult;
import org.backprop.nn.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java API example, compiled and run as written (on the bundled sample, 2 epochs). */
class ReadmeExampleTest {

    @TempDir Path dir;

    @Test
    void theReadmeExampleRuns() {
        Path file = dir.resolve("model.bpm");
        // --- README example starts
        try (Backend backend = Backends.best()) {                      // CUDA if it works, else the CPU
            Dataset.Split mnist = Mnist.sample();                      // or Mnist.load(directory)
            try (Model model = Model.builder(784)
                        .dense(512, Activation.RELU).dropout(0.2f)
                        .dense(512, Activation.RELU).dropout(0.2f)
                        .dense(10, Activation.SOFTMAX)
                        .init(Init.AUTO).seed(42)
                        .build(backend);
                 Optimizer adam = Optimizer.adamw(1e-3f, 0.01f)) {
                Trainer trainer = new Trainer(model, Loss.CROSS_ENTROPY, adam);
                TrainResult result = trainer.fit(mnist.train(), mnist.test(),
                        new FitOptions(128, 2, 42).withLrDecay(0.8f),
                        epoch -> System.out.println(epoch.line()));
                float[] probabilities = model.predict(mnist.test().features(), mnist.test().size());
                Checkpoint.save(file, model.state(adam, Map.of()));
                // --- README example ends
                assertTrue(result.last().testAccuracy() > 0.85, "accuracy " + result.last().testAccuracy());
                try (Model back = Model.fromState(Checkpoint.load(file), backend)) {
                    assertArrayEquals(probabilities, back.predict(mnist.test().features(), mnist.test().size()));
                }
            }
        }
    }

    @Test
    void theReadmeTrainingStepRuns() {
        Dataset.Split mnist = Mnist.sample();
        float[] x = java.util.Arrays.copyOf(mnist.train().features(), 128 * 784);
        float[] y = java.util.Arrays.copyOf(mnist.train().targets(10), 128 * 10);
        long seed = 42;
        Loss loss = Loss.CROSS_ENTROPY;
        try (Backend backend = Backends.best();
             Model model = Model.builder(784).dense(64, Activation.RELU).dropout(0.5f)
                     .dense(10, Activation.SOFTMAX).build(backend);
             Optimizer adam = Optimizer.adam(1e-3f)) {
            float before = 0;
            for (int i = 0; i < 20; i++) {
                // --- README step starts
                try (Activations acts = new Activations(model, 128);
                     Tensor lossSum = backend.allocate(1, 1)) {
                    Activations.Batch batch = acts.rows(128);
                    backend.upload(x, batch.input());                  // 128 rows of 784 features
                    backend.upload(y, batch.target());                 // their one-hot labels
                    backend.fill(lossSum, 0f);
                    Tensor logits = model.forward(batch, !loss.fusesOutput(), seed, adam.steps() + 1);
                    loss.forward(model, batch, logits, lossSum);       // the loss, and δ of the output layer
                    model.backward(batch);                             // every parameter's gradient
                    adam.step(model.parameters());
                    // --- README step ends
                    float mean = backend.scalar(lossSum) / 128;
                    if (i == 0) {
                        before = mean;
                    } else if (i == 19) {
                        assertTrue(mean < before / 2, "20 steps on one batch: loss " + before + " -> " + mean);
                    }
                }
            }
        }
    }
}
