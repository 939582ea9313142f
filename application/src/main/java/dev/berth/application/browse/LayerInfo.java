package dev.berth.application.browse;

import dev.berth.domain.Digest;
import dev.berth.domain.manifest.MediaType;

/** A layer of an image manifest, as its descriptor states it. */
public record LayerInfo(Digest digest, MediaType mediaType, long size) {
}
