package dev.berth.adminui;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sorts the PEM blocks of an uploaded file into certificates and private key, so that one combined
 * file (as many tools write it) or one file each fills the import form's two fields. Berth's import
 * use case checks the text; this only sorts it.
 */
final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----.*?-----END \\1-----",
            Pattern.DOTALL);

    /** The certificate blocks in file order, and the key block (empty when absent). */
    record Parts(List<String> certificates, String key) {

        boolean isEmpty() {
            return certificates.isEmpty() && key.isEmpty();
        }
    }

    private PemFiles() {
    }

    /**
     * {@code chain} with the certificates of {@code parts} it lacks added at its end: a file chosen
     * twice, or a chain file next to a combined one, does not repeat a certificate.
     */
    static String append(String chain, Parts parts) {
        StringBuilder text = new StringBuilder(chain.strip());
        for (String certificate : parts.certificates()) {
            if (text.indexOf(certificate) < 0) {
                text.append(text.isEmpty() ? "" : "\n").append(certificate);
            }
        }
        return text.isEmpty() ? "" : text + "\n";
    }

    static Parts split(String text) {
        List<String> certificates = new ArrayList<>();
        String key = "";
        Matcher block = BLOCK.matcher(text);
        while (block.find()) {
            String type = block.group(1);
            if (type.equals("CERTIFICATE")) {
                certificates.add(block.group());
            } else if (type.endsWith("PRIVATE KEY")) {
                key = block.group() + "\n";
            }
        }
        return new Parts(List.copyOf(certificates), key);
    }
}
