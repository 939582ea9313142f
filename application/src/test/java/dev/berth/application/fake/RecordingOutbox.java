package dev.berth.application.fake;

import dev.berth.application.event.EventAction;
import dev.berth.application.port.EventOutbox;

import java.util.ArrayList;
import java.util.List;

/** An outbox that keeps what was added, in order, for use-case tests. */
public final class RecordingOutbox implements EventOutbox {

    public record Added(EventAction action, String mediaType, String json) {
    }

    public final List<Added> added = new ArrayList<>();

    @Override
    public synchronized void add(EventAction action, String mediaType, String json) {
        added.add(new Added(action, mediaType, json));
    }
}
