package org.backprop.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Checkpoint.load on mutated files: loads or throws CheckpointException, never anything else. */
class CheckpointProperties {

    private static Path dir;
    private static byte[] valid;

    record Mutation(int position, int value) { }

    @BeforeContainer
    static void makeValid() throws IOException {
        dir = Files.createTempDirectory("bprop-props");
        Path p = dir.resolve("valid.bprop");
        Checkpoint.save(p, States.random(9, 4, 3, 2));
        valid = Files.readAllBytes(p);
    }

    @AfterContainer
    static void clean() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    @Property(tries = 400)
    void mutatedCheckpointsLoadOrFailWithOurException(@ForAll("mutations") List<Mutation> mutations,
                                                      @ForAll boolean fixCrc, @ForAll("cuts") int cut) {
        byte[] b = valid.clone();
        for (Mutation m : mutations) {
            b[m.position() % b.length] = (byte) m.value();
        }
        if (cut > 0) {
            b = java.util.Arrays.copyOf(b, Math.max(0, b.length - cut));
        }
        if (fixCrc && b.length >= 20) {
            CheckpointTest.fixCrc(b);
        }
        Path p = dir.resolve("m.bprop");
        try {
            Files.write(p, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Checkpoint.load(p);
        } catch (CheckpointException expected) {
            // our type: fine
        }
    }

    @Property(tries = 100)
    void savedStatesLoadBack(@ForAll("sizes") int[] sizes, @ForAll long seed) {
        ModelState s = States.random(seed, sizes);
        Path p = dir.resolve("r.bprop");
        Checkpoint.save(p, s);
        States.assertSame(s, Checkpoint.load(p));
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        // values biased to the hostile ones: 0, 0xff, 0x7f, 0x80
        Arbitrary<Integer> value = Arbitraries.oneOf(Arbitraries.of(0, 0xff, 0x7f, 0x80),
                Arbitraries.integers().between(0, 255));
        return Combinators.combine(Arbitraries.integers().between(0, 100_000), value).as(Mutation::new)
                .list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<Integer> cuts() {
        return Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 200));
    }

    @Provide
    Arbitrary<int[]> sizes() {
        return Arbitraries.integers().between(1, 9).array(int[].class).ofMinSize(2).ofMaxSize(5);
    }
}
