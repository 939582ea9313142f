package dev.berth.application.registry;

import dev.berth.domain.manifest.MediaType;

import java.util.Set;

/**
 * What a manifest request's {@code Accept} headers admit.
 *
 * @param listed   the media types listed
 * @param wildcard whether {@code *}{@code /*} was listed (anything goes)
 */
public record AcceptedTypes(Set<MediaType> listed, boolean wildcard) {

    public AcceptedTypes {
        listed = Set.copyOf(listed);
    }

    /** {@code Accept: *}{@code /*}, or a caller that takes whatever is stored. */
    public static AcceptedTypes anything() {
        return new AcceptedTypes(Set.of(), true);
    }

    /**
     * The listed types, where an empty set means anything (the convention of the callers that
     * predate schema 1 conversion).
     */
    public static AcceptedTypes of(Set<MediaType> listed) {
        return new AcceptedTypes(listed, listed.isEmpty());
    }

    /** Whether any of {@code types} is admitted. */
    boolean admitsAny(Set<MediaType> types) {
        return wildcard || listed.stream().anyMatch(types::contains);
    }
}
