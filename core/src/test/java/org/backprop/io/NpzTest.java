package org.backprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzTest {

    @TempDir
    Path dir;

    /** An npy v1.0 file by the spec: magic, version, little-endian header length, dict padded to 64. */
    static byte[] npy(String descr, boolean fortran, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
                + ", 'shape': " + shape + ", }";
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        byte[] header = (dict + " ".repeat(total - unpadded) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
                .putShort((short) header.length).put(header).put(data);
        return b.array();
    }

    static byte[] doubles(ByteOrder order, double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(order);
        for (double d : v) {
            b.putDouble(d);
        }
        return b.array();
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private Path zip(Map<String, byte[]> entries) throws IOException {
        Path p = dir.resolve("w.npz");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        Files.write(p, out.toByteArray());
        return p;
    }

    private String error(Map<String, byte[]> entries) throws IOException {
        Path p = zip(entries);
        return assertThrows(CheckpointException.class, () -> Npz.load(p)).getMessage();
    }

    /** An archive of layer0's weight and bias arrays must be refused with a message containing expected. */
    private void assertLayer0Refused(byte[] weight, byte[] bias, String expected) throws IOException {
        String m = error(layer0(weight, bias));
        assertTrue(m.contains(expected), m);
    }

    /** An archive of layer0's weight and bias arrays. */
    private static Map<String, byte[]> layer0(byte[] weight, byte[] bias) {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("layer0.weight.npy", weight);
        e.put("layer0.bias.npy", bias);
        return e;
    }

    @Test
    void roundTripKeepsEverything() {
        States.assertRoundTrip(States.random(1, 5, 4, 3), dir.resolve("m.npz"), Npz::save, Npz::load);
    }

    @Test
    void archiveOfNumpyArraysWithoutActivationsLoadsWithUnknownActivations() throws IOException {
        LayerState l = Npz.load(zip(layer0(npy("<f8", true, "(2, 3)", doubles(ByteOrder.LITTLE_ENDIAN, 1, 4, 2, 5, 3, 6)),
                npy(">f8", false, "(3,)", doubles(ByteOrder.BIG_ENDIAN, 0.5, -1, 2))))).layers().get(0);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, l.weights());
        assertArrayEquals(new float[] {0.5f, -1, 2}, l.bias());
        assertEquals("", l.activation(), "no activations array: unknown");
    }

    @Test
    void anArrayTheCodecRefusesIsNamedWithTheArchive() throws IOException {
        assertLayer0Refused(npy("<i8", false, "(1, 1)", new byte[8]),
                npy("<f4", false, "(1,)", floats(0)), "w.npz: layer0.weight.npy: dtype '<i8' is not supported");
    }

    @Test
    void biasShapeMismatchNamesBothArrays() throws IOException {
        assertLayer0Refused(npy("<f4", false, "(2, 3)", floats(1, 2, 3, 4, 5, 6)),
                npy("<f4", false, "(2,)", floats(0, 0)), "layer0.bias has shape (2,) but layer0.weight (2, 3) needs (3,)");
    }

    @Test
    void missingBiasIsNamed() throws IOException {
        assertTrue(error(Map.of("layer0.weight.npy", npy("<f4", false, "(1, 1)", floats(1)))).contains("layer0.bias is missing"));
    }

    @Test
    void pytorchLayoutIsCaughtByTheChainCheck() throws IOException {
        // Linear(3→4) then Linear(4→2) saved as PyTorch's (outputs, inputs) without transposing
        assertLayer0Refused(npy("<f4", false, "(4, 3)", new byte[48]),
                npy("<f4", false, "(4,)", new byte[16]), "layer0.bias has shape (4,) but layer0.weight (4, 3) needs (3,)");
    }

    @Test
    void unknownEntriesAreRejected() throws IOException {
        assertTrue(error(Map.of("layer0.weights.npy", npy("<f4", false, "(1, 1)", floats(1)))).contains("unexpected array 'layer0.weights'"));
    }

    @Test
    void notAZipIsOneLine() throws IOException {
        Path p = dir.resolve("x.npz");
        Files.writeString(p, "hello");
        String m = assertThrows(CheckpointException.class, () -> Npz.load(p)).getMessage();
        assertTrue(m.contains("not a readable .npz"), m);
    }

    /** The bytes of a small saved model's archive. */
    private byte[] savedArchive() throws IOException {
        Path p = dir.resolve("m.npz");
        Npz.save(p, States.random(2, 3, 2));
        return Files.readAllBytes(p);
    }

    @Test
    void everyTruncationIsOurError() throws IOException {
        byte[] full = savedArchive();
        Path cut = dir.resolve("cut.npz");
        for (int len = 0; len < full.length; len += 7) {
            Files.write(cut, Arrays.copyOf(full, len));
            try {
                Npz.load(cut);
            } catch (CheckpointException expected) {
                // fine: a zip's central directory is at its end, so almost every prefix fails
            }
        }
    }

    @Test
    void everyFlippedByteLoadsOrIsOurError() throws IOException {
        byte[] full = savedArchive();
        Path bad = dir.resolve("bad.npz");
        for (int i = 0; i < full.length; i++) {
            byte[] b = full.clone();
            b[i] ^= (byte) 0xff;
            Files.write(bad, b);
            try {
                Npz.load(bad);
            } catch (CheckpointException expected) {
                // fine; a flipped weight byte loads as a different weight, as with numpy
            }
        }
    }

    private static Boolean numpy;

    private static synchronized boolean numpyAvailable() {
        if (numpy == null) {
            numpy = probeNumpy();
        }
        return numpy;
    }

    private static boolean probeNumpy() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String python(String script, Path cwd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", "-c", script).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), out);
        return out.trim();
    }

    @Test
    void loadsWhatNumpySavez() throws Exception {
        assumeTrue(numpyAvailable(), "python3 with numpy is not installed; the hand-made npy tests cover the format");
        python("import numpy as np\n"
                + "w0 = np.arange(12, dtype=np.float32).reshape(3, 4)\n"
                + "w1 = np.asfortranarray(np.arange(8, dtype=np.float64).reshape(4, 2) / 8)\n"
                + "np.savez('np.npz', **{'layer0.weight': w0, 'layer0.bias': np.ones(4, np.float32),"
                + " 'layer1.weight': w1, 'layer1.bias': np.array([0.5, -0.5]),"
                + " 'activations': np.array(['relu', 'softmax'])})\n"
                + "np.savez_compressed('npc.npz', **{'layer0.weight': w0, 'layer0.bias': np.zeros(4, np.float32)})\n", dir);
        ModelState s = Npz.load(dir.resolve("np.npz"));
        assertEquals(List.of("relu", "softmax"), s.layers().stream().map(LayerState::activation).toList());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, s.layers().get(0).weights());
        assertArrayEquals(new float[] {0, 0.125f, 0.25f, 0.375f, 0.5f, 0.625f, 0.75f, 0.875f}, s.layers().get(1).weights());
        assertArrayEquals(new float[] {0.5f, -0.5f}, s.layers().get(1).bias());
        assertEquals(4, Npz.load(dir.resolve("npc.npz")).layers().get(0).outputs());
    }

    @Test
    void numpyLoadsWhatWeSave() throws Exception {
        assumeTrue(numpyAvailable(), "python3 with numpy is not installed; the npy header test covers the format");
        Npz.save(dir.resolve("ours.npz"), States.random(3, 3, 2));
        ModelState s = Npz.load(dir.resolve("ours.npz"));
        String out = python("import numpy as np\n"
                + "z = np.load('ours.npz')\n"
                + "w = z['layer0.weight']\n"
                + "assert w.dtype == np.float32 and w.shape == (3, 2), (w.dtype, w.shape)\n"
                + "print(repr(float(w[1, 0])), z['activations'].tolist(), dict(zip(z['metadata.keys'], z['metadata.values']))['epoch'])\n",
                dir);
        LayerState l = s.layers().get(0);
        // w[1, 0] is row 1 (input 1), column 0 (output 0) of the row-major inputs × outputs matrix
        assertEquals(repr(l.weights()[1 * 2 + 0]) + " ['relu'] 3", out);
    }

    private static String repr(float f) {
        // Python prints the double nearest the float32 with the shortest round-tripping digits
        return Double.toString(f);
    }
}
