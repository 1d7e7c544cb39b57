package dev.messagingnode.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a program a test needs (npm, node) in a directory, bounded in time; its output is kept in a log there. */
public final class ExternalCommand {

    private ExternalCommand() {
    }

    /** The command's output; it must exit 0 within {@code timeout} (killed and reported with its output if not). */
    public static String run(Path dir, Duration timeout, Map<String, String> env, String... command)
        throws IOException, InterruptedException {
        Path log = dir.resolve(command[0] + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout + ":\n"
                + Files.readString(log));
        }
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
        return out;
    }
}
