package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.backprop.core.Backend;
import org.backprop.core.Backends;
import org.backprop.data.Dataset;
import org.backprop.data.Mnist;
import org.backprop.io.Checkpoint;
import org.backprop.nn.Activation;
import org.backprop.nn.Checkpoints;
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
                        .dense(512, Activation.RELU)
                        .dense(512, Activation.RELU)
                        .dense(10, Activation.SOFTMAX)
                        .init(Init.AUTO).seed(42)
                        .build(backend);
                 Optimizer adam = Optimizer.adam(1e-3f)) {
                Trainer trainer = new Trainer(model, Loss.CROSS_ENTROPY, adam);
                TrainResult result = trainer.fit(mnist.train(), mnist.test(),
                        new FitOptions(128, 2, 42).withLrDecay(0.8f),
                        epoch -> System.out.println(epoch.line()));
                float[] probabilities = model.predict(mnist.test().features(), mnist.test().size());
                Checkpoint.save(file, Checkpoints.capture(model, adam, Map.of()));
                // --- README example ends
                assertTrue(result.last().testAccuracy() > 0.85, "accuracy " + result.last().testAccuracy());
                try (Model back = Checkpoints.restore(Checkpoint.load(file), backend)) {
                    assertArrayEquals(probabilities, back.predict(mnist.test().features(), mnist.test().size()));
                }
            }
        }
    }
}
