package dev.berth.adapters.http.tls;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import java.nio.file.Path;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.Provider;
import java.security.Security;

/**
 * A JCA provider with one key manager algorithm, {@value #ALGORITHM}: Payara's HTTPS listener asks
 * for it by name (its {@code ssl key-algorithm}) and gets a {@link ReloadingKeyManager} over the
 * served key store named by the system property {@value #FILE_PROPERTY}. The key store Payara
 * loads itself is only a check that the file is valid at start.
 */
public final class ReloadingKeyManagerProvider extends Provider {

    public static final String NAME = "BerthTLS";
    public static final String ALGORITHM = "BerthReloading";
    public static final String FILE_PROPERTY = "berth.tls.served";

    public ReloadingKeyManagerProvider() {
        super(NAME, "1.0", "Berth: a key manager that follows the served key store file");
        putService(new Service(this, "KeyManagerFactory", ALGORITHM, Factory.class.getName(), null, null));
    }

    /** Registers the provider once per JVM; {@code file} is what HTTPS serves. */
    public static synchronized void install(Path file) {
        System.setProperty(FILE_PROPERTY, file.toAbsolutePath().toString());
        if (Security.getProvider(NAME) == null) {
            Security.addProvider(new ReloadingKeyManagerProvider());
        }
    }

    public static final class Factory extends KeyManagerFactorySpi {

        private KeyManager[] managers;

        @Override
        protected void engineInit(KeyStore ignored, char[] password) throws KeyStoreException {
            String file = System.getProperty(FILE_PROPERTY);
            if (file == null) {
                throw new KeyStoreException(FILE_PROPERTY + " is not set: Berth's launcher did not configure TLS");
            }
            try {
                managers = new KeyManager[] {new ReloadingKeyManager(Path.of(file))};
            } catch (Exception e) {
                throw new KeyStoreException("cannot read the served key store " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        protected void engineInit(ManagerFactoryParameters parameters) throws InvalidAlgorithmParameterException {
            throw new InvalidAlgorithmParameterException("use init(KeyStore, char[])");
        }

        @Override
        protected KeyManager[] engineGetKeyManagers() {
            return managers.clone();
        }
    }
}
