package dev.berth.application.registry;

import dev.berth.domain.Digest;

import java.util.Optional;

/** What a client learns from a manifest push: its digest, and its subject when it has one (OCI-Subject). */
public record PushedManifest(Digest digest, Optional<Digest> subject) {
}
