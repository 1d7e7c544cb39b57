package dev.messagingnode.bridge;

/**
 * Why a frame could not be taken: the error frame's text ({@code code: detail}) and whether the connection must be
 * closed. A connection whose byte stream cannot be trusted any more (bad length, not JSON) is closed after the error
 * frame; one that sent a well-formed frame the bridge cannot act on (no address, an address it may not use) stays.
 */
record FrameProblem(String code, String detail, boolean fatal) {

    static final FrameProblem EMPTY_FRAME = new FrameProblem("invalid_frame", "a frame's length prefix is 0", true);

    static FrameProblem tooLarge(long length, int max) {
        return new FrameProblem("frame_too_large", "the length prefix announces " + (length > Integer.MAX_VALUE
            ? "a negative or over-2-GiB length (" + length + " as unsigned)" : length + " bytes") + "; at most "
            + max + " (messaging.bridge.max-frame-bytes)", true);
    }

    static FrameProblem fatal(String code, String detail) {
        return new FrameProblem(code, detail, true);
    }

    static FrameProblem refused(String code, String detail) {
        return new FrameProblem(code, detail, false);
    }

    /** The text of the error frame. */
    String text() {
        return code + ": " + detail;
    }
}
