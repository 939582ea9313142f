package dev.berth.application.event;

import java.time.Instant;

/** One registry event, with the fields of Distribution's notification event. */
public record RegistryEvent(String id, Instant timestamp, EventAction action, EventTarget target,
                            RequestContext request, EventSource source) {
}
