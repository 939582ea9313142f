package dev.berth.application.port;

/**
 * Port: where Berth left the initial admin's generated password for the operator (an owner-only file
 * in the data directory). Once the admin has chosen a password of their own it has served its purpose.
 */
public interface GeneratedPasswordFile {

    /** Removes the file if it is still there. */
    void remove();

    /** For use cases run where no file was written (tests, command-line work). */
    GeneratedPasswordFile NONE = () -> {
    };
}
