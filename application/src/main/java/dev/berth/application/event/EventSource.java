package dev.berth.application.event;

/**
 * The node that generated an event: its address (host:port) and an id that changes at every start,
 * as Distribution's {@code source} record.
 */
public record EventSource(String addr, String instanceId) {
}
