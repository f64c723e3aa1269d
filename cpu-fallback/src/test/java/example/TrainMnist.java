package example;

import java.nio.file.Path;
import java.util.Map;
import org.backprop.core.Backends;
import org.backprop.data.Dataset;
import org.backprop.data.Mnist;
import org.backprop.io.Checkpoint;
import org.backprop.nn.TrainingRecipe;
import org.backprop.train.TrainingRun;

/** Trains a 784-128-10 network on the MNIST sample bundled in backprop-core and saves it. */
public final class TrainMnist {

    public static void main(String[] args) {
        Path saveTo = Path.of(args.length > 0 ? args[0] : "mnist.bpm");
        Dataset.Split mnist = Mnist.sample();                             // or Mnist.load(folderOfIdxFiles)
        TrainingRecipe recipe = TrainingRecipe.defaults()                 // ReLU, softmax + cross-entropy,
                .withHidden(new int[] {128}, null)                        // Adam 1e-3 with a cosine schedule,
                .withEpochs(3);                                           // batch 128, seed 42
        try (TrainingRun run = new TrainingRun(recipe, new TrainingRun.Data(mnist.train(), mnist.test()))) {
            TrainingRun.Outcome outcome = run
                    .listen(TrainingRun.Listener.onEpoch(epoch -> System.out.println(epoch.line())))
                    .run(Backends.best());                                // CUDA if it works, else the CPU
            float[] probabilities = run.model().predict(mnist.test().features(), mnist.test().size());
            int first = 0;
            for (int c = 1; c < 10; c++) {
                first = probabilities[c] > probabilities[first] ? c : first;
            }
            System.out.printf("test accuracy %.2f%%; first test image: %d (label %d)%n",
                    100 * outcome.result().last().testAccuracy(), first, mnist.test().labels()[0]);
            Checkpoint.save(saveTo, run.state(Map.of()));                // weights, Adam's state, the recipe
        }
    }
}
