package dev.berth.deploy.launcher;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * berth.war, unpacked once per Berth version into {@code run/application} and kept there: Payara
 * Micro deploys that directory as it is (given the WAR itself, it copied all 130 MB into /tmp and
 * unpacked it again at every start, and a kill -9 left the copy behind), and the operator commands
 * run its classes without a web container.
 * <p>
 * For the commands, the WAR's own classes ({@code WEB-INF/classes} and {@code WEB-INF/lib}) get a
 * class loader of their own. As in the server, the Jakarta APIs come from Payara's runtime; every
 * other class and every resource from the WAR first, so that Payara's internal libraries never
 * stand in for the application's own. The directory is kept after a command: its classes are needed
 * until the JVM's last shutdown hook (the embedded PostgreSQL's) has run.
 */
final class ApplicationClasses {

    /** Where berth.jar carries the WAR: outside MICRO-INF/deploy, which Payara would deploy on its own. */
    static final String WAR = "MICRO-INF/berth/ROOT.war";
    static final String LIB = "WEB-INF/lib/";
    private static final String CLASSES = "WEB-INF/classes/";
    private static final String DIRECTORY = "application";
    /** Names the WAR it was unpacked from: written last, so that a half-unpacked directory has none. */
    private static final String STAMP = "berth-war.stamp";

    private ApplicationClasses() {
    }

    /** berth.jar's WAR, unpacked into {@code runDirectory/application} unless already there. */
    static Path unpacked(Path runDirectory) throws IOException {
        URL war = ClassLoader.getSystemClassLoader().getResource(WAR);
        if (war == null) {
            throw new IOException(WAR + " is missing: run Berth as java -jar berth.jar");
        }
        return unpacked(runDirectory, war);
    }

    /** @param war a WAR inside a jar ({@code jar:file:…!/…}) */
    static Path unpacked(Path runDirectory, URL war) throws IOException {
        removeLeftovers(runDirectory);
        String stamp = stamp(war);
        Path directory = runDirectory.resolve(DIRECTORY);
        if (!stamp.equals(readStamp(directory))) {
            // unpacked aside and renamed into place: a command running at the same time sees one or the other
            Path fresh = runDirectory.resolve(DIRECTORY + "-" + ProcessHandle.current().pid());
            DataDirectory.deleteRecursively(fresh);
            unpack(war, fresh);
            UnscannedJars.mark(fresh);
            Files.writeString(fresh.resolve(STAMP), stamp, StandardCharsets.UTF_8);
            Path old = runDirectory.resolve(DIRECTORY + "-old-" + ProcessHandle.current().pid());
            if (Files.exists(directory)) {
                Files.move(directory, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(fresh, directory, StandardCopyOption.ATOMIC_MOVE);
            DataDirectory.deleteRecursively(old);
        }
        return directory;
    }

    /** A class loader of the application's classes, unpacked into {@code runDirectory/application} unless already there. */
    static ClassLoader of(Path runDirectory) throws IOException {
        return loader(unpacked(runDirectory));
    }

    /** @param war a WAR inside a jar ({@code jar:file:…!/…}) */
    static ClassLoader of(Path runDirectory, URL war) throws IOException {
        return loader(unpacked(runDirectory, war));
    }

    /** A class loader of the classes of an unpacked WAR. */
    static ClassLoader loader(Path directory) throws IOException {
        List<URL> urls = new ArrayList<>();
        urls.add(directory.resolve(CLASSES).toUri().toURL());
        try (Stream<Path> jars = Files.list(directory.resolve(LIB))) {
            for (Path jar : jars.sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
        }
        return new WarFirstClassLoader(urls.toArray(URL[]::new), ApplicationClasses.class.getClassLoader());
    }

    /** Calls a public static method taking and returning what both class loaders share (strings, numbers). */
    static Object call(ClassLoader loader, String className, String method, String... arguments) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            Class<?>[] types = new Class<?>[arguments.length];
            Arrays.fill(types, String.class);
            return Class.forName(className, true, loader).getMethod(method, types).invoke(null, (Object[]) arguments);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** The WAR's size and CRC as berth.jar records them: another build of Berth, another stamp. */
    private static String stamp(URL war) throws IOException {
        JarEntry entry = ((JarURLConnection) war.openConnection()).getJarEntry();
        return entry.getSize() + " " + Long.toHexString(entry.getCrc()) + "\n";
    }

    private static String readStamp(Path directory) throws IOException {
        Path stamp = directory.resolve(STAMP);
        return Files.exists(stamp) ? Files.readString(stamp, StandardCharsets.UTF_8) : "";
    }

    private static void unpack(URL war, Path directory) throws IOException {
        // a directory's URL ends in '/' only when it exists; without it the loader reads a jar there
        Files.createDirectories(directory.resolve(CLASSES));
        Files.createDirectories(directory.resolve(LIB));
        try (ZipInputStream zip = new ZipInputStream(war.openStream())) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                Path target = directory.resolve(entry.getName()).normalize();
                if (!target.startsWith(directory) || target.equals(directory)) {
                    throw new IOException(WAR + ": entry outside the WAR: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                Files.copy(zip, target);
            }
        }
    }

    /** A command killed while unpacking leaves its half: removed once its process is gone. */
    private static void removeLeftovers(Path runDirectory) throws IOException {
        try (Stream<Path> children = Files.list(runDirectory)) {
            for (Path child : children.toList()) {
                String pid = child.getFileName().toString().replaceFirst("^" + DIRECTORY + "-(old-)?", "");
                if (!pid.equals(child.getFileName().toString()) && !pid.isEmpty() && pid.chars().allMatch(Character::isDigit)
                        && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                    DataDirectory.deleteRecursively(child);
                }
            }
        }
    }

    /** The JDK's classes and the Jakarta APIs from the parent (Payara's runtime); every other class from the WAR first. */
    private static final class WarFirstClassLoader extends URLClassLoader {

        private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

        static {
            registerAsParallelCapable();
        }

        WarFirstClassLoader(URL[] urls, ClassLoader parent) {
            super("berth-application", urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    loaded = name.startsWith("jakarta.") ? parentFirst(name) : warFirst(name);
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }

        @Override
        public URL getResource(String name) {
            return findResource(name);
        }

        private Class<?> parentFirst(String name) throws ClassNotFoundException {
            try {
                return getParent().loadClass(name);
            } catch (ClassNotFoundException notInTheServer) {
                return findClass(name);
            }
        }

        private Class<?> warFirst(String name) throws ClassNotFoundException {
            try {
                return PLATFORM.loadClass(name);
            } catch (ClassNotFoundException notInTheJdk) {
                try {
                    return findClass(name);
                } catch (ClassNotFoundException notInTheWar) {
                    return getParent().loadClass(name);
                }
            }
        }

        /** The WAR's only: Payara's service registrations name classes of its own, which the WAR's types are not. */
        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return findResources(name);
        }
    }
}
