package org.backprop.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Makes the bundled sample under {@code core/src/main/resources/org/backprop/data/mnist-sample/}:
 * the first {@value #TRAIN} training and first {@value #TEST} test records of the full MNIST set,
 * IDX with the count in the header cut down, gzip at level 9 (Java's gzip header carries no
 * timestamp, so the output is byte-for-byte reproducible).
 *
 * <p>Run from the repository root after {@code mvn -pl core test-compile}:
 * {@code java -cp core/target/classes:core/target/test-classes org.backprop.data.MakeMnistSample}
 * (it fetches MNIST into the default cache first if needed).
 */
public final class MakeMnistSample {

    static final int TRAIN = 5000;
    static final int TEST = 1000;

    private MakeMnistSample() { }

    public static void main(String[] args) throws IOException {
        Path cache = MnistFetcher.fetch(MnistFetcher.defaultCacheDir(), Optional.empty());
        Path out = Path.of(args.length > 0 ? args[0] : "core/src/main/resources/org/backprop/data/mnist-sample");
        Files.createDirectories(out);
        for (String name : Mnist.FILES) {
            int n = name.startsWith("train") ? TRAIN : TEST;
            byte[] gz = sampleBytes(IdxReader.read(cache.resolve(name)), n);
            Files.write(out.resolve(name + ".gz"), gz);
            System.out.println(out.resolve(name + ".gz") + ": " + gz.length + " bytes");
        }
    }

    /** The gzip bytes of an IDX file holding the first {@code n} records of {@code full}. */
    static byte[] sampleBytes(IdxReader.IdxArray full, int n) throws IOException {
        int[] dims = full.dims().clone();
        dims[0] = n;
        ByteBuffer header = ByteBuffer.allocate(4 + 4 * dims.length);
        header.put((byte) 0).put((byte) 0).put((byte) IdxReader.UBYTE).put((byte) dims.length);
        for (int d : dims) {
            header.putInt(d);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gz.write(header.array());
            gz.write(Arrays.copyOf(full.data(), n * full.recordSize()));
        }
        return bytes.toByteArray();
    }
}
