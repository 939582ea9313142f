package dev.berth.deploy.runtime;

import java.io.IOException;
import java.net.InetAddress;

/** This machine's name, as events and the garbage collector's lease name the node. */
final class LocalHost {

    private LocalHost() {
    }

    /** The host name, or "localhost" when the machine cannot resolve its own. */
    static String name() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
