package dev.messagingnode.process;

import static dev.messagingnode.testing.ExternalCommand.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The management page in a real browser: Debian's Chromium, headless, driven by {@code playwright-core} from npm
 * ({@code src/test/ui/management-page.mjs}), against two packaged nodes, one open and one with a token. The page
 * loads and shows the demo exchanges, a rate moves while the script publishes, an exchange is created from the form,
 * worked on its own page and deleted, a bad name shows the node's own message, a request shows its reply, a refusal
 * is listed with its reason, and the secured node's page asks for the token (refusing a wrong one). Screenshots land
 * in {@code target/ui-screenshots/}.
 *
 * <p>Chromium is looked up at {@code $CHROMIUM} or {@code /usr/bin/chromium}. Without it the test is skipped with a
 * message, unless {@code MESSAGING_REQUIRE_BROWSER} is set, as {@code .ci/run} (which installs it) sets it: there a
 * missing browser fails the build instead of passing it unseen.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ManagementPageIT {

    private static final String TOKEN = "page-token-4711";

    @Test
    void thePageShowsTheClusterMovesWithTheTrafficAndActsOnTheNode() throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        if (!Files.isExecutable(chromium)) {
            String why = chromium + " is missing: install Debian's chromium (apt-get install chromium) to run the"
                + " management page's browser test";
            assertThat(System.getenv("MESSAGING_REQUIRE_BROWSER")).as(why).isNull();
            Assumptions.abort(why);
        }
        Path dir = Path.of("target", "ui-test");
        Path shots = Path.of("target", "ui-screenshots").toAbsolutePath();
        Files.createDirectories(dir);
        Files.createDirectories(shots);
        for (String file : List.of("package.json", "management-page.mjs")) {
            Files.copy(Path.of("src", "test", "ui", file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(dir.resolve("node_modules/playwright-core"))) {
            run(dir, Duration.ofMinutes(5), Map.of(), "npm", "install", "--no-audit", "--no-fund", "--loglevel=error");
        }
        try (NodeProcess open = NodeProcess.start("ui-open", Map.of());
             NodeProcess secured = NodeProcess.start("ui-secured", Map.of("MESSAGING_HTTP_AUTH_TOKEN", TOKEN))) {
            open.awaitReady(Duration.ofSeconds(60));
            secured.awaitReady(Duration.ofSeconds(60));
            String out = run(dir, Duration.ofSeconds(180), Map.of("CHROMIUM", chromium.toString()), "node",
                "management-page.mjs", "http://127.0.0.1:" + open.httpPort(), "http://127.0.0.1:" + secured.httpPort(),
                TOKEN, shots.toString());
            assertThat(out).contains("\"step\":\"overview\"", "\"step\":\"rate-moves\"", "\"step\":\"created\"",
                "\"step\":\"bad-name\"", "\"step\":\"exchange-page\"", "\"step\":\"deleted\"", "\"step\":\"request\"",
                "\"step\":\"dead-letters-and-sink\"", "\"step\":\"refusal\"", "\"step\":\"token\"", "{\"step\":\"done\",\"ok\":true}");
            for (String shot : List.of("overview.png", "exchange.png", "with-token.png")) {
                assertThat(shots.resolve(shot)).isNotEmptyFile();
            }
        }
    }
}
