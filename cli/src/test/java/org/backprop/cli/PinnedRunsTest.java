package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.backprop.io.Checkpoint;
import org.backprop.io.LayerState;
import org.backprop.io.ModelState;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The training math does not move when the code around it does: for recipes given in full (every
 * setting that has a default is named), the trained weights on the CPU hash to the values pinned in
 * {@code pinned-runs.txt}, which were written by the engine as it stood before the command surface
 * and the training loop were restructured. A change to any of these hashes is a change to the
 * arithmetic of training, and needs a reason of its own.
 *
 * <p>{@code -Dbackprop.pins.write=FILE} writes the hashes of the current code to FILE instead of
 * comparing (to re-pin after a deliberate change of the math).
 */
class PinnedRunsTest {

    @TempDir Path dir;

    static Stream<Arguments> recipes() {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("xor-2-3-1-sgd", "--data xor --layers 3 --activation tanh --output sigmoid --loss bce --optimizer sgd"
                + " --lr 0.05 --lr-schedule constant --weight-init auto --epochs 60 --batch 32 --seed 7");
        r.put("sample-relu-adam-dropout", "--data mnist-sample --layers 64 --activation relu --output softmax --loss ce"
                + " --optimizer adam --lr 0.001 --lr-schedule exponential --lr-decay 0.8 --dropout 0.2"
                + " --weight-init auto --epochs 2 --batch 64 --seed 42 --test-split 0.2");
        r.put("sample-sigmoid-momentum-step", "--data mnist-sample --layers 32,16 --activation sigmoid --output softmax"
                + " --loss ce --optimizer momentum --momentum 0.9 --lr 0.05 --lr-schedule step --lr-decay 0.5"
                + " --lr-step 1 --weight-init xavier --epochs 2 --batch 100 --seed 3 --clip-norm 5");
        r.put("heart-logistic-sgd", "--data ../docs/examples/heart.csv --label target --one-hot auto --missing mean"
                + " --layers none --output sigmoid --loss bce --optimizer sgd --lr 0.1 --lr-schedule exponential"
                + " --lr-decay 0.8 --weight-init auto --epochs 30 --batch 16 --seed 42 --test-split 0.2");
        r.put("circles-adamw-cosine", "--data circles --layers 16,8 --activation relu --output softmax --loss ce"
                + " --optimizer adamw --lr 0.01 --weight-decay 0.01 --lr-schedule cosine --warmup 2"
                + " --weight-init he --epochs 20 --batch 32 --seed 11");
        r.put("moons-rmsprop-se", "--data moons --layers 8 --activation sigmoid --output sigmoid --loss se"
                + " --optimizer rmsprop --lr 0.01 --lr-schedule constant --weight-init xavier --epochs 15 --batch 16"
                + " --seed 5 --val-split 0.25");
        r.put("xor-nesterov", "--data xor --layers 4 --activation tanh --output softmax --loss ce --optimizer nesterov"
                + " --momentum 0.8 --lr 0.05 --lr-schedule exponential --lr-decay 0.95 --weight-init xavier"
                + " --epochs 30 --batch 8 --seed 1");
        List<Arguments> out = new ArrayList<>();
        r.forEach((name, args) -> out.add(Arguments.of(name, args)));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recipes")
    void trainedWeightsHashAsPinned(String name, String args) throws Exception {
        Path model = dir.resolve(name + ".bpm");
        List<String> argv = new ArrayList<>(List.of("train", "--backend", "cpu", "--threads", "2",
                "--save", model.toString()));
        argv.addAll(List.of(args.split(" ")));
        Cli.Run run = Cli.run(argv.toArray(String[]::new));
        assertEquals(0, run.exit(), run.out() + run.err());
        String hash = hash(Checkpoint.load(model));
        String file = System.getProperty("backprop.pins.write");
        if (file != null) {
            Files.writeString(Path.of(file), name + " " + hash + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            return;
        }
        String pinned = pinned().get(name);
        assertNotNull(pinned, "no pin for " + name);
        assertEquals(pinned, hash, name + ": the trained weights differ from the pinned run's\n" + run.out());
    }

    /** SHA-256 over every layer's weights then bias, as little-endian float bits, with the shapes. */
    static String hash(ModelState state) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (LayerState l : state.layers()) {
            ByteBuffer b = ByteBuffer.allocate(8 + 4 * (l.weights().length + l.bias().length))
                    .order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(l.inputs()).putInt(l.outputs());
            for (float w : l.weights()) {
                b.putInt(Float.floatToRawIntBits(w));
            }
            for (float v : l.bias()) {
                b.putInt(Float.floatToRawIntBits(v));
            }
            md.update(b.array());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static Map<String, String> pinned() throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        try (InputStream in = PinnedRunsTest.class.getResourceAsStream("pinned-runs.txt")) {
            assertNotNull(in, "pinned-runs.txt is missing");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] p = line.trim().split("\\s+");
                    m.put(p[0], p[1]);
                }
            }
        }
        return m;
    }
}
