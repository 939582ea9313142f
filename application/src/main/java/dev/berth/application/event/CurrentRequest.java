package dev.berth.application.event;

/**
 * The request being served on this thread. Set by the inbound adapter around each request and
 * always cleared in a finally block, since servlet threads are pooled.
 */
public final class CurrentRequest {

    private static final ThreadLocal<RequestContext> CURRENT = new ThreadLocal<>();

    private CurrentRequest() {
    }

    public static void set(RequestContext context) {
        CURRENT.set(context);
    }

    public static void clear() {
        CURRENT.remove();
    }

    public static RequestContext get() {
        RequestContext context = CURRENT.get();
        return context == null ? RequestContext.NONE : context;
    }
}
