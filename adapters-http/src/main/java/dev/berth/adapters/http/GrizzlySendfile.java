package dev.berth.adapters.http;

import dev.berth.application.port.FileRegion;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletResponse;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends a file region with {@code sendfile} ({@link FileChannel#transferTo}) on Payara's Grizzly
 * connection, the way Grizzly's own static-file handler does, instead of copying the bytes through
 * the JVM (four copies and a clone per chunk on the streamed path). The servlet API has no such
 * call, so Payara's response objects are reached by reflection, resolved once; on any other
 * container, and on TLS connections, {@link #send} answers false and the caller streams. Grizzly's
 * own {@code OutputBuffer.sendfile} is not used: Payara's listeners leave it switched off (only
 * {@code -Dorg.glassfish.grizzly.http.USE_SEND_FILE=true} turns it on), it adds a
 * {@code Content-Encoding: identity} header and it finishes the response on another thread.
 *
 * <p>The region goes out in slices, each queued on the connection before the previous one is waited
 * for, so the socket never idles, a stalled client is noticed per slice, and no slice overflows
 * Grizzly's {@code int} sizes.
 */
final class GrizzlySendfile {

    private static final Logger LOG = Logger.getLogger(GrizzlySendfile.class.getName());
    private static final long SLICE = 8L << 20;
    /** How often a wait for the client re-checks that the connection is still open. */
    private static final long POLL_SECONDS = 5;

    private static volatile Handles handles;
    private static volatile boolean unavailable;

    private GrizzlySendfile() {
    }

    /**
     * Sends the status and headers set so far, then the region's bytes; false (nothing sent) when
     * this container or connection cannot. The caller has set Content-Length to the region's size.
     */
    static boolean send(HttpServletResponse response, FileRegion region) throws IOException {
        if (unavailable) {
            return false;
        }
        // only our byte counter may be bypassed: any other wrapper must see the bytes
        CountingStreams.Response counter = null;
        ServletResponse inner = response;
        if (inner instanceof CountingStreams.Response counting) {
            counter = counting;
            inner = counting.getResponse();
        }
        if (inner instanceof ServletResponseWrapper) {
            return false;
        }
        Handles h = handles(inner);
        if (h == null) {
            return false;
        }
        Object context;
        try {
            Object grizzly = h.grizzlyResponse(inner);
            // the connection's own word, not a forwarded header's: TLS must see the bytes to encrypt them
            if ((boolean) h.isSecure.invoke(h.requestOf.invoke(grizzly))) {
                return false;
            }
            context = h.context.get(h.outputBufferOf.invoke(grizzly));
        } catch (ReflectiveOperationException | RuntimeException e) {
            disable(e);
            return false;
        }
        response.flushBuffer();
        FileChannel file = region.channel();
        long position = region.position();
        long end = position + region.remaining();
        CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);
        while (position < end) {
            long length = Math.min(SLICE, end - position);
            CompletableFuture<Void> written = new CompletableFuture<>();
            h.write(context, new Slice(file, position, length), written);
            await(h, context, previous);
            previous = written;
            position += length;
            if (counter != null) {
                counter.sent(length);
            }
        }
        await(h, context, previous);
        return true;
    }

    private static void await(Handles h, Object context, CompletableFuture<Void> written) throws IOException {
        while (true) {
            try {
                written.get(POLL_SECONDS, TimeUnit.SECONDS);
                return;
            } catch (TimeoutException e) {
                if (!h.isOpen(context)) {
                    throw new IOException("the client closed the connection during a file transfer");
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while sending a file");
            }
        }
    }

    private static Handles handles(ServletResponse facade) {
        Handles h = handles;
        if (h != null && h.facade == facade.getClass()) {
            return h;
        }
        try {
            h = Handles.resolve(facade);
            handles = h;
            return h;
        } catch (ReflectiveOperationException | RuntimeException e) {
            disable(e);
            return null;
        }
    }

    private static void disable(Exception e) {
        unavailable = true;
        LOG.log(Level.INFO, "blob GETs are streamed: the container offers no Grizzly sendfile (" + e + ")");
    }

    /** Payara's and Grizzly's members on the way from the servlet response to the connection. */
    private record Handles(Class<?> facade, Field catalinaResponse, Method coyoteResponse, Method outputBufferOf,
                           Method requestOf, Method isSecure, Field context, Method write, Method connection, Method isOpen,
                           Class<?> fileChunk, Class<?> completionHandler) {

        static Handles resolve(ServletResponse facade) throws ReflectiveOperationException {
            Field catalinaResponse = field(facade.getClass(), "response");
            Object catalina = catalinaResponse.get(facade);
            Method coyoteResponse = catalina.getClass().getMethod("getCoyoteResponse");
            Object grizzly = coyoteResponse.invoke(catalina);
            Method outputBufferOf = grizzly.getClass().getMethod("getOutputBuffer");
            Object outputBuffer = outputBufferOf.invoke(grizzly);
            Method requestOf = grizzly.getClass().getMethod("getRequest");
            Field context = field(outputBuffer.getClass(), "ctx");
            ClassLoader loader = outputBuffer.getClass().getClassLoader();
            Class<?> fileChunk = loader.loadClass("org.glassfish.grizzly.FileChunk");
            Class<?> completionHandler = loader.loadClass("org.glassfish.grizzly.CompletionHandler");
            Class<?> contextType = context.getType();
            Method connection = contextType.getMethod("getConnection");
            return new Handles(facade.getClass(), catalinaResponse, coyoteResponse, outputBufferOf,
                    requestOf, requestOf.getReturnType().getMethod("isSecure"), context,
                    contextType.getMethod("write", Object.class, completionHandler), connection,
                    connection.getReturnType().getMethod("isOpen"), fileChunk, completionHandler);
        }

        private static Field field(Class<?> type, String name) throws NoSuchFieldException {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                try {
                    Field f = c.getDeclaredField(name);
                    f.setAccessible(true);
                    return f;
                } catch (NoSuchFieldException e) {
                    // declared further up
                }
            }
            throw new NoSuchFieldException(type.getName() + "." + name);
        }

        Object grizzlyResponse(Object facade) throws ReflectiveOperationException {
            return coyoteResponse.invoke(catalinaResponse.get(facade));
        }

        /** Queues the slice on the connection; {@code written} completes when its last byte went out. */
        void write(Object ctx, Slice slice, CompletableFuture<Void> written) throws IOException {
            ClassLoader loader = fileChunk.getClassLoader();
            Object chunk = Proxy.newProxyInstance(loader, new Class<?>[]{fileChunk}, (proxy, method, args) ->
                    switch (method.getName()) {
                        case "writeTo" -> slice.writeTo((WritableByteChannel) args[0]);
                        case "hasRemaining" -> slice.remaining > 0;
                        case "remaining" -> (int) slice.remaining;
                        case "release" -> true;
                        case "isExternal" -> true;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "file slice of " + slice.remaining + " bytes";
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
            Object handler = Proxy.newProxyInstance(loader, new Class<?>[]{completionHandler}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "completed" -> written.complete(null);
                    case "failed" -> written.completeExceptionally((Throwable) args[0]);
                    case "cancelled" -> written.completeExceptionally(new IOException("file transfer cancelled"));
                    case "hashCode" -> {
                        return System.identityHashCode(proxy);
                    }
                    case "equals" -> {
                        return proxy == args[0];
                    }
                    case "toString" -> {
                        return "file slice handler";
                    }
                    default -> {
                        // updated: progress, nothing to do
                    }
                }
                return null;
            });
            try {
                write.invoke(ctx, chunk, handler);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            } catch (IllegalAccessException e) {
                throw new IOException(e);
            }
        }

        boolean isOpen(Object ctx) {
            try {
                return (boolean) isOpen.invoke(connection.invoke(ctx));
            } catch (ReflectiveOperationException e) {
                return false;
            }
        }
    }

    /** A part of the file; Grizzly calls {@link #writeTo} whenever the socket can take more. */
    private static final class Slice {
        private final FileChannel file;
        private long position;
        private long remaining;

        Slice(FileChannel file, long position, long length) {
            this.file = file;
            this.position = position;
            this.remaining = length;
        }

        long writeTo(WritableByteChannel socket) throws IOException {
            long sent = file.transferTo(position, remaining, socket);
            if (sent == 0 && position >= file.size()) {
                // Grizzly would call again forever: a blob file never shrinks unless damaged
                throw new EOFException("file ended " + remaining + " bytes before the region did");
            }
            position += sent;
            remaining -= sent;
            return sent;
        }
    }
}
