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

    private static final Dataset.Split SAMPLE = Mnist.sample();

    @Test
    void sampleHas5000TrainingAnd1000TestImages() {
        Dataset.Split s = SAMPLE;
        assertEquals(5000, s.train().size());
        assertEquals(1000, s.test().size());
        assertEquals(784, s.train().featureCount());
        assertEquals(10, s.train().classes());
    }

    @Test
    void sampleHoldsEveryDigit() {
        for (Dataset d : new Dataset[] {SAMPLE.train(), SAMPLE.test()}) {
            int[] counts = new int[10];
            for (int y : d.labels()) {
                counts[y]++;
            }
            assertTrue(Arrays.stream(counts).allMatch(c -> c > 50), d + ": " + Arrays.toString(counts));
        }
    }

    /**
     * The committed sample holds exactly the first records of the full set. Compared after
     * decompression: another zlib may compress the same bytes differently.
     */
    @Test
    void sampleFilesAreWhatTheScriptProduces() throws IOException {
        Path cache = MnistFetcher.defaultCacheDir();
        assumeTrue(new MnistFetcher().cached(cache),
                "full MNIST is not in " + cache + " (run `backprop data fetch mnist`); cannot compare the sample");
        for (String name : Mnist.FILES) {
            int n = name.startsWith("train") ? MakeMnistSample.TRAIN : MakeMnistSample.TEST;
            IdxReader.IdxArray full = IdxReader.read(cache.resolve(name));
            IdxReader.IdxArray committed;
            try (InputStream in = Mnist.class.getResourceAsStream(Mnist.SAMPLE_RESOURCE + name + ".gz")) {
                committed = IdxReader.read(in, name, -1);
            }
            int[] dims = full.dims().clone();
            dims[0] = n;
            assertArrayEquals(dims, committed.dims(), name);
            assertArrayEquals(Arrays.copyOf(full.data(), n * full.recordSize()), committed.data(), name);
        }
    }
}
