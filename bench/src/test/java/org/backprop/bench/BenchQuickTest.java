package org.backprop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI smoke test of {@code backprop bench --quick}: the GEMM and ops benchmarks run on the CPU
 * and leave a JSON file that parses, a Markdown report equal to what was printed, and PNG charts.
 * No timing is asserted: only that every measurement exists and is a positive number. The peers
 * are switched off so the test does not depend on the machine's Python.
 */
class BenchQuickTest {

    @TempDir
    static Path out;

    static String stdout;
    static String log;
    static Map<String, Object> json;

    @BeforeAll
    static void runQuickGemmAndOps() throws IOException {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        BenchConfig cfg = new BenchConfig(List.of("cpu"), true, out, "none", 2, null, null, null, 0,
                BenchConfig.defaultRecipe(), BenchConfig.DEFAULT_TARGET, new PrintStream(progress, true, StandardCharsets.UTF_8));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Bench.run(cfg, EnumSet.of(Bench.Part.GEMM, Bench.Part.OPS), new PrintStream(buf, true, StandardCharsets.UTF_8));
        stdout = buf.toString(StandardCharsets.UTF_8);
        log = progress.toString(StandardCharsets.UTF_8);
        json = Json.object(Json.parse(Files.readString(out.resolve("results.json"))));
    }

    @Test
    void markdownFileIsWhatWasPrinted() throws IOException {
        assertEquals(stdout, Files.readString(out.resolve("results.md")));
        assertTrue(stdout.contains("## GEMM"), stdout);
        assertTrue(stdout.contains("## Memory-bound ops"), stdout);
    }

    @Test
    void jsonRecordsTheEnvironment() {
        Map<String, Object> env = Json.object(json.get("environment"));
        for (String key : List.of("date_utc", "cpu", "jdk", "backends", "load_average_at_start", "git_commit")) {
            assertTrue(env.containsKey(key), "environment lacks " + key + ": " + env.keySet());
        }
        assertNotNull(Json.object(env.get("cpu")).get("model"));
    }

    @Test
    void everyGemmShapeHasPositiveSamples() {
        Map<String, Object> gemm = Json.object(Json.object(json.get("results")).get("gemm"));
        Map<String, Object> cpu = Json.object(Json.array(gemm.get("devices")).get(0));
        assertEquals("cpu", cpu.get("backend"));
        List<Object> shapes = Json.array(cpu.get("shapes"));
        assertEquals(GemmBench.sweep(false, true).size(), shapes.size());
        for (Object o : shapes) {
            Map<String, Object> ours = Json.object(Json.object(o).get("ours"));
            List<Object> samples = Json.array(ours.get("samples_s"));
            assertEquals(Timing.Plan.quick().samples(), samples.size());
            samples.forEach(s -> assertTrue(((Number) s).doubleValue() > 0, "sample " + s));
        }
    }

    @Test
    void disabledPeerIsReportedAsUnavailable() {
        Map<String, Object> gemm = Json.object(Json.object(json.get("results")).get("gemm"));
        Map<String, Object> cpu = Json.object(Json.array(gemm.get("devices")).get(0));
        assertTrue(String.valueOf(cpu.get("peer_unavailable")).contains("--python none"), cpu.toString());
        assertTrue(stdout.contains("unavailable: peers disabled"), stdout);
    }

    @Test
    void everyOpHasAPositiveBandwidth() {
        Map<String, Object> ops = Json.object(Json.object(json.get("results")).get("ops"));
        Map<String, Object> cpu = Json.object(Json.array(ops.get("devices")).get(0));
        List<Object> rows = Json.array(cpu.get("ops"));
        assertEquals(OpsBench.cases(true).size(), rows.size());
        for (Object o : rows) {
            double gbs = ((Number) Json.object(o).get("gbs_median")).doubleValue();
            assertTrue(gbs > 0 && Double.isFinite(gbs), o.toString());
        }
    }

    @Test
    void chartsArePngImages() throws IOException {
        for (String png : List.of("gemm.png", "ops.png")) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertNotNull(img, png + " is not a readable image");
            assertTrue(img.getWidth() >= 600 && img.getHeight() >= 400, png + " is " + img.getWidth() + "x" + img.getHeight());
        }
    }

    @Test
    void noTrainSectionWhenNotAskedFor() {
        assertFalse(Json.object(json.get("results")).containsKey("train"));
    }

    @Test
    void theQuickSweepStillHasTwoSizesOnEachChart() {
        List<GemmBench.Shape> shapes = GemmBench.sweep(false, true);
        assertTrue(shapes.stream().filter(x -> !x.kind().equals("square")).map(GemmBench.Shape::batch).distinct().count() >= 2);
        assertTrue(shapes.stream().filter(x -> x.kind().equals("square")).count() >= 2);
    }

    @Test
    void replotDrawsTheRunsChartAgainFromItsJson(@TempDir Path again) throws IOException {
        Files.copy(out.resolve("results.json"), again.resolve("results.json"));
        Path png = GemmBench.replot(again);
        assertEquals(again.resolve("gemm.png"), png);
        // the run drew its chart through the same code from the same numbers: the same image
        BufferedImage a = ImageIO.read(out.resolve("gemm.png").toFile());
        BufferedImage b = ImageIO.read(png.toFile());
        assertEquals(a.getWidth(), b.getWidth());
        assertEquals(a.getHeight(), b.getHeight());
        for (int y = 0; y < a.getHeight(); y += 7) {
            for (int x = 0; x < a.getWidth(); x += 7) {
                assertEquals(a.getRGB(x, y), b.getRGB(x, y), "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void replotOfAFolderWithoutResultsSaysWhichFile(@TempDir Path empty) {
        java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
                () -> GemmBench.replot(empty));
        assertTrue(e.getMessage().contains(empty.resolve("results.json").toString()), e.getMessage());
    }

    @Test
    void theLegendNamesAMeasuredPeakMeasured() {
        String how = Json.object(Json.object(Json.array(Json.object(Json.object(json.get("results")).get("gemm"))
                .get("devices")).get(0)).get("peak")).get("how").toString();
        assertEquals(how.contains("measured") ? "measured" : "estimated", GemmChart.peakSource(how, false));
        assertEquals("measured", GemmChart.peakSource("461 GFLOP/s fp32, measured: 2 concurrent FMA loops", false));
        assertEquals("estimated", GemmChart.peakSource("332 GFLOP/s fp32, estimated: 2 threads", false));
        assertEquals("given", GemmChart.peakSource("500 GFLOP/s, given with --peak-gflops", false));
    }

    @Test
    void theLastLineSaysWhereEverythingWent() {
        List<String> lines = log.lines().toList();
        assertEquals("bench: wrote results.json, results.md, gemm.png, ops.png to " + out.toAbsolutePath().normalize(),
                lines.get(lines.size() - 1));
    }
}
