package dev.berth.deploy.system;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a string field out of a small JSON document; enough for health answers in system tests. */
final class JsonFields {

    private JsonFields() {
    }

    static String string(String json, String field) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no field " + field + " in " + json);
        }
        return m.group(1);
    }

    /** The status of the named MicroProfile Health check in {@code json}. */
    static String checkStatus(String json, String check) {
        Matcher m = Pattern.compile("\\{\"name\":\"" + Pattern.quote(check) + "\",\"status\":\"(UP|DOWN)\"").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no check " + check + " in " + json);
        }
        return m.group(1);
    }
}
