package dev.berth.adapters.http;

import dev.berth.domain.error.UnsupportedException.Refused;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code Allow} header of a 405: the endpoint's methods, less those the refusal covers. */
class AllowedMethodsTest {

    @Test
    void aMethodTheEndpointLacksListsAllItHas() {
        assertThat(RegistryServlet.allowed(Route.Kind.TAGS, Refused.THIS_REQUEST)).containsExactly("GET", "HEAD");
        assertThat(RegistryServlet.allowed(Route.Kind.UPLOAD, Refused.THIS_REQUEST))
                .containsExactly("GET", "HEAD", "PATCH", "PUT", "DELETE");
    }

    @Test
    void disabledDeletesLeaveEverythingElse() {
        assertThat(RegistryServlet.allowed(Route.Kind.MANIFEST, Refused.DELETES)).containsExactly("GET", "HEAD", "PUT");
        assertThat(RegistryServlet.allowed(Route.Kind.BLOB, Refused.DELETES)).containsExactly("GET", "HEAD");
    }

    @Test
    void readOnlyModeLeavesReadsOnly() {
        assertThat(RegistryServlet.allowed(Route.Kind.MANIFEST, Refused.WRITES)).containsExactly("GET", "HEAD");
        assertThat(RegistryServlet.allowed(Route.Kind.UPLOAD, Refused.WRITES)).containsExactly("GET", "HEAD");
        assertThat(RegistryServlet.allowed(Route.Kind.UPLOADS, Refused.WRITES)).isEmpty();
    }
}
