package dev.messagingnode.testing;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary directories that tests make (a node's durable log) and remove when they are done. */
public final class TempDirs {

    private TempDirs() {
    }

    /**
     * The bytes of every file below {@code dir} (a durable log's size on disk). Tests call it while the node
     * writes: a file listed and then renamed or removed before it is read (the log's {@code *.tmp} files during a
     * compaction) counts as nothing, instead of failing the walk as {@link Files#walk} does.
     */
    public static long bytes(Path dir) throws IOException {
        long[] sum = {0};
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    sum[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        return sum[0];
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
