package dev.berth.application.event;

import java.util.Locale;

/**
 * The envelope an endpoint receives: Distribution 3's (the default) or registry:2's, for receivers
 * written for it. They differ in the media type and in the manifest references registry:2 never sent.
 */
public enum EnvelopeFormat {
    V1("application/vnd.docker.distribution.events.v1+json"),
    V2("application/vnd.docker.distribution.events.v2+json");

    private final String mediaType;

    EnvelopeFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** @throws IllegalArgumentException for anything but v1 or v2 */
    public static EnvelopeFormat parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "v1" -> V1;
            case "v2" -> V2;
            default -> throw new IllegalArgumentException("expected v1 or v2, found '" + text + "'");
        };
    }
}
