package org.backprop.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Set;

/**
 * Replaces a file so that a crash at any moment leaves either the old file or the complete new
 * one: claim the target ({@link OutputFile}: links followed, regular files only, locked), write a
 * temporary file beside it with the old file's mode, fsync it, rename it over the target, fsync
 * the directory.
 */
public final class AtomicFile {

    /**
     * Test hook: when set to a number of milliseconds, a save prints one line to standard output
     * and sleeps that long between the fsync and the rename, so a test can kill the JVM there.
     */
    static final String PAUSE_PROPERTY = "backprop.test.pauseBeforeRenameMillis";

    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFile() { }

    public static void write(Path file, Writer writer) throws IOException {
        try (OutputFile claim = OutputFile.claim(file)) {
            Path target = claim.target();
            Path dir = target.getParent();
            Path tmp = dir.resolve(OutputFile.temporaryPrefix(target) + Long.toHexString(RANDOM.nextLong()) + ".tmp");
            boolean moved = false;
            // CREATE_NEW without attributes: the OS applies the umask, as for any file a program creates
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                keepMode(target, tmp);
                try (OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                    writer.write(out);
                    out.flush();
                    channel.force(true);
                }
                pauseForTests(tmp);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
                moved = true;
                syncDirectory(dir);
            } finally {
                if (!moved) {
                    Files.deleteIfExists(tmp);
                }
            }
        }
    }

    /** A replaced file keeps its permissions: the rename must not quietly change who can read it. */
    private static void keepMode(Path existing, Path tmp) throws IOException {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(existing, LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(tmp, mode);
        } catch (NoSuchFileException | UnsupportedOperationException e) {
            // a new file, or a file system without POSIX modes
        }
    }

    private static void syncDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        // Makes the rename itself durable on Linux; other systems may refuse to open a directory.
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the file content is already durable
        }
    }

    private static void pauseForTests(Path tmp) {
        String pause = System.getProperty(PAUSE_PROPERTY);
        if (pause == null) {
            return;
        }
        System.out.println("written " + tmp + ", pausing before rename");
        System.out.flush();
        try {
            Thread.sleep(Long.parseLong(pause));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
