package dev.berth.application.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableEntryException;
import java.security.UnrecoverableKeyException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Reads the one private key entry (key and chain) of a PKCS#12 file with the JDK's own KeyStore. */
final class Pkcs12 {

    private Pkcs12() {
    }

    static KeyStore.PrivateKeyEntry onlyKeyEntry(byte[] file, char[] password) {
        char[] secret = password == null ? new char[0] : password;
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(file), secret);
        } catch (IOException e) {
            // the JDK reports a wrong password as an IOException caused by UnrecoverableKeyException
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new CertificatePasswordException("wrong password for this PKCS#12 file", e);
            }
            throw new CertificateRejectedException("not a readable PKCS#12 file (.p12, .pfx)", e);
        } catch (GeneralSecurityException e) {
            throw new CertificateRejectedException("not a readable PKCS#12 file (.p12, .pfx)", e);
        }
        try {
            List<String> keys = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    keys.add(alias);
                }
            }
            if (keys.size() != 1) {
                throw new CertificateRejectedException(keys.isEmpty()
                        ? "the PKCS#12 file holds no private key: export the key with its certificate"
                        : "the PKCS#12 file holds " + keys.size() + " private keys: export only the server's");
            }
            if (!(store.getEntry(keys.getFirst(), new KeyStore.PasswordProtection(secret))
                    instanceof KeyStore.PrivateKeyEntry entry)) {
                throw new CertificateRejectedException("the PKCS#12 file's key entry is not a private key");
            }
            return entry;
        } catch (UnrecoverableEntryException e) {
            throw new CertificatePasswordException("the key in the PKCS#12 file has another password than the file", e);
        } catch (GeneralSecurityException e) {
            throw new CertificateRejectedException("cannot read the PKCS#12 file's key: " + e.getMessage(), e);
        }
    }
}
