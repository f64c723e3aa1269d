package org.backprop.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * A file this process is going to write, claimed before any work is done: symbolic links are
 * followed to the file they name (that file is what gets replaced, never the link), the target
 * must be absent or a regular file (a save never replaces a directory, a device or a pipe),
 * and a lock file beside it ({@code .NAME.lock}) keeps a second process off the same target.
 * Claiming also removes temporary files a killed save left behind: while we hold the lock, no
 * one else can be writing them.
 *
 * <p>Claims are reentrant within a JVM: a run claims its outputs once at the start, and each
 * save through {@link AtomicFile} joins that claim.
 */
public final class OutputFile implements AutoCloseable {

    private static final Map<Path, OutputFile> HELD = new HashMap<>();
    private static final int MAX_LINKS = 40;

    private final Path requested;
    private final Path target;
    private final Path lockPath;
    private final FileChannel channel;
    private final FileLock lock;
    private int holds = 1;

    private OutputFile(Path requested, Path target, Path lockPath, FileChannel channel, FileLock lock) {
        this.requested = requested;
        this.target = target;
        this.lockPath = lockPath;
        this.channel = channel;
        this.lock = lock;
    }

    /** The file that will really be written: {@code requested} with every symbolic link followed. */
    public Path target() {
        return target;
    }

    /**
     * Resolves, checks and locks {@code file}.
     *
     * @throws OutputFileException naming the file and what stands in the way
     */
    public static OutputFile claim(Path file) {
        Path target = resolve(file, true);
        synchronized (HELD) {
            OutputFile held = HELD.get(target);
            if (held != null) {
                held.holds++;
                return held;
            }
            OutputFile claimed = lock(file, target);
            HELD.put(target, claimed);
            claimed.removeStaleTemporaries();
            return claimed;
        }
    }

    /** Whether {@code file} (after following links) exists; what a clobber check asks. */
    public static boolean exists(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        return (dir == null || Files.isDirectory(dir)) && Files.exists(resolve(file, false), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void close() {
        synchronized (HELD) {
            if (--holds > 0) {
                return;
            }
            HELD.remove(target);
            try {
                // mark and delete while still locked, so a process that opened this inode meanwhile retries
                write(channel, RELEASED);
                Files.deleteIfExists(lockPath);
            } catch (IOException ignored) {
                // a lock file left behind is harmless: the OS lock goes with the channel
            }
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // closing the channel releases the lock whatever happens
            }
        }
    }

    /** The name prefix of this target's temporary files, {@code .NAME.}; they end in {@code .tmp}. */
    static String temporaryPrefix(Path target) {
        return "." + target.getFileName() + ".";
    }

    private void removeStaleTemporaries() {
        String prefix = temporaryPrefix(target);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(target.getParent(), prefix + "*.tmp")) {
            for (Path stale : files) {
                Files.deleteIfExists(stale);
            }
        } catch (IOException ignored) {
            // leftovers only cost disk space; the save itself can still go ahead
        }
    }

    private static Path resolve(Path file, boolean createDirectories) {
        Path p = file.toAbsolutePath();
        try {
            for (int hops = 0; Files.isSymbolicLink(p); hops++) {
                if (hops == MAX_LINKS) {
                    throw new OutputFileException(file + ": more than " + MAX_LINKS + " levels of symbolic links");
                }
                Path link = Files.readSymbolicLink(p);
                p = p.getParent().resolve(link).toAbsolutePath();
            }
        } catch (IOException e) {
            throw new OutputFileException(file + ": cannot follow symbolic link: " + e.getMessage(), e);
        }
        Path dir = p.getParent();
        if (dir == null || p.getFileName() == null) {
            throw new OutputFileException(file + ": is not a file name");
        }
        try {
            if (createDirectories) {
                Files.createDirectories(dir);
            }
            dir = dir.toRealPath();
        } catch (IOException e) {
            throw new OutputFileException("cannot write " + file + ": directory " + dir + " cannot be created ("
                    + describe(e) + ")", e);
        }
        Path target = dir.resolve(p.getFileName());
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                throw new OutputFileException("cannot write " + file + ": " + describe(e), e);
            }
            if (!a.isRegularFile()) {
                String kind = a.isDirectory() ? "a directory" : a.isSymbolicLink() ? "a symbolic link" : "a device, pipe or socket";
                throw new OutputFileException("refusing to write " + file + (target.equals(file.toAbsolutePath())
                        ? "" : " (" + target + ")") + ": it is " + kind + ", not a regular file");
            }
            if (!Files.isWritable(target)) {
                throw new OutputFileException("cannot write " + file + ": permission denied");
            }
        }
        return target;
    }

    /**
     * Locks {@code .NAME.lock}. POSIX locks belong to the process and vanish when any descriptor
     * of the file is closed, so the lock file is only ever read and written through the locked
     * channel itself. A releasing holder marks the file {@code released} and deletes it while
     * still holding the lock; whoever then locks that deleted inode sees the mark and retries.
     */
    private static OutputFile lock(Path file, Path target) {
        Path lockPath = target.resolveSibling("." + target.getFileName() + ".lock");
        for (int attempt = 0; attempt < 10; attempt++) {
            FileChannel channel;
            try {
                channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
            } catch (AccessDeniedException e) {
                throw new OutputFileException("cannot write " + file + ": directory " + target.getParent()
                        + " is not writable");
            } catch (IOException e) {
                throw new OutputFileException("cannot write " + file + ": cannot create " + lockPath + " ("
                        + describe(e) + ")", e);
            }
            try {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                String content = read(channel);
                if (lock == null) {
                    closeQuietly(channel);
                    String pid = content.isEmpty() || content.startsWith(RELEASED) ? "" : " (pid " + content.split(" ")[0] + ")";
                    throw new OutputFileException(file + " is being written by another process" + pid
                            + ": wait for it to finish, or choose another file");
                }
                if (content.startsWith(RELEASED)) {
                    closeQuietly(channel);
                    continue;
                }
                write(channel, ProcessHandle.current().pid() + " " + System.currentTimeMillis());
                return new OutputFile(file, target, lockPath, channel, lock);
            } catch (IOException e) {
                closeQuietly(channel);
                throw new OutputFileException("cannot lock " + lockPath + ": " + describe(e), e);
            }
        }
        throw new OutputFileException(file + ": lock file " + lockPath + " keeps changing: another process is"
                + " claiming it");
    }

    private static final String RELEASED = "released";

    private static String read(FileChannel channel) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64);
        channel.read(b, 0);
        return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
    }

    private static void write(FileChannel channel, String text) throws IOException {
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)), 0);
    }

    private static void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing was written through it
        }
    }

    static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public String toString() {
        return requested.toString();
    }
}
