package dev.berth.application.port;

import dev.berth.domain.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Port: the storage tree of a CNCF Distribution registry ({@code registry:2}), read to import it.
 * Only reads. Names and link texts are handed over as found, unvalidated: the importer decides what
 * is broken, and names it.
 */
public interface DistributionStorage {

    /** Where the tree is, for operators (a directory). */
    String location();

    /** The repositories, in byte order: each directory of the tree holding {@code _manifests} or {@code _layers}. */
    List<String> repositories() throws IOException;

    /** The blobs the repository may serve ({@code _layers/<algorithm>/<hex>/link}); name is "algorithm:hex". */
    List<Link> layers(String repository) throws IOException;

    /** The manifests of the repository ({@code _manifests/revisions/<algorithm>/<hex>/link}); name is "algorithm:hex". */
    List<Link> revisions(String repository) throws IOException;

    /** The tags of the repository ({@code _manifests/tags/<tag>/current/link}); name is the tag. */
    List<Link> tags(String repository) throws IOException;

    /** The size of the content in {@code blobs/}, empty when it is not there. */
    OptionalLong size(Digest digest) throws IOException;

    /** Streams the content; the caller verifies it. */
    InputStream open(Digest digest) throws IOException;

    /** The content's file, when it is a local file that could be linked instead of copied. */
    Optional<Path> file(Digest digest);

    /**
     * A link file of the tree.
     *
     * @param name   what the link's place names: a digest or a tag
     * @param target the file's text, stripped; empty when the file is missing or unreadable
     */
    record Link(String name, Optional<String> target) {
    }
}
