package dev.berth.adapters.http.security;

import dev.berth.application.port.PasswordHasher;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** bcrypt with BouncyCastle's OpenBSD implementation: writes $2y$ (as htpasswd -B), reads $2a$, $2b$ and $2y$. */
public final class BcryptPasswordHasher implements PasswordHasher {

    public static final int MIN_COST = 4;
    public static final int MAX_COST = 31;
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");

    private final SecureRandom random = new SecureRandom();
    private final int cost;

    public BcryptPasswordHasher(int cost) {
        if (cost < MIN_COST || cost > MAX_COST) {
            throw new IllegalArgumentException("bcrypt cost must be from " + MIN_COST + " to " + MAX_COST);
        }
        this.cost = cost;
    }

    @Override
    public String hash(String password) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, cost);
    }

    @Override
    public boolean verify(String password, String hash) {
        if (!supports(hash)) {
            return false;
        }
        try {
            return OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public boolean supports(String hash) {
        return hash != null && BCRYPT.matcher(hash).matches();
    }
}
