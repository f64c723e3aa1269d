package example;

import java.nio.file.Path;
import java.util.Map;
import org.backprop.core.Backend;
import org.backprop.core.Backends;
import org.backprop.data.Dataset;
import org.backprop.data.Mnist;
import org.backprop.io.Checkpoint;
import org.backprop.nn.Activation;
import org.backprop.nn.FitOptions;
import org.backprop.nn.Loss;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.TrainResult;
import org.backprop.nn.Trainer;

/** Trains a 784-128-10 network on the MNIST sample bundled in backprop-core and saves it. */
public final class TrainMnist {

    public static void main(String[] args) {
        Path saveTo = Path.of(args.length > 0 ? args[0] : "mnist.bpm");
        try (Backend backend = Backends.best()) {                     // CUDA if it works, else the CPU
            Dataset.Split mnist = Mnist.sample();                     // or Mnist.load(folderOfIdxFiles)
            try (Model model = Model.builder(784)
                        .dense(128, Activation.RELU)
                        .dense(10, Activation.SOFTMAX)
                        .seed(42)
                        .build(backend);
                 Optimizer adam = Optimizer.adam(1e-3f)) {
                Trainer trainer = new Trainer(model, Loss.CROSS_ENTROPY, adam);
                TrainResult result = trainer.fit(mnist.train(), mnist.test(),
                        new FitOptions(128, 3, 42),                   // batch 128, 3 epochs, seed 42
                        epoch -> System.out.println(epoch.line()));
                float[] probabilities = model.predict(mnist.test().features(), mnist.test().size());
                int first = 0;
                for (int c = 1; c < 10; c++) {
                    first = probabilities[c] > probabilities[first] ? c : first;
                }
                System.out.printf("test accuracy %.2f%%; first test image: %d (label %d)%n",
                        100 * result.last().testAccuracy(), first, mnist.test().labels()[0]);
                Checkpoint.save(saveTo, model.state(adam, Map.of()));
            }
        }
    }
}
