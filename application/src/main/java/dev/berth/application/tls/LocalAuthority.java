package dev.berth.application.tls;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Berth's own certificate authority: made once (10 years), kept in the store, and used to sign
 * server certificates that clients trust by installing its certificate once.
 */
final class LocalAuthority {

    static final String COMMON_NAME = "Berth local CA";
    static final Duration AUTHORITY_VALIDITY = Duration.ofDays(3650);
    /** What browsers accept for a server certificate (398 days), with a day to spare. */
    static final Duration SERVER_VALIDITY = Duration.ofDays(397);
    static final List<Hostname> LOOPBACK = List.of(Hostname.parse("localhost"), Hostname.parse("127.0.0.1"),
            Hostname.parse("::1"));

    private LocalAuthority() {
    }

    static CertificateIssuer.KeyedChain ensure(CertificateStore store, CertificateIssuer issuer, Clock clock) {
        return store.authority().orElseGet(() -> {
            KeyPair keys = issuer.newKeyPair(CertificateIssuer.KeyType.EC_P256);
            Instant now = clock.instant();
            // a name of its own, so that clients trusting several Berth installations never confuse their CAs
            String name = COMMON_NAME + " " + HexFormat.of().formatHex(keys.getPublic().getEncoded(),
                    keys.getPublic().getEncoded().length - 4, keys.getPublic().getEncoded().length);
            CertificateIssuer.KeyedChain authority = new CertificateIssuer.KeyedChain(keys.getPrivate(),
                    List.of(issuer.certificateAuthority(keys, name, now.minus(Duration.ofMinutes(5)),
                            now.plus(AUTHORITY_VALIDITY))));
            store.saveAuthority(authority);
            return authority;
        });
    }

    /** The configured names plus the loopback ones, without duplicates, in that order. */
    static List<Hostname> withLoopback(List<Hostname> hostnames) {
        Set<Hostname> all = new LinkedHashSet<>(hostnames);
        all.addAll(LOOPBACK);
        return new ArrayList<>(all);
    }

    static CertificateIssuer.KeyedChain issueServer(CertificateIssuer issuer, CertificateIssuer.KeyedChain authority,
                                                    List<Hostname> hostnames, Clock clock) {
        List<Hostname> names = withLoopback(hostnames);
        KeyPair keys = issuer.newKeyPair(CertificateIssuer.KeyType.EC_P256);
        Instant now = clock.instant();
        var certificate = issuer.serverCertificate(keys, names.getFirst().value(), names,
                now.minus(Duration.ofMinutes(5)), now.plus(SERVER_VALIDITY), authority);
        // the root stays out of the served chain: clients that trust it have it already
        return new CertificateIssuer.KeyedChain(keys.getPrivate(), List.of(certificate));
    }
}
