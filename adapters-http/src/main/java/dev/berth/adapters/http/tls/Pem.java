package dev.berth.adapters.http.tls;

import java.util.Base64;

/** PEM armour: base64 in 64-character lines between BEGIN and END lines. */
final class Pem {

    private Pem() {
    }

    static String encode(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
