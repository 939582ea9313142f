package dev.berth.deploy.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Berth's production classes, from every module, obey the hexagon's rules. */
class ArchitectureTest {

    private static JavaClasses berth;
    private static JavaClasses fixture;

    @BeforeAll
    static void importClasses() {
        berth = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.berth");
        fixture = new ClassFileImporter().importPackages("fixture.hexagon");
    }

    @Test
    void everyModuleIsImported() {
        List<String> packages = berth.stream().map(c -> c.getPackageName()).distinct().toList();
        assertThat(packages).anyMatch(p -> p.startsWith("dev.berth.application"))
                .anyMatch(p -> p.startsWith("dev.berth.adapters.http"))
                .anyMatch(p -> p.startsWith("dev.berth.adapters.storage"))
                .anyMatch(p -> p.startsWith("dev.berth.adapters.db"))
                .anyMatch(p -> p.startsWith("dev.berth.adminui"))
                .anyMatch(p -> p.startsWith("dev.berth.deploy"));
    }

    @TestFactory
    Stream<DynamicTest> berthObeysEveryRule() {
        return ArchitectureRules.all("dev.berth").stream()
                .map(rule -> DynamicTest.dynamicTest(rule.getDescription(), () -> rule.check(berth)));
    }

    /** Each rule meets a class in fixture.hexagon that breaks it: a rule that cannot fail is no rule. */
    @TestFactory
    Stream<DynamicTest> everyRuleFailsOnAViolation() {
        return ArchitectureRules.all("fixture.hexagon").stream()
                .map(rule -> DynamicTest.dynamicTest(rule.getDescription(), () -> assertViolated(rule)));
    }

    private static void assertViolated(ArchRule rule) {
        assertThatThrownBy(() -> rule.check(fixture)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("was violated");
    }
}
