package org.backprop.io;

import java.nio.file.Path;

/**
 * Child JVM for {@link CheckpointCrashTest}: saves checkpoints to {@code args[0]} until killed.
 * Mode "loop" saves a large state again and again (each filled with its iteration number),
 * announcing each save on standard output; mode "pause" saves once with the pause-before-rename
 * hook set by the parent; mode "once" saves once (for {@link SafeSaveTest}'s umask check).
 */
public final class CheckpointCrashChild {

    private CheckpointCrashChild() { }

    public static void main(String[] args) throws InterruptedException {
        Path file = Path.of(args[0]);
        if (args[1].equals("once")) {
            Checkpoint.save(file, States.filled(1, 3, 2));
            return;
        }
        if (args[1].equals("pause")) {
            Checkpoint.save(file, States.filled(7, 512, 512));
            System.out.println("renamed");
            return;
        }
        for (int i = 1; ; i++) {
            System.out.println("saving " + i);
            System.out.flush();
            // 1024 × 2048 floats: 8 MiB per save, long enough to be caught mid-write
            Checkpoint.save(file, States.filled(i, 1024, 2048));
        }
    }
}
