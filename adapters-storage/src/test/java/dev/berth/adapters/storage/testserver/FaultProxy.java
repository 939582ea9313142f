package dev.berth.adapters.storage.testserver;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of one storage server (S3Proxy, Azurite, Swift) that passes
 * requests through, answers them with a server error itself, or answers late, as a test asks:
 * {@link #passThrough()}, {@link #failAll(int)}, {@link #failNext(int, int, Predicate)},
 * {@link #failWhere(int, Predicate)}, {@link #delayAnswers(Duration)}, {@link #delayAnswers(Duration, Predicate)}.
 * It records every request
 * with what it was answered and when it came, so a test sees the client's retries and their back-off.
 *
 * <p>Injected errors are worded as the imitated service words them: S3's {@code SlowDown} (503) and
 * {@code InternalError} (500), Azure Storage's {@code ServerBusy} (503, with {@code x-ms-error-code})
 * and {@code InternalError} (500), Swift's proxy server's HTML pages (with {@code X-Trans-Id}).
 * None of them sends {@code Retry-After} with these, so neither does this proxy. A request that expects {@code 100-continue} is refused before its body, as both
 * services do, and the connection is then closed; passed through, it is told to continue by the proxy.
 *
 * <p>Each request goes to the server over a connection of its own (the proxy holds no idle upstream
 * connections that the server could close under it); the bytes of requests and answers are passed
 * on unchanged, so signatures over the {@code Host} header still hold. One exception: Swift's auth
 * answer names the storage URL its clients go to next ({@code X-Storage-Url}, the server's own
 * address), which the proxy points back at itself, so that the client's storage requests pass it too.
 */
public final class FaultProxy implements AutoCloseable {

    /** Whose error answers to imitate. */
    public enum Dialect { S3, AZURE, SWIFT }

    /** A request as the proxy received it; header names in lower case. */
    public record Request(String method, String target, Map<String, String> headers) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * @param nanos    {@link System#nanoTime()} when the request's head arrived
     * @param injected whether the proxy answered the error itself rather than the server
     */
    public record Exchange(long nanos, Request request, int status, boolean injected) {
    }

    /** What to do with the next requests: answer {@code status} (0: pass through) to those matched, after {@code delay}. */
    private record Mode(int status, Predicate<Request> which, AtomicInteger remaining, Duration delay) {

        boolean injects(Request request) {
            return status != 0 && which.test(request) && (remaining == null || remaining.getAndDecrement() > 0);
        }

        Duration delayOf(Request request) {
            return which.test(request) ? delay : Duration.ZERO;
        }
    }

    private static final Mode PASS = new Mode(0, request -> false, null, Duration.ZERO);

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final Dialect dialect;
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger injected = new AtomicInteger();
    private final Thread acceptor;
    private volatile Mode mode = PASS;

    private FaultProxy(ServerSocket server, InetSocketAddress upstream, Dialect dialect) {
        this.server = server;
        this.upstream = upstream;
        this.dialect = dialect;
        this.acceptor = Thread.ofPlatform().daemon().name("fault-proxy-" + server.getLocalPort()).start(this::accept);
    }

    /** Starts a proxy on a free loopback port in front of the server at {@code upstream} (scheme http). */
    public static FaultProxy start(URI upstream, Dialect dialect) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        return new FaultProxy(server, new InetSocketAddress(upstream.getHost(), upstream.getPort()), dialect);
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** {@code url} of the server, reached through this proxy (same path and query). */
    public URI proxied(URI url) {
        return endpoint().resolve(url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
    }

    /** Every request goes to the server and back, at once. */
    public void passThrough() {
        mode = PASS;
    }

    /** Every request is answered {@code status} (500 or 503) by the proxy, until told otherwise. */
    public void failAll(int status) {
        failWhere(status, request -> true);
    }

    /** The next {@code count} requests are answered {@code status} by the proxy, the ones after pass through. */
    public void failNext(int count, int status) {
        failNext(count, status, request -> true);
    }

    /** The next {@code count} requests that {@code which} matches are answered {@code status}; all others pass. */
    public void failNext(int count, int status, Predicate<Request> which) {
        mode = new Mode(status, which, new AtomicInteger(count), Duration.ZERO);
    }

    /** Every request that {@code which} matches is answered {@code status}; the others pass through. */
    public void failWhere(int status, Predicate<Request> which) {
        mode = new Mode(status, which, null, Duration.ZERO);
    }

    /** Every request passes through, and each answer is held back {@code delay} before it goes to the client. */
    public void delayAnswers(Duration delay) {
        delayAnswers(delay, request -> true);
    }

    /** Every request passes through, and the answers to those that {@code which} matches are held back {@code delay}. */
    public void delayAnswers(Duration delay, Predicate<Request> which) {
        mode = new Mode(0, which, null, delay);
    }

    /**
     * The requests that arrived at or after {@code nanos} ({@link System#nanoTime()}), in the order
     * they arrived. (An answer held back by {@link #delayAnswers} is recorded when it goes out, so
     * the record of an earlier test's request may come late: marks by time keep tests apart.)
     */
    public List<Exchange> exchangesSince(long nanos) {
        return exchanges.stream().filter(e -> e.nanos() - nanos >= 0)
                .sorted(Comparator.comparingLong(Exchange::nanos)).toList();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                connections.add(client);
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream fromClient = new BufferedInputStream(client.getInputStream());
            OutputStream toClient = new BufferedOutputStream(client.getOutputStream());
            for (Head request = Head.read(fromClient); request != null; request = Head.read(fromClient)) {
                if (!exchange(request, fromClient, toClient)) {
                    return;
                }
            }
        } catch (IOException e) {
            // a side went away (a client that timed out, the proxy closing): nothing left to answer
        } finally {
            connections.remove(client);
        }
    }

    /** Answers one request; false when the connection must close afterwards. */
    private boolean exchange(Head head, InputStream fromClient, OutputStream toClient) throws IOException {
        long arrived = System.nanoTime();
        Request request = head.request();
        Mode current = mode;
        boolean expectsContinue = "100-continue".equalsIgnoreCase(request.header("expect"));
        boolean bodiless = request.method().equals("HEAD");
        if (current.injects(request)) {
            if (!expectsContinue) {
                Body.transfer(head.fields(), fromClient, OutputStream.nullOutputStream(), false);
            }
            injected.incrementAndGet();
            exchanges.add(new Exchange(arrived, request, current.status(), true));
            toClient.write(fault(current.status(), bodiless, expectsContinue));
            toClient.flush();
            return !expectsContinue;
        }
        if (expectsContinue) {
            toClient.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            toClient.flush();
        }
        try (Socket store = new Socket(upstream.getAddress(), upstream.getPort())) {
            OutputStream toStore = new BufferedOutputStream(store.getOutputStream());
            InputStream fromStore = new BufferedInputStream(store.getInputStream());
            head.write(toStore, field -> !field.name().equals("expect"));
            Body.transfer(head.fields(), fromClient, toStore, false);
            toStore.flush();
            Head answer;
            do {
                answer = Head.read(fromStore);
                if (answer == null) {
                    throw new EOFException("the storage server closed the connection without an answer");
                }
            } while (answer.status() / 100 == 1);
            sleep(current.delayOf(request));
            exchanges.add(new Exchange(arrived, request, answer.status(), false));
            (dialect == Dialect.SWIFT ? answer.storageUrlTo(endpoint()) : answer).write(toClient, field -> true);
            boolean keepsOpen = true;
            if (!bodiless && answer.status() != 204 && answer.status() != 304) {
                keepsOpen = Body.transfer(answer.fields(), fromStore, toClient, true);
            }
            toClient.flush();
            return keepsOpen && !head.closes() && !answer.closes();
        }
    }

    private byte[] fault(int status, boolean bodiless, boolean close) {
        boolean busy = status == 503;
        String code = switch (dialect) {
            case S3 -> busy ? "SlowDown" : "InternalError";
            case AZURE -> busy ? "ServerBusy" : "InternalError";
            case SWIFT -> busy ? "Service Unavailable" : "Internal Error";
        };
        String message = switch (dialect) {
            case S3 -> busy ? "Please reduce your request rate." : "We encountered an internal error. Please try again.";
            case AZURE -> busy ? "The server is busy." : "The server encountered an internal error. Please retry the request.";
            case SWIFT -> busy ? "The server is currently unavailable. Please try again at a later time."
                    : "The server has either erred or is incapable of performing the requested operation.";
        };
        String id = "berth-fault-" + injected.get();
        byte[] body = (dialect == Dialect.SWIFT ? "<html><h1>" + code + "</h1><p>" + message + "</p></html>"
                : "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
                + "</Message><RequestId>" + id + "</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
        StringBuilder answer = new StringBuilder("HTTP/1.1 ").append(status)
                .append(busy ? " Service Unavailable" : " Internal Server Error").append("\r\n")
                .append(dialect == Dialect.SWIFT ? "Content-Type: text/html; charset=UTF-8\r\n"
                        : "Content-Type: application/xml\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n");
        switch (dialect) {
            case S3 -> answer.append("x-amz-request-id: ").append(id).append("\r\n");
            case AZURE -> answer.append("x-ms-error-code: ").append(code).append("\r\nx-ms-request-id: ").append(id)
                    .append("\r\n");
            case SWIFT -> answer.append("X-Trans-Id: ").append(id).append("\r\n");
        }
        if (close) {
            answer.append("Connection: close\r\n");
        }
        answer.append("\r\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(answer.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!bodiless) {
            bytes.writeBytes(body);
        }
        return bytes.toByteArray();
    }

    private static void sleep(Duration delay) throws IOException {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket connection : connections) {
            connection.close();
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One header field as sent; {@code name} in lower case. */
    private record Field(String name, String line) {
    }

    /** The start line and header fields of a request or an answer. */
    private record Head(String start, List<Field> fields) {

        /** The next head, or null when the peer closed the connection before sending one. */
        static Head read(InputStream in) throws IOException {
            String start = Body.line(in, true);
            if (start == null) {
                return null;
            }
            List<Field> fields = new ArrayList<>();
            for (String line = Body.line(in, false); !line.isEmpty(); line = Body.line(in, false)) {
                int colon = line.indexOf(':');
                fields.add(new Field(line.substring(0, Math.max(colon, 0)).trim().toLowerCase(Locale.ROOT), line));
            }
            return new Head(start, fields);
        }

        Request request() {
            String[] parts = start.split(" ", 3);
            Map<String, String> headers = new LinkedHashMap<>();
            for (Field field : fields) {
                headers.put(field.name(), field.line().substring(field.line().indexOf(':') + 1).trim());
            }
            return new Request(parts[0], parts.length > 1 ? parts[1] : "", Map.copyOf(headers));
        }

        int status() {
            return Integer.parseInt(start.split(" ", 3)[1]);
        }

        boolean closes() {
            return "close".equalsIgnoreCase(value(fields, "connection"));
        }

        /** This head with an {@code X-Storage-Url} (Swift's auth answer) on {@code proxy}'s scheme, host and port. */
        Head storageUrlTo(URI proxy) {
            List<Field> changed = new ArrayList<>();
            for (Field field : fields) {
                if (field.name().equals("x-storage-url")) {
                    URI url = URI.create(field.line().substring(field.line().indexOf(':') + 1).trim());
                    String proxied = proxy.resolve(url.getRawPath()).toString();
                    changed.add(new Field(field.name(), "X-Storage-Url: " + proxied));
                } else {
                    changed.add(field);
                }
            }
            return new Head(start, changed);
        }

        void write(OutputStream out, Predicate<Field> keep) throws IOException {
            StringBuilder text = new StringBuilder(start).append("\r\n");
            for (Field field : fields) {
                if (keep.test(field)) {
                    text.append(field.line()).append("\r\n");
                }
            }
            out.write(text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static String value(List<Field> fields, String name) {
        for (Field field : fields) {
            if (field.name().equals(name)) {
                return field.line().substring(field.line().indexOf(':') + 1).trim();
            }
        }
        return null;
    }

    /** Message bodies, framed by Content-Length or chunked transfer coding, copied as they are. */
    private static final class Body {

        /**
         * Copies the body that follows a head with {@code fields}. Without either framing header a
         * request has none, and an answer runs to the end of the stream (it ends with its connection).
         *
         * @return false when the body ended with the connection
         */
        static boolean transfer(List<Field> fields, InputStream in, OutputStream out, boolean answer)
                throws IOException {
            String coding = value(fields, "transfer-encoding");
            if (coding != null && coding.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked(in, out);
                return true;
            }
            String length = value(fields, "content-length");
            if (length != null) {
                copy(in, out, Long.parseLong(length));
                return true;
            }
            if (!answer) {
                return true;
            }
            in.transferTo(out);
            return false;
        }

        private static void chunked(InputStream in, OutputStream out) throws IOException {
            while (true) {
                String size = line(in, false);
                write(out, size);
                long length = Long.parseLong(size.split(";", 2)[0].trim(), 16);
                if (length == 0) {
                    // trailer fields up to the empty line
                    for (String trailer = line(in, false); ; trailer = line(in, false)) {
                        write(out, trailer);
                        if (trailer.isEmpty()) {
                            return;
                        }
                    }
                }
                copy(in, out, length);
                write(out, line(in, false));
            }
        }

        private static void copy(InputStream in, OutputStream out, long length) throws IOException {
            byte[] buffer = new byte[64 * 1024];
            for (long left = length; left > 0; ) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new EOFException(left + " bytes of a body missing");
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }

        private static void write(OutputStream out, String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }

        /** A line without its CRLF; null at the end of the stream only when {@code endAllowed} and nothing came. */
        static String line(InputStream in, boolean endAllowed) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    if (endAllowed && line.size() == 0) {
                        return null;
                    }
                    throw new EOFException("the connection ended inside a line");
                }
                line.write(b);
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        }
    }
}
