package dev.messagingnode.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary directories that tests make (a node's durable log) and remove when they are done. */
public final class TempDirs {

    private TempDirs() {
    }

    /** The bytes of every file below {@code dir} (a durable log's size on disk). */
    public static long bytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** Removes the directory and everything below it; what cannot be removed is left for the system. */
    public static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: the system cleans it up
        }
    }
}
