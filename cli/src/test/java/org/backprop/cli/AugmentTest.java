package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.backprop.io.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --augment}: it trains, draws its preview, is saved and resumed, and is refused where it does not apply. */
class AugmentTest {

    @TempDir Path dir;

    @Test
    void affineAndElasticTrainDrawTheirPreviewAndResume() throws Exception {
        Path saved = dir.resolve("run.bpm");
        Path preview = dir.resolve("preview.png");
        Cli.Run r = Cli.run("train", "--data", "mnist-sample", "--layers", "32", "--epochs", "1", "--augment",
                "affine+elastic", "--backend", "cpu", "--no-progress", "--augment-preview", preview.toString(),
                "--save", saved.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("epoch 1/1"), r.out());
        assertTrue(r.out().contains("augment: affine+elastic (rotation ±15°, scale ±15%, shift ±0 px; σ 6, α 36)"),
                r.out());
        BufferedImage img = ImageIO.read(preview.toFile());
        assertTrue(img.getWidth() >= 640 && img.getHeight() > 6 * 28 * 3, img.getWidth() + "x" + img.getHeight());
        Map<String, String> m = Checkpoint.load(saved).metadata();
        assertEquals("affine+elastic", m.get("augment"));
        assertEquals("6.0", m.get("elastic-sigma"));
        assertEquals("15.0", m.get("augment-rotate"));
        Path more = dir.resolve("more.bpm");
        Cli.Run resumed = Cli.run("train", "--resume", saved.toString(), "--backend", "cpu", "--epochs", "2",
                "--save", more.toString(), "--no-progress");
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.out().contains("epoch 2/2"), resumed.out());
        assertEquals("affine+elastic", Checkpoint.load(more).metadata().get("augment"));
        Cli.Run conflict = Cli.run("train", "--resume", saved.toString(), "--backend", "cpu", "--epochs", "2",
                "--augment", "affine+elastic", "--elastic-alpha", "30");
        assertEquals(Main.USAGE, conflict.exit(), conflict.out());
        assertTrue(conflict.err().contains("--elastic-alpha"), conflict.err());
    }

    /** Each refusal comes before the data loads: the CSV named does not exist, and the message is not about it. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--data xor --augment affine|--augment deforms images (MNIST and other square images), and --data xor is a 2-D toy set",
            "--data moons:200 --augment elastic|--data moons:200 is a 2-D toy set",
            "--data missing-table.csv --augment affine|--data missing-table.csv is a table; leave --augment out",
            "--data mnist-sample --augment shear|--augment must be affine, elastic or affine+elastic, got 'shear'",
            "--data mnist-sample --rotate 10|--rotate is a parameter of --augment affine (or affine+elastic); give --augment too",
            "--data mnist-sample --augment affine --elastic-sigma 4|--elastic-sigma is a parameter of --augment elastic",
            "--data mnist-sample --augment elastic --shift 2|--shift is a parameter of --augment affine",
            "--data mnist-sample --augment affine --scale 1.5|--scale must be in [0, 1), got 1.5",
            "--data mnist-sample --augment-preview p.png|--augment-preview draws the deformations of --augment: give --augment"})
    void augmentIsRefusedWhereItDoesNotApply(String options, String message) {
        String[] args = ("train --layers 8 --epochs 1 --backend cpu " + options).split(" ");
        Cli.Run r = Cli.run(args);
        assertEquals(Main.USAGE, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(message), r.err());
        assertFalse(r.out().contains("data:"), "refused before the data loads: " + r.out());
        assertFalse(Files.exists(Path.of("p.png")));
    }
}
