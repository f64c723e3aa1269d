package org.backprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MnistSampleTest {

    @Test
    void sampleHas5000TrainingAnd1000TestImages() {
        Dataset.Split s = Mnist.sample();
        assertEquals(5000, s.train().size());
        assertEquals(1000, s.test().size());
        assertEquals(784, s.train().featureCount());
        assertEquals(10, s.train().classes());
    }

    @Test
    void sampleHoldsEveryDigit() {
        for (Dataset d : new Dataset[] {Mnist.sample().train(), Mnist.sample().test()}) {
            int[] counts = new int[10];
            for (int y : d.labels()) {
                counts[y]++;
            }
            assertTrue(Arrays.stream(counts).allMatch(c -> c > 50), d + ": " + Arrays.toString(counts));
        }
    }

    /** The committed sample files are byte for byte what MakeMnistSample makes from the full set. */
    @Test
    void sampleFilesAreWhatTheScriptProduces() throws IOException {
        Path cache = MnistFetcher.defaultCacheDir();
        assumeTrue(new MnistFetcher().cached(cache),
                "full MNIST is not in " + cache + " (run `backprop data fetch mnist`); cannot compare the sample");
        for (String name : Mnist.FILES) {
            int n = name.startsWith("train") ? MakeMnistSample.TRAIN : MakeMnistSample.TEST;
            byte[] expected = MakeMnistSample.sampleBytes(IdxReader.read(cache.resolve(name)), n);
            byte[] committed;
            try (InputStream in = Mnist.class.getResourceAsStream(Mnist.SAMPLE_RESOURCE + name + ".gz")) {
                committed = in.readAllBytes();
            }
            assertArrayEquals(expected, committed, name);
        }
    }
}
