package dev.berth.deploy.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApplicationClassesTest {

    /** On this test's class path, as Payara's runtime has it. */
    private static final String SERVER_API = "jakarta.enterprise.context.ApplicationScoped";

    @TempDir
    Path work;

    @Test
    void runsTheWarsClassesAndReadsItsResourcesOnly() throws Exception {
        URL war = berthJar("v1", "WEB-INF/classes/berth-logging.properties", "the WAR's own");
        Path run = Files.createDirectories(work.resolve("run"));

        ClassLoader loader = ApplicationClasses.of(run, war);

        assertThat(ApplicationClasses.call(loader, "demo.Answer", "run", "2", "3")).isEqualTo("v1:23");
        // the launcher jar has a resource of that name too: the WAR's wins, and the parent's is not listed
        assertThat(new String(loader.getResourceAsStream("berth-logging.properties").readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("the WAR's own");
        assertThat(Collections.list(loader.getResources("berth-logging.properties"))).hasSize(1);
        // a Jakarta API the server has comes from the server, as in Payara, even where the WAR has it too
        assertThat(loader.loadClass(SERVER_API)).isSameAs(Class.forName(SERVER_API));
        assertThat(loader.loadClass("jakarta.demo.Extra").getClassLoader()).as("the WAR's own").isSameAs(loader);
        // other classes from the WAR first; what it lacks from the parent
        assertThat(loader.loadClass("demo.Answer").getClassLoader()).isSameAs(loader);
        assertThat(loader.loadClass(Test.class.getName())).isSameAs(Test.class);
        assertThatThrownBy(() -> ApplicationClasses.call(loader, "demo.Answer", "fail", "x", "y"))
                .isInstanceOf(IllegalStateException.class).hasMessage("x y");
    }

    @Test
    void unpacksOncePerWarAndAgainForAnotherBuild() throws Exception {
        Path run = Files.createDirectories(work.resolve("run"));
        URL v1 = berthJar("v1", "WEB-INF/classes/a.txt", "a");
        ApplicationClasses.of(run, v1);
        Path marker = Files.writeString(run.resolve("application/WEB-INF/classes/marker"), "kept");

        ApplicationClasses.of(run, v1);
        assertThat(marker).as("the same WAR is not unpacked again").exists();

        ClassLoader upgraded = ApplicationClasses.of(run, berthJar("v2", "WEB-INF/classes/a.txt", "a"));
        assertThat(marker).as("another WAR replaces the directory").doesNotExist();
        assertThat(ApplicationClasses.call(upgraded, "demo.Answer", "run", "", "")).isEqualTo("v2:");
        assertThat(Files.list(run).map(p -> p.getFileName().toString())).containsExactly("application");
    }

    @Test
    void removesWhatAKilledCommandLeftHalfUnpacked() throws Exception {
        Path run = Files.createDirectories(work.resolve("run"));
        long dead = ProcessHandle.current().pid() + 1_000_000;
        Files.createDirectories(run.resolve("application-" + dead + "/WEB-INF/lib"));
        Files.createDirectories(run.resolve("application-old-" + dead));
        Path live = Files.createDirectories(run.resolve("application-" + ProcessHandle.current().parent().orElseThrow().pid()));
        Path other = Files.createDirectories(run.resolve("postgres-binaries"));

        ApplicationClasses.of(run, berthJar("v1", "WEB-INF/classes/a.txt", "a"));

        assertThat(run.resolve("application-" + dead)).doesNotExist();
        assertThat(run.resolve("application-old-" + dead)).doesNotExist();
        assertThat(live).as("a command still running").exists();
        assertThat(other).exists();
        assertThat(run.resolve("application/berth-war.stamp")).exists();
    }

    @Test
    void refusesAWarEntryThatLeavesItsDirectory() throws Exception {
        Path run = Files.createDirectories(work.resolve("run"));
        URL war = berthJar("v1", "WEB-INF/classes/../../../escaped.txt", "x");

        assertThatThrownBy(() -> ApplicationClasses.of(run, war)).isInstanceOf(IOException.class)
                .hasMessageContaining("outside");
        assertThat(work.resolve("escaped.txt")).doesNotExist();
    }

    /**
     * berth.jar in small: a WAR at MICRO-INF/berth/ROOT.war with demo.Answer, a Jakarta class of
     * its own and a stand-in for a server API in a WEB-INF/lib jar, and one more entry.
     */
    private URL berthJar(String version, String entry, String content) throws IOException {
        Map<String, byte[]> classes = compile(version, Map.of(
                "demo.Answer", """
                        package demo;
                        public class Answer {
                            public static String run(String a, String b) { return "%s:" + a + b; }
                            public static String fail(String a, String b) { throw new IllegalStateException(a + " " + b); }
                        }
                        """.formatted(version),
                "jakarta.demo.Extra", "package jakarta.demo; public class Extra { }",
                SERVER_API, "package jakarta.enterprise.context; public @interface ApplicationScoped { }"));
        Path jar = work.resolve("berth-" + version + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(ApplicationClasses.WAR));
            out.write(zip(Map.of("WEB-INF/lib/demo.jar", zip(classes), entry, content.getBytes(StandardCharsets.UTF_8))));
            out.closeEntry();
        }
        return URI.create("jar:" + jar.toUri() + "!/" + ApplicationClasses.WAR).toURL();
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** @return class file entries by path */
    private Map<String, byte[]> compile(String version, Map<String, String> sources) throws IOException {
        Path root = work.resolve("src-" + version);
        Map<String, byte[]> classes = new HashMap<>();
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = root.resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            files.add(Files.writeString(file, source.getValue()).toString());
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        OutputStream quiet = OutputStream.nullOutputStream();
        assertThat(compiler.run(null, quiet, quiet, files.toArray(String[]::new))).isZero();
        for (String name : sources.keySet()) {
            String path = name.replace('.', '/') + ".class";
            classes.put(path, Files.readAllBytes(root.resolve(path)));
        }
        return classes;
    }
}
