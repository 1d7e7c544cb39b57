package dev.messagingnode.exchange;

/** The rule for exchange names: letters, digits, '.', '-', '_'; 1 to 128 characters. */
public final class ExchangeName {

    public static final int MAX_LENGTH = 128;

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
        if (!allowedChars(name)) {
            throw new MessagingException(Failure.INVALID, "exchange name '" + printable(name)
                + "' may contain only letters, digits, '.', '-' and '_'");
        }
        return name;
    }

    /**
     * Letters, digits, '.', '-', '_' only. A loop, not a regular expression: every publish names its exchange,
     * and the regex was 2 % of the node's CPU under pub-sub (JFR).
     */
    private static boolean allowedChars(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
                || c == '_')) {
                return false;
            }
        }
        return true;
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
