package dev.messagingnode.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code bin/messaging} as a user runs it, against the packaged node: a token, a refusal, the bench command. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CliIT {

    private record Run(int status, String output) {
    }

    private static Run messaging(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bin/messaging"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), output);
    }

    @Test
    void theToolCarriesTheTokenPrintsTheNodesRefusalAndRunsTheBench() throws Exception {
        try (NodeProcess secured = NodeProcess.start("cli-token", Map.of("MESSAGING_HTTP_AUTH_TOKEN", "s3cret"))) {
            secured.awaitReady(Duration.ofSeconds(60));
            String server = "--server=http://127.0.0.1:" + secured.httpPort();
            Run denied = messaging(server, "exchanges");
            assertThat(denied.status()).as(denied.output()).isEqualTo(1);
            assertThat(denied.output()).contains("error: ").contains("401");
            Run listed = messaging(server, "--token=s3cret", "exchanges");
            assertThat(listed.status()).as(listed.output()).isZero();
            assertThat(listed.output()).contains("demo-echo").contains("demo-jobs");
            Run echoed = messaging(server, "--token=s3cret", "request", "demo-echo", "from the CLI");
            assertThat(echoed.output()).contains("from the CLI");
        }
        try (NodeProcess open = NodeProcess.start("cli-bench", Map.of())) {
            open.awaitReady(Duration.ofSeconds(60));
            Run bench = messaging("bench", "rpc", "--port=" + open.bridgePort(), "--http-port=" + open.httpPort(),
                "--warmup=0s", "--duration=1s", "--quiet=1", "--format=json");
            assertThat(bench.status()).as(bench.output()).isZero();
            assertThat(bench.output()).contains("\"workload\":\"rpc\"").contains("opsPerSecond");
        }
    }
}
