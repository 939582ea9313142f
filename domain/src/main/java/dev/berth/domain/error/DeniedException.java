package dev.berth.domain.error;

/** {@code DENIED}: the client is authenticated but not allowed to do this. */
public final class DeniedException extends RegistryException {

    public DeniedException() {
        this(null);
    }

    public DeniedException(String detail) {
        super("DENIED", "requested access to the resource is denied", detail, null);
    }

    /** Denied by a rule rather than by access: {@code message} names the rule, as clients print only the message. */
    public static DeniedException byRule(String message) {
        return new DeniedException(message, null);
    }

    /**
     * A refusal whose reason the client must show: docker, podman and skopeo print the message, not
     * the detail (a quota refusal names the quota here, as Harbor's does).
     */
    public DeniedException(String message, String detail) {
        super("DENIED", message, detail, null);
    }
}
