package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backprop.io.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library page, docs/library.md: its example is this package's
 * {@link TrainMnist}, quoted whole, and it runs on the class path a user gets from the two
 * dependencies it names (this module's test class path: core and cpu-fallback, nothing else of ours).
 */
class LibraryExampleTest {

    private static final Path LIBRARY_PAGE = Path.of("..", "docs", "library.md");

    @TempDir Path dir;

    private static String readme() throws IOException {
        return Files.readString(LIBRARY_PAGE, StandardCharsets.UTF_8);
    }

    /** The fenced block that follows the marker comment naming the file. */
    private static String quoted(String readme, String marker, String language) {
        Matcher m = Pattern.compile(Pattern.quote("<!-- " + marker + " -->") + "\\s*```" + language + "\\n(.*?)```",
                Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), LIBRARY_PAGE + " has no ```" + language + " block after <!-- " + marker + " -->");
        return m.group(1);
    }

    @Test
    void theReadmeQuotesTheExampleFileExactly() throws IOException {
        String source = Files.readString(Path.of("src", "test", "java", "example", "TrainMnist.java"), StandardCharsets.UTF_8);
        assertEquals(source, quoted(readme(), "cpu-fallback/src/test/java/example/TrainMnist.java", "java"),
                LIBRARY_PAGE + " and TrainMnist.java differ: paste the file into the page");
    }

    @Test
    void theReadmeCoordinatesAreThePoms() throws IOException {
        String version = System.getProperty("backprop.version");
        assertTrue(version != null && !version.isBlank(), "surefire passes the pom's version");
        String deps = quoted(readme(), "library dependencies", "xml");
        for (String artifact : new String[] {"backprop-core", "backprop-cpu-fallback"}) {
            assertTrue(deps.contains("<groupId>org.backprop</groupId>\n    <artifactId>" + artifact
                    + "</artifactId>\n    <version>" + version + "</version>"), artifact + " in\n" + deps);
        }
    }

    @Test
    void theExampleTrainsAndSaves() {
        Path model = dir.resolve("mnist.bpm");
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            TrainMnist.main(new String[] {model.toString()});
        } finally {
            System.setOut(old);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("epoch 3/3"), text);
        Matcher acc = Pattern.compile("test accuracy (\\d+\\.\\d+)%").matcher(text);
        assertTrue(acc.find(), text);
        assertTrue(Double.parseDouble(acc.group(1)) > 85, text);
        assertEquals(2, Checkpoint.load(model).layers().size());
    }
}
