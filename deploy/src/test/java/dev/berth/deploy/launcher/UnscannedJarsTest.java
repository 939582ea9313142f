package dev.berth.deploy.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class UnscannedJarsTest {

    @TempDir
    Path application;

    @Test
    void onlyTheJarsGlassfishWebXmlExcludesFromScanningGetTheirStandIn() throws Exception {
        Path lib = Files.createDirectories(application.resolve("WEB-INF/lib"));
        for (String jar : new String[] {"berth-domain-1.0.jar", "flow-server-25.jar", "hibernate-core-7.jar", "s3-2.jar"}) {
            Files.write(lib.resolve(jar), new byte[0]);
        }
        Files.writeString(application.resolve("WEB-INF/glassfish-web.xml"), Files.readString(
                Path.of("src/main/webapp/WEB-INF/glassfish-web.xml")));

        UnscannedJars.mark(application);

        assertThat(application.resolve("WEB-INF__lib__hibernate-core-7_jar")).isEmptyDirectory();
        assertThat(application.resolve("WEB-INF__lib__s3-2_jar")).isEmptyDirectory();
        assertThat(application.resolve("WEB-INF__lib__berth-domain-1.0_jar")).as("scanned: parsed").doesNotExist();
        assertThat(application.resolve("WEB-INF__lib__flow-server-25_jar")).as("scanned: parsed").doesNotExist();
        assertThat(lib.resolve("hibernate-core-7.jar")).as("still on the class path").exists();
    }

    @Test
    void withoutAScanningExcludeEveryJarIsParsedAsBefore() throws Exception {
        Files.write(Files.createDirectories(application.resolve("WEB-INF/lib")).resolve("s3-2.jar"), new byte[0]);
        Files.writeString(application.resolve("WEB-INF/glassfish-web.xml"), "<glassfish-web-app/>");

        UnscannedJars.mark(application);

        assertThat(application.resolve("WEB-INF__lib__s3-2_jar")).doesNotExist();
    }

    @Test
    void namesTheExplodedJarAsPayarasKernelLooksForIt() {
        assertThat(UnscannedJars.explodedName("WEB-INF/lib/x y.jar")).isEqualTo("WEB-INF__lib__x__y_jar");
    }
}
