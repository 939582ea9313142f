package dev.berth.domain.json;

/** The input is not JSON that {@link Json} accepts; says why and where. */
public final class JsonSyntaxException extends RuntimeException {

    private final int offset;

    JsonSyntaxException(String reason, int offset) {
        super(reason + " at byte offset " + offset);
        this.offset = offset;
    }

    /** The index of the byte where the problem was found. */
    public int offset() {
        return offset;
    }
}
