package dev.berth.deploy.runtime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** Grizzly's warning about a TLS ClientHello on the plain port becomes one debug line without the bytes. */
class TlsProbeLogTest {

    /** What Grizzly makes of the start of a ClientHello: the record layer's bytes as a protocol name. */
    private static final String HELLO = "Unknown protocol \u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003";

    private final Logger grizzly = Logger.getLogger(TlsProbeLog.GRIZZLY_LOGGER);
    private final Logger own = Logger.getLogger(TlsProbeLog.class.getName());
    private final List<LogRecord> grizzlyRecords = new ArrayList<>();
    private final List<LogRecord> ownRecords = new ArrayList<>();
    private final Handler grizzlyHandler = collecting(grizzlyRecords);
    private final Handler ownHandler = collecting(ownRecords);
    private TlsProbeLog filter;

    @BeforeEach
    void install() {
        grizzly.setUseParentHandlers(false);
        grizzly.addHandler(grizzlyHandler);
        own.setUseParentHandlers(false);
        own.setLevel(Level.FINE);
        own.addHandler(ownHandler);
        filter = TlsProbeLog.install();
    }

    @AfterEach
    void uninstall() {
        filter.uninstall();
        grizzly.removeHandler(grizzlyHandler);
        grizzly.setUseParentHandlers(true);
        own.removeHandler(ownHandler);
        own.setUseParentHandlers(true);
        own.setLevel(null);
    }

    @Test
    void aClientHelloIsOneDebugLineWithoutItsBytes() {
        grizzly.log(Level.WARNING, "GRIZZLY0013: Exception during FilterChain execution", new IllegalStateException(HELLO));

        assertThat(grizzlyRecords).as("no warning, no stack trace").isEmpty();
        assertThat(ownRecords).singleElement().satisfies(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.FINE);
            assertThat(r.getMessage()).isEqualTo(TlsProbeLog.PROBE).doesNotContain("\u0016");
            assertThat(r.getThrown()).isNull();
        });
    }

    @Test
    void aPrintableUnknownProtocolIsADebugLineToo() {
        grizzly.log(Level.WARNING, "GRIZZLY0013", new IllegalStateException("Unknown protocol HTTP/9.9"));

        assertThat(grizzlyRecords).isEmpty();
        assertThat(ownRecords).extracting(LogRecord::getMessage).containsExactly(TlsProbeLog.NOT_HTTP);
    }

    @Test
    void everyOtherRecordPassesAndUninstallingPutsTheFormerFilterBack() {
        grizzly.log(Level.WARNING, "GRIZZLY0013", new IllegalStateException("something else"));
        grizzly.warning("a warning of its own");

        assertThat(grizzlyRecords).hasSize(2);
        assertThat(ownRecords).isEmpty();
        filter.uninstall();
        assertThat(grizzly.getFilter()).isNull();
        filter = TlsProbeLog.install();
    }

    private static Handler collecting(List<LogRecord> records) {
        return new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
    }
}
