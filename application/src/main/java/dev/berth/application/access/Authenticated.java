package dev.berth.application.access;

import dev.berth.domain.access.Caller;

/** A caller and the credential they came with. */
public record Authenticated(Caller caller, Credential credential) {
}
