package dev.berth.application.event;

/**
 * The request a use case serves, as events and logs report it, without HTTP types: the inbound
 * adapter fills it in and {@link CurrentRequest} carries it to the use case on the same thread.
 *
 * @param id        unique per request
 * @param addr      the client's address (ip:port)
 * @param host      the Host the client asked for
 * @param baseUrl   scheme and host under which the registry was reached, for URLs in events
 * @param actor     the authenticated user, or null for an anonymous request
 */
public record RequestContext(String id, String addr, String host, String method, String userAgent, String baseUrl,
                             String actor) {

    /** Work done outside any request (start-up, background jobs). */
    public static final RequestContext NONE = new RequestContext("", "", "", "", "", "", null);

    public RequestContext withActor(String name) {
        return new RequestContext(id, addr, host, method, userAgent, baseUrl, name);
    }
}
