package dev.berth.deploy.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Keeps Payara from parsing the classes of jars that {@code glassfish-web.xml} excludes from scanning.
 * Before it deploys, Payara's kernel builds hk2's class model of every class in {@code WEB-INF/lib}
 * (60 000 classes in 241 jars, a third of Berth's start-up), whatever {@code scanning-exclude} says; only
 * 3 000 of them are in the jars scanned for annotations and beans (Berth's, Vaadin's, Atmosphere's). The
 * kernel skips a jar {@code WEB-INF/lib/x.jar} whose exploded form, a directory
 * {@code WEB-INF__lib__x_jar}, the application holds; an empty one stands in for each excluded jar.
 * The jars themselves stay on the class path as before.
 */
final class UnscannedJars {

    private static final Pattern INCLUDE = Pattern.compile("<scanning-include>\\s*([^<\\s]+)\\s*</scanning-include>");

    private UnscannedJars() {
    }

    /** @param application an unpacked WAR: its jars that glassfish-web.xml does not include get their empty stand-in */
    static void mark(Path application) throws IOException {
        Path descriptor = application.resolve("WEB-INF/glassfish-web.xml");
        Path lib = application.resolve(ApplicationClasses.LIB);
        if (!Files.isRegularFile(descriptor) || !Files.isDirectory(lib)) {
            return;
        }
        List<PathMatcher> scanned = included(Files.readString(descriptor, StandardCharsets.UTF_8));
        if (scanned.isEmpty()) {
            return; // no scanning-exclude of all but some: nothing to go by, Payara parses every jar as before
        }
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path jar : jars.filter(j -> j.getFileName().toString().endsWith(".jar")).toList()) {
                Path name = jar.getFileName();
                if (scanned.stream().noneMatch(m -> m.matches(name))) {
                    Files.createDirectories(application.resolve(explodedName(ApplicationClasses.LIB + name)));
                }
            }
        }
    }

    /** The kernel's name for a jar's exploded directory (ReadableArchiveScannerAdapter.handleJar). */
    static String explodedName(String entry) {
        return entry.replaceAll("[/ ]", "__").replace(".jar", "_jar");
    }

    /** The scanning-include patterns (globs on the jar's file name); none when glassfish-web.xml has no scanning-exclude. */
    static List<PathMatcher> included(String glassfishWebXml) {
        if (!glassfishWebXml.contains("<scanning-exclude>*</scanning-exclude>")) {
            return List.of();
        }
        Matcher include = INCLUDE.matcher(glassfishWebXml.replaceAll("(?s)<!--.*?-->", ""));
        return include.results().map(r -> FileSystems.getDefault().getPathMatcher("glob:" + r.group(1))).toList();
    }
}
