package org.backprop.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A save replaces only the regular file it was asked to, keeps its mode, and takes turns with other processes. */
class SafeSaveTest {

    @TempDir Path dir;

    @Test
    void aSymlinkedTargetUpdatesTheFileItPointsToAndStaysALink() throws Exception {
        Path real = dir.resolve("real.bpm");
        Path link = dir.resolve("link.bpm");
        Checkpoint.save(real, States.filled(1, 3, 2));
        Files.createSymbolicLink(link, real.getFileName());
        Checkpoint.save(link, States.filled(2, 3, 2));
        assertTrue(Files.isSymbolicLink(link), "the link was replaced by a regular file");
        assertEquals("2.0", Checkpoint.load(real).metadata().get("value"), "the file the link names is stale");
    }

    @Test
    void aDanglingSymlinkCreatesTheFileItNames() throws Exception {
        Path link = dir.resolve("link.bpm");
        Files.createSymbolicLink(link, Path.of("made.bpm"));
        Checkpoint.save(link, States.filled(3, 3, 2));
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("3.0", Checkpoint.load(dir.resolve("made.bpm")).metadata().get("value"));
    }

    @Test
    void aDirectoryIsNeverReplaced() throws Exception {
        Path target = Files.createDirectory(dir.resolve("model.bpm"));
        OutputFileException e = assertThrows(OutputFileException.class,
                () -> Checkpoint.save(target, States.filled(1, 3, 2)));
        assertTrue(e.getMessage().contains("it is a directory, not a regular file"), e.getMessage());
        assertTrue(Files.isDirectory(target));
    }

    @Test
    void aPipeIsNeverReplaced() throws Exception {
        Path fifo = dir.resolve("model.bpm");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        Assumptions.assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo is not available");
        OutputFileException e = assertThrows(OutputFileException.class,
                () -> Npz.save(fifo, States.filled(1, 3, 2)));
        assertTrue(e.getMessage().contains("a device, pipe or socket"), e.getMessage());
        assertFalse(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS), "the pipe was replaced by a regular file");
    }

    @Test
    void aReplacedFileKeepsItsMode() throws Exception {
        Path file = dir.resolve("model.bpm");
        Checkpoint.save(file, States.filled(1, 3, 2));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        Checkpoint.save(file, States.filled(2, 3, 2));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aNewFileGetsTheModeTheUmaskGivesAnyNewFile() throws Exception {
        Path ordinary = Files.createFile(dir.resolve("ordinary"));
        Path saved = dir.resolve("model.npz");
        Npz.save(saved, States.filled(1, 3, 2));
        assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(ordinary)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(saved)));
    }

    /**
     * Under umask 022 a new file is rw-r--r--, as for any program, not 0600 (the temporary file
     * is created without explicit permissions and renamed into place). A child JVM gets the umask
     * set, whatever this one runs under.
     */
    @Test
    void underUmask022ASavedFileIsReadableByOthers() throws Exception {
        Path file = dir.resolve("shared.bpm");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("sh", "-c", "umask 022 && exec \"$0\" -Xmx128m -cp \"$1\" \"$2\" \"$3\" once",
                java, System.getProperty("java.class.path"), CheckpointCrashChild.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child timed out");
        assertEquals(0, p.exitValue(), out);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    /** A child process that has written the temporary file of a save to file and pauses there for a minute. */
    private static Process pausedSave(Path file) throws IOException {
        Process child = CheckpointCrashTest.child(file, "pause", "-D" + AtomicFile.PAUSE_PROPERTY + "=60000");
        try {
            CheckpointCrashTest.awaitLine(child,
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)), "written ");
            return child;
        } catch (IOException | RuntimeException | Error e) {
            child.destroyForcibly();
            throw e;
        }
    }

    @Test
    void aSecondProcessSavingTheSameFileIsRefusedNamingTheFirst() throws Exception {
        Path file = dir.resolve("model.bpm");
        Process child = pausedSave(file);
        try {
            OutputFileException e = assertThrows(OutputFileException.class,
                    () -> Checkpoint.save(file, States.filled(1, 3, 2)));
            assertTrue(e.getMessage().contains("is being written by another process (pid " + child.pid() + ")"),
                    e.getMessage());
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theNextSaveRemovesTheTemporaryFileOfASaveKilledMidway() throws Exception {
        Path file = dir.resolve("model.bpm");
        Process child = pausedSave(file);
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, temporaries().size(), "the killed save should have left its full temporary file");
        Checkpoint.save(file, States.filled(1, 3, 2));
        assertEquals(List.of(), temporaries());
        assertEquals(List.of("model.bpm"), names(), "the lock file goes with the save");
    }

    private List<Path> temporaries() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    private List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
