package org.backprop.data;

import java.io.ByteArrayInputStream;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any mutation of a valid IDX file, plain or gzip, either loads or fails with DataException. */
class IdxReaderProperties {

    record Mutation(int position, byte value) { }

    @Property(tries = 300)
    void mutatedFilesLoadOrFailWithOurException(@ForAll("mutations") List<Mutation> mutations,
                                                @ForAll boolean gzip, @ForAll boolean knownLength,
                                                @ForAll("cuts") int cut) {
        byte[] plain = IdxFiles.images(4, 3, 3, 11);
        byte[] b = gzip ? IdxFiles.gzip(plain) : plain;
        for (Mutation m : mutations) {
            b[m.position() % b.length] = m.value();
        }
        if (cut > 0 && cut < b.length) {
            b = java.util.Arrays.copyOf(b, b.length - cut);
        }
        try {
            IdxReader.read(new ByteArrayInputStream(b), "p", knownLength ? b.length : -1);
        } catch (DataException expected) {
            // our type: fine
        }
    }

    @Property(tries = 300)
    void randomBytesLoadOrFailWithOurException(@ForAll("blobs") byte[] b, @ForAll boolean knownLength) {
        try {
            IdxReader.read(new ByteArrayInputStream(b), "p", knownLength ? b.length : -1);
        } catch (DataException expected) {
            // our type: fine
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 10_000), Arbitraries.bytes())
                .as(Mutation::new).list().ofMaxSize(4);
    }

    @Provide
    Arbitrary<Integer> cuts() {
        return Arbitraries.integers().between(0, 40);
    }

    @Provide
    Arbitrary<byte[]> blobs() {
        // small headers with hostile dimension bytes are more interesting than uniform noise
        Arbitrary<byte[]> header = Arbitraries.of(new byte[] {0, 0, 8, 3}, new byte[] {0, 0, 8, 1},
                new byte[] {0x1f, (byte) 0x8b, 8, 0});
        return Combinators.combine(header, Arbitraries.bytes().array(byte[].class).ofMaxSize(64))
                .as((h, t) -> {
                    byte[] out = new byte[h.length + t.length];
                    System.arraycopy(h, 0, out, 0, h.length);
                    System.arraycopy(t, 0, out, h.length, t.length);
                    return out;
                });
    }
}
