package dev.messagingnode.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/messaging}: the node's command-line tool, over its HTTP API (as {@code nats} or {@code rabbitmqadmin}
 * are over theirs). Every command prints what the node answered, as text or with {@code --json} as the node's JSON;
 * a refusal prints the node's problem detail on stderr and exits 1, a usage error exits 2.
 *
 * <pre>
 * messaging [--server=http://127.0.0.1:8080] [--token=T] [--json] COMMAND ...
 * </pre>
 */
public final class MessagingCli {

    static final String USAGE = """
        usage: messaging [--server=URL] [--token=TOKEN] [--json] COMMAND ...
          exchanges                              every exchange of the cluster
          exchanges show NAME                    one exchange: pattern, options, hosts, parties, depth
          exchanges create NAME PATTERN [OPTION=VALUE ...]
          exchanges delete NAME
          members                                the cluster's members and what each hosts
          request EXCHANGE MESSAGE [--timeout=5s] [--tag=T]
                                                 the reply; a stream chunk by chunk; a question and its dialogue
          answer DIALOGUE MESSAGE                answers a service's question
          publish EXCHANGE KEY MESSAGE [--forget]
          subscribe EXCHANGE PATTERN [--count=N] prints deliveries until Ctrl-C (or N of them)
          send EXCHANGE MESSAGE                  to a sink
          enqueue EXCHANGE MESSAGE [--priority=N]
          work EXCHANGE [--fail] [--count=N]     prints each task and acks it (nacks it with --fail)
          bench WORKLOAD [--option=value ...]    the bench command (see bench/bench.sh)
        --server defaults to $MESSAGING_SERVER or http://127.0.0.1:8080; --token to $MESSAGING_TOKEN.""";

    private final PrintStream out;
    private final PrintStream err;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String server;
    private String token;
    private boolean json;
    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> words = new ArrayList<>();

    MessagingCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new MessagingCli(System.out, System.err).run(args));
    }

    /** Runs one command; the exit status. */
    int run(String[] args) {
        for (String a : args) {
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                options.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "true" : a.substring(eq + 1));
            } else {
                words.add(a);
            }
        }
        server = strip(options.getOrDefault("server", env("MESSAGING_SERVER", "http://127.0.0.1:8080")));
        token = options.getOrDefault("token", env("MESSAGING_TOKEN", null));
        json = options.containsKey("json");
        if (words.isEmpty() || options.containsKey("help")) {
            (words.isEmpty() && !options.containsKey("help") ? err : out).println(USAGE);
            return words.isEmpty() && !options.containsKey("help") ? 2 : 0;
        }
        try {
            return switch (words.get(0)) {
                case "exchanges" -> exchanges();
                case "members" -> show(call("GET", "/members", null, Map.of()), this::members);
                case "request" -> request();
                case "answer" -> answer();
                case "publish" -> publish();
                case "subscribe" -> subscribe();
                case "send" -> show(call("POST", "/exchanges/" + enc(arg(1, "EXCHANGE")) + "/messages",
                    arg(2, "MESSAGE"), Map.of()), body -> out.println("sent"));
                case "enqueue" -> show(call("POST", "/exchanges/" + enc(arg(1, "EXCHANGE")) + "/tasks?priority="
                    + options.getOrDefault("priority", "0"), arg(2, "MESSAGE"), Map.of()),
                    body -> out.println("enqueued task " + new JsonObject(body).getValue("id")));
                case "work" -> work();
                case "bench" -> bench(args);
                default -> throw new Usage("unknown command '" + words.get(0) + "'");
            };
        } catch (Usage u) {
            err.println("error: " + u.getMessage());
            err.println(USAGE);
            return 2;
        } catch (Refused r) {
            return 1;
        } catch (IOException e) {
            err.println("error: cannot reach the node at " + server + ": " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    // ---- commands -------------------------------------------------------------------------------------------

    private int exchanges() throws IOException, InterruptedException {
        String verb = words.size() > 1 ? words.get(1) : "list";
        switch (verb) {
            case "list" -> {
                return show(call("GET", "/exchanges", null, Map.of()), this::exchangeTable);
            }
            case "show" -> {
                return show(call("GET", "/exchanges/" + enc(arg(2, "NAME")), null, Map.of()),
                    body -> out.println(new JsonObject(body).encodePrettily()));
            }
            case "create" -> {
                JsonObject opts = new JsonObject();
                for (String o : words.subList(Math.min(4, words.size()), words.size())) {
                    int eq = o.indexOf('=');
                    if (eq <= 0) {
                        throw new Usage("an option is OPTION=VALUE, got '" + o + "'");
                    }
                    opts.put(o.substring(0, eq), o.substring(eq + 1));
                }
                String name = arg(2, "NAME");
                JsonObject definition = new JsonObject().put("pattern", arg(3, "PATTERN")).put("options", opts);
                return show(call("PUT", "/exchanges/" + enc(name), definition.encode(),
                    Map.of("Content-Type", "application/json")), body -> out.println("exchange " + name + " ("
                    + definition.getString("pattern") + ") created"));
            }
            case "delete" -> {
                String name = arg(2, "NAME");
                return show(call("DELETE", "/exchanges/" + enc(name), null, Map.of()),
                    body -> out.println("exchange " + name + " deleted"));
            }
            default -> throw new Usage("exchanges takes list, show, create or delete, not '" + verb + "'");
        }
    }

    private int request() throws IOException, InterruptedException {
        String path = "/exchanges/" + enc(arg(1, "EXCHANGE")) + "/requests"
            + (options.containsKey("timeout") ? "?timeout=" + enc(options.get("timeout")) : "");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "text/event-stream, */*");
        if (options.containsKey("tag")) {
            headers.put("Messaging-Tag", options.get("tag"));
        }
        return turn(stream("POST", path, arg(2, "MESSAGE"), headers));
    }

    private int answer() throws IOException, InterruptedException {
        return turn(stream("POST", "/dialogues/" + enc(arg(1, "DIALOGUE")) + "/answer", arg(2, "MESSAGE"),
            Map.of("Accept", "text/event-stream, */*")));
    }

    /** One turn of the service: a message, a stream (SSE chunks), a question, or the end of a dialogue. */
    private int turn(HttpResponse<InputStream> r) throws IOException {
        String kind = r.headers().firstValue("Messaging-Reply").orElse("message");
        if (r.statusCode() >= 400) {
            return refused(r.statusCode(), new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        switch (kind) {
            case "stream" -> {
                long[] chunks = {0};
                boolean[] midLine = {false};
                sse(r.body(), (event, data) -> {
                    JsonObject d = new JsonObject(data);
                    if (json) {
                        out.println(new JsonObject().put("event", event).put("data", d).encode());
                    } else if ("chunk".equals(event)) {
                        String chunk = d.getString("message"); // the chunks as they are, one after the other
                        out.print(chunk);
                        out.flush();
                        midLine[0] = !chunk.endsWith("\n");
                    }
                    if ("chunk".equals(event)) {
                        chunks[0]++;
                    }
                    if ("error".equals(event)) {
                        err.println("error: the stream broke off: " + d.getString("detail"));
                        throw new Refused();
                    }
                    return !"end".equals(event);
                });
                if (!json) {
                    if (midLine[0]) {
                        out.println();
                    }
                    err.println("(" + chunks[0] + " chunks)");
                }
            }
            case "question" -> {
                String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
                String dialogue = r.headers().firstValue("Messaging-Dialogue").orElse("?");
                if (json) {
                    out.println(new JsonObject().put("kind", "question").put("dialogue", dialogue).put("message", body)
                        .encode());
                } else {
                    out.println(body);
                    err.println("(a question: messaging answer " + dialogue + " MESSAGE)");
                }
            }
            case "end" -> out.println(json ? new JsonObject().put("kind", "end").encode() : "(the dialogue ended)");
            default -> {
                String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
                out.println(json ? new JsonObject().put("kind", "message").put("message", body)
                    .put("tag", r.headers().firstValue("Messaging-Tag").orElse(null)).encode() : body);
            }
        }
        return 0;
    }

    private int publish() throws IOException, InterruptedException {
        boolean forget = options.containsKey("forget");
        return show(call("POST", "/exchanges/" + enc(arg(1, "EXCHANGE")) + "/publish/" + enc(arg(2, "KEY"))
            + (forget ? "?confirm=false" : ""), arg(3, "MESSAGE"), Map.of()), body -> out.println(forget
            ? "published (not confirmed)" : "published, matched " + new JsonObject(body).getValue("matched")
            + " subscriptions"));
    }

    private int subscribe() throws IOException, InterruptedException {
        long count = Long.parseLong(options.getOrDefault("count", "-1"));
        HttpResponse<InputStream> r = stream("GET", "/exchanges/" + enc(arg(1, "EXCHANGE")) + "/subscribe?key="
            + enc(arg(2, "PATTERN")), null, Map.of("Accept", "text/event-stream"));
        if (r.statusCode() >= 400) {
            return refused(r.statusCode(), new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        long[] seen = {0};
        sse(r.body(), (event, data) -> {
            if (json) {
                out.println(new JsonObject().put("event", event).put("data", new JsonObject(data)).encode());
            } else if ("message".equals(event)) {
                JsonObject d = new JsonObject(data);
                out.println(d.getString("key") + " " + d.getString("message"));
            } else {
                err.println("(" + event + ")");
            }
            out.flush();
            return !"message".equals(event) || ++seen[0] != count;
        });
        return 0;
    }

    private int work() throws IOException, InterruptedException {
        String exchange = arg(1, "EXCHANGE");
        long count = Long.parseLong(options.getOrDefault("count", "-1"));
        boolean fail = options.containsKey("fail");
        HttpResponse<String> opened = call("POST", "/exchanges/" + enc(exchange) + "/workers?prefetch=1", null,
            Map.of());
        requireOk(opened);
        String party = new JsonObject(opened.body()).getString("party");
        Thread close = new Thread(() -> {
            try {
                call("DELETE", "/parties/" + enc(party), null, Map.of());
            } catch (Exception ignored) {
                // the lease lets go of it anyway
            }
        });
        Runtime.getRuntime().addShutdownHook(close); // Ctrl-C: the party's held task goes back at once
        try {
            for (long done = 0; count < 0 || done < count; ) {
                HttpResponse<String> next = call("GET", "/parties/" + enc(party) + "/next?wait=20s", null, Map.of());
                if (next.statusCode() == 204) {
                    continue;
                }
                requireOk(next);
                JsonObject item = new JsonObject(next.body());
                out.println(json ? item.encode() : "task " + item.getValue("taskId") + " (priority "
                    + item.getValue("priority") + ", delivery " + item.getValue("deliveryCount") + "): "
                    + item.getString("message"));
                out.flush();
                requireOk(call("POST", "/parties/" + enc(party) + "/items/" + item.getValue("item") + "/"
                    + (fail ? "nack" : "ack"), null, Map.of()));
                done++;
            }
        } finally {
            Runtime.getRuntime().removeShutdownHook(close);
            close.run();
        }
        return 0;
    }

    private int bench(String[] args) {
        List<String> rest = new ArrayList<>();
        boolean seen = false;
        for (String a : args) {
            if (seen) {
                rest.add(a);
            } else if (a.equals("bench")) {
                seen = true;
            }
        }
        try {
            Class.forName("dev.messagingnode.bench.Bench").getMethod("main", String[].class)
                .invoke(null, (Object) rest.toArray(String[]::new));
            return 0;
        } catch (ReflectiveOperationException e) {
            err.println("error: the bench failed: " + (e.getCause() == null ? e : e.getCause()));
            return 1;
        }
    }

    // ---- output -----------------------------------------------------------------------------------------------

    private void exchangeTable(String body) {
        JsonArray list = new JsonArray(body);
        out.printf("%-28s %-17s %s%n", "NAME", "PATTERN", "HOSTS");
        for (Object o : list) {
            JsonObject e = (JsonObject) o;
            out.printf("%-28s %-17s %s%n", e.getString("name"), e.getString("pattern"),
                String.join(",", e.getJsonArray("hosts", new JsonArray()).stream().map(String::valueOf).toList()));
        }
    }

    private void members(String body) {
        out.printf("%-24s %-12s %s%n", "MEMBER", "ROLE", "EXCHANGES");
        for (Object o : new JsonObject(body).getJsonArray("members")) {
            JsonObject m = (JsonObject) o;
            String role = (m.getBoolean("coordinator") ? "coordinator" : "member") + (m.getBoolean("self") ? "*" : "");
            out.printf("%-24s %-12s %s%n", m.getString("name"), role, String.join(",",
                m.getJsonArray("exchanges").stream().map(String::valueOf).toList()));
        }
    }

    /** Prints the body of a successful answer ({@code --json}: as the node sent it); a refusal is exit 1. */
    private int show(HttpResponse<String> r, java.util.function.Consumer<String> text) {
        requireOk(r);
        String body = r.body() == null ? "" : r.body().trim();
        if (json) {
            out.println(body.isEmpty() ? "{}" : body);
        } else {
            text.accept(body);
        }
        return 0;
    }

    private void requireOk(HttpResponse<String> r) {
        if (r.statusCode() >= 400) {
            refused(r.statusCode(), r.body());
            throw new Refused();
        }
    }

    /** The node's problem detail on stderr. */
    private int refused(int status, String body) {
        String detail = body;
        try {
            JsonObject problem = new JsonObject(body);
            detail = problem.getString("detail", body) + (problem.containsKey("code") ? " (" + status + ", code "
                + problem.getValue("code") + ")" : " (" + status + ")");
        } catch (RuntimeException notJson) {
            detail = status + (body == null || body.isBlank() ? "" : ": " + body.trim());
        }
        err.println("error: " + detail);
        return 1;
    }

    // ---- HTTP -------------------------------------------------------------------------------------------------

    private HttpResponse<String> call(String method, String path, String body, Map<String, String> headers)
        throws IOException, InterruptedException {
        return http.send(request(method, path, body, headers).timeout(Duration.ofSeconds(90)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<InputStream> stream(String method, String path, String body, Map<String, String> headers)
        throws IOException, InterruptedException {
        return http.send(request(method, path, body, headers).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private HttpRequest.Builder request(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + path)).method(method, body == null
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        if (token != null && !token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private interface Events {
        /** One SSE event; false to stop reading. */
        boolean event(String event, String data);
    }

    private static void sse(InputStream in, Events events) throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String event = "message";
            StringBuilder data = new StringBuilder();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isEmpty()) {
                    if (data.length() > 0 && !events.event(event, data.toString())) {
                        return;
                    }
                    event = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(data.length() > 0 ? "\n" : "").append(line.substring(5).trim());
                }
            }
        }
    }

    // ---- arguments --------------------------------------------------------------------------------------------

    private String arg(int i, String name) {
        if (words.size() <= i) {
            throw new Usage(words.get(0) + " needs " + name);
        }
        return words.get(i);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String env(String name, String otherwise) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? otherwise : v;
    }

    private static final class Usage extends RuntimeException {
        Usage(String message) {
            super(message);
        }
    }

    /** The node refused; its detail is printed already. */
    private static final class Refused extends RuntimeException {
        Refused() {
            super(null, null, false, false);
        }
    }
}
