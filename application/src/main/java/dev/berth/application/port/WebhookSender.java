package dev.berth.application.port;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Port: POSTs a body to a webhook receiver and answers the HTTP status. */
public interface WebhookSender {

    /**
     * @param signingKey when present, the body is signed with it (HMAC-SHA256) in a header the receiver can check
     * @throws IOException when no response arrived (refused, timed out, reset)
     */
    int post(URI url, Map<String, List<String>> headers, byte[] body, Duration timeout, Optional<String> signingKey)
            throws IOException;
}
