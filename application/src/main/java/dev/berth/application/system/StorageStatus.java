package dev.berth.application.system;

/** Port: which blob storage driver serves the bytes and whether it accepts writes. */
public interface StorageStatus {

    StorageReport report();

    record StorageReport(String driver, String location, boolean writable, String problem) {
    }
}
