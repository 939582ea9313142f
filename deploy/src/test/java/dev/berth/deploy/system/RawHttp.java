package dev.berth.deploy.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * One HTTP/1.1 request over a plain socket: for what Java's client will not send (any method
 * token, or a TLS hello where HTTP is expected), and from a chosen loopback address (127.0.0.2),
 * so that what one test does to an address's throttling leaves the other tests' 127.0.0.1 alone.
 */
final class RawHttp {

    /**
     * A TLS ClientHello as skopeo 1.9.3 (Go's crypto/tls) sent it to a plain-HTTP registry port, byte for
     * byte: Grizzly reads it as a request line whose protocol is binary. (Go picks new random bytes for
     * every hello, and now and then they end the "line" sooner; this one is fixed, so the test is too.)
     */
    private static final String SKOPEO_CLIENT_HELLO =
            "16030100de010000da0303c20fa63e68183cc4a8b67379dcf7cc5ddba6d6ebd83ad3498039e6a75be296af20c655fda8"
            + "12ff4c2dde1c144f1834f764855eeaf8802efb43acc90859e4bf49800016c02bc02fc02cc030c009c013c00ac0141301"
            + "130213030100007b000500050100000000000a000a0008001d001700180019000b00020100000d001a00180804040308"
            + "07080508060401050106010503060302010203ff0100010000120000002b000908030403030302030100330026002400"
            + "1d0020383f35457a1216c4bf8a8d036fc6295e7e47a8da95f062e5516e7cadd0fdfb45";

    private RawHttp() {
    }

    /** @return the response's status code */
    static int status(String from, int port, String method, String path, String... headers) {
        return Integer.parseInt(send(from, port, method, path, headers).substring(9, 12));
    }

    /** @return the status line, and the header lines as sent, e.g. "Location: http://..." */
    static List<String> head(String from, int port, String method, String path, String... headers) {
        String response = send(from, port, method, path, headers);
        int end = response.indexOf("\r\n\r\n");
        return List.of((end < 0 ? response : response.substring(0, end)).split("\r\n"));
    }

    /**
     * Announces a body of {@code contentLength} bytes, sends only {@code start} of it, and reads the
     * answer up to the end of its error JSON: a server that refuses the size must answer without
     * waiting for the rest.
     */
    static String refusedBody(int port, String path, String contentType, long contentLength, String start)
            throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
                    + "\r\nContent-Length: " + contentLength + "\r\n\r\n" + start).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            StringBuilder answer = new StringBuilder();
            byte[] buffer = new byte[4096];
            int n;
            while (!answer.toString().contains("]}") && (n = socket.getInputStream().read(buffer)) > 0) {
                answer.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
            return answer.toString();
        }
    }

    /** Sends {@link #SKOPEO_CLIENT_HELLO} to the port and waits until the server has closed the connection. */
    static void tlsClientHello(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(HexFormat.of().parseHex(SKOPEO_CLIENT_HELLO));
            socket.getOutputStream().flush();
            socket.getInputStream().readAllBytes();
        }
    }

    private static String send(String from, int port, String method, String path, String... headers) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\nConnection: close\r\n");
            for (int i = 0; i < headers.length; i += 2) {
                request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            if (!response.startsWith("HTTP/1.1 ")) {
                throw new AssertionError("not an HTTP response: " + response);
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
