package dev.messagingnode.exchange;

import java.util.regex.Pattern;

/** The rule for exchange names: letters, digits, '.', '-', '_'; 1 to 128 characters. */
public final class ExchangeName {

    public static final int MAX_LENGTH = 128;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

    private ExchangeName() {
    }

    /** Returns the name when valid, or throws {@link MessagingException} with {@link Failure#INVALID}. */
    public static String validate(String name) {
        if (name == null || name.isEmpty()) {
            throw new MessagingException(Failure.INVALID, "exchange name is empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw new MessagingException(Failure.INVALID,
                "exchange name is " + name.length() + " characters long; at most " + MAX_LENGTH + " are allowed");
        }
        if (!VALID.matcher(name).matches()) {
            throw new MessagingException(Failure.INVALID, "exchange name '" + printable(name)
                + "' may contain only letters, digits, '.', '-' and '_'");
        }
        return name;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(MAX_LENGTH).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
