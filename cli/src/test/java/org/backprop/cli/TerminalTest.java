package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Output that fits the window: the bar in the terminal's width, plain lines under 100 characters. */
class TerminalTest {

    @Test
    void theWidthIsColumnsElseTheTerminalsElse80() {
        assertEquals(132, Terminal.width(Map.of("COLUMNS", "132"), () -> 50));
        assertEquals(50, Terminal.width(Map.of("COLUMNS", "wide"), () -> 50));
        assertEquals(50, Terminal.width(Map.of(), () -> 50));
        assertEquals(80, Terminal.width(Map.of(), () -> 0), "a dumb terminal reports 0");
    }

    @ParameterizedTest
    @ValueSource(ints = {40, 80, 200})
    void theBarIsNeverWiderThanTheTerminal(int columns) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
             ProgressLine line = new ProgressLine(out, () -> columns)) {
            for (int b = 1; b <= 300; b++) {
                line.onBatch(1, b, 300, 128 * b, 2.0 / b);
            }
            for (int b = 1; b <= 150; b++) {
                line.onBatch(2, b, 300, 128 * b, 1.0 / b);
            }
        }
        String drawn = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(drawn.contains("epoch 2"), drawn);
        int widest = 0;
        for (String segment : drawn.split("[\r\n]")) {
            widest = Math.max(widest, segment.length());
        }
        assertTrue(widest < columns, "a " + widest + "-character bar in a " + columns + "-column terminal");
        if (columns >= 80) {
            assertTrue(widest > columns / 2, "the bar uses the width it has: " + widest);
        }
    }

    @Test
    void aLongLineIsWrappedAfterACommaWithNothingLost() {
        String line = "model: 784-512-512-10 (relu, relu, softmax; 669706 parameters), ce loss, Adam(lr=0.001)"
                + " decayed x0.8 per epoch, batch 128, backend CPU, 2 threads, AVX-512 vector GEMM, 12x32 tile";
        String wrapped = Terminal.wrap(line, 100);
        String[] lines = wrapped.split(System.lineSeparator());
        assertEquals(3, lines.length, wrapped);
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            assertTrue(lines[i].length() <= 100, lines[i]);
            assertTrue(i == lines.length - 1 || lines[i].endsWith(","), "broken after a comma: " + lines[i]);
            assertTrue(i == 0 || lines[i].startsWith("  ") && !lines[i].startsWith("   "), "indented: " + lines[i]);
            joined.append(i == 0 ? "" : " ").append(lines[i].strip());
        }
        assertEquals(line, joined.toString(), "nothing lost");
        assertEquals("short", Terminal.wrap("short", 100));
        String path = "x".repeat(250);
        for (String l : Terminal.wrap(path, 100).split(System.lineSeparator())) {
            assertTrue(l.length() <= 100, l);
        }
    }

    @Test
    void trainsPlainLinesAreUnder100Characters() {
        Cli.Run r = Cli.ok("train", "--data", "mnist-sample", "--layers", "512,512", "--epochs", "1", "--batch", "500",
                "--backend", "cpu", "--lr-schedule", "step", "--weight-decay", "0.0001", "--no-progress");
        assertTrue(r.out().contains("model: 784-512-512-10") && r.out().contains("model: ce loss"), r.out());
        for (String l : (r.out() + r.err()).split("\\R")) {
            assertTrue(l.length() < 100, l.length() + " characters: " + l);
        }
    }
}
