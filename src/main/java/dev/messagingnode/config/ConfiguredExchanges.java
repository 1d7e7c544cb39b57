package dev.messagingnode.config;

import dev.messagingnode.exchange.ExchangeDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.smallrye.config.EnvConfigSource;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The exchanges a node creates at start, from configuration and environment variables.
 *
 * <p>Properties: {@code messaging.exchanges.NAME.pattern} and {@code messaging.exchanges.NAME.options.KEY}. NAME may
 * contain dots; option keys never do, so the property name always says where NAME ends.
 *
 * <p>Environment: the usual MicroProfile rule (upper case, every other character {@code _}) overrides any key that a
 * property file declares. A variable can also add what no file declares, {@code MESSAGING_EXCHANGES_NAME_PATTERN}
 * and {@code MESSAGING_EXCHANGES_NAME_OPTIONS_KEY}: NAME is matched against the declared exchanges first (so
 * {@code DEMO_ECHO} is {@code demo-echo} when a file declares it); otherwise it is taken as a new name in lower case
 * with {@code _} read as {@code -} ({@code ORDERS_EU} defines {@code orders-eu}). Option keys are read the same way
 * ({@code REQUEST_TIMEOUT} is {@code request-timeout}). This is what Kubernetes needs to place exchanges on pods by
 * environment alone, and it never silently drops a variable that names an exchange.
 */
public final class ConfiguredExchanges {

    private static final String ENV_PREFIX = "MESSAGING_EXCHANGES_";
    private static final Pattern PATTERN_KEY = Pattern.compile("messaging\\.exchanges\\.(.+)\\.pattern");
    private static final Pattern OPTION_KEY = Pattern.compile("messaging\\.exchanges\\.(.+)\\.options\\.([^.]+)");

    private ConfiguredExchanges() {
    }

    /** Reads the definitions, in name order. */
    public static List<ExchangeDefinition> read(Config config, Map<String, String> environment) {
        Map<String, String> patterns = new TreeMap<>();
        Map<String, Map<String, String>> options = new TreeMap<>();
        for (String property : declaredNames(config)) {
            Matcher p = PATTERN_KEY.matcher(property);
            Matcher o = OPTION_KEY.matcher(property);
            // The value as the config resolves it: the active profile's, overridden by the environment.
            String value = config.getOptionalValue(property, String.class).orElse(null);
            if (value == null) {
                continue; // declared only for a profile that is not active
            }
            if (o.matches()) {
                options.computeIfAbsent(o.group(1), k -> new TreeMap<>()).put(o.group(2), value);
            } else if (p.matches()) {
                patterns.put(p.group(1), value);
            }
        }
        Map<String, String> declaredByEnvName = new TreeMap<>();
        for (String name : union(patterns, options)) {
            declaredByEnvName.put(envForm(name), name);
        }
        for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
            String var = e.getKey();
            if (!var.startsWith(ENV_PREFIX)) {
                continue;
            }
            String rest = var.substring(ENV_PREFIX.length());
            int optionsAt = rest.lastIndexOf("_OPTIONS_");
            if (rest.endsWith("_PATTERN") && rest.length() > "_PATTERN".length()) {
                String envName = rest.substring(0, rest.length() - "_PATTERN".length());
                patterns.put(declaredByEnvName.getOrDefault(envName, fromEnv(envName)), e.getValue());
            } else if (optionsAt > 0 && optionsAt + "_OPTIONS_".length() < rest.length()) {
                String envName = rest.substring(0, optionsAt);
                String key = fromEnv(rest.substring(optionsAt + "_OPTIONS_".length()));
                options.computeIfAbsent(declaredByEnvName.getOrDefault(envName, fromEnv(envName)),
                    k -> new TreeMap<>()).put(key, e.getValue());
            } else {
                throw new IllegalArgumentException("environment variable " + var + " names no exchange setting: use "
                    + ENV_PREFIX + "NAME_PATTERN or " + ENV_PREFIX + "NAME_OPTIONS_KEY");
            }
        }
        List<ExchangeDefinition> definitions = new ArrayList<>();
        for (String name : union(patterns, options)) {
            String pattern = patterns.get(name);
            if (pattern == null || pattern.isBlank()) {
                throw new IllegalArgumentException("exchange '" + name + "' has options but no pattern: set "
                    + "messaging.exchanges." + name + ".pattern (or " + ENV_PREFIX + envForm(name) + "_PATTERN)");
            }
            definitions.add(new ExchangeDefinition(name, pattern.trim(), options.getOrDefault(name, Map.of())));
        }
        return definitions;
    }

    /**
     * Property names from every source but the environment: the environment's own names are read by the rules
     * above, since the dotted form a config library derives from them cannot tell '-' from '.'.
     */
    private static List<String> declaredNames(Config config) {
        List<String> names = new ArrayList<>();
        for (ConfigSource source : config.getConfigSources()) {
            if (source instanceof EnvConfigSource) {
                continue;
            }
            for (String name : source.getPropertyNames()) {
                // "%test.messaging.exchanges.x.pattern" declares "messaging.exchanges.x.pattern" for a profile.
                names.add(name.startsWith("%") && name.indexOf('.') > 0 ? name.substring(name.indexOf('.') + 1) : name);
            }
        }
        return names;
    }

    /** The MicroProfile environment form of a name: upper case, every character but letters and digits as '_'. */
    static String envForm(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static String fromEnv(String envName) {
        return envName.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static List<String> union(Map<String, ?> a, Map<String, ?> b) {
        TreeMap<String, Boolean> all = new TreeMap<>();
        a.keySet().forEach(k -> all.put(k, true));
        b.keySet().forEach(k -> all.put(k, true));
        return new ArrayList<>(all.keySet());
    }
}
