package dev.berth.deploy.architecture;

import com.tngtech.archunit.lang.ArchRule;

import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The hexagon's rules, for any root package: the real one ({@code dev.berth}) and a fixture that
 * breaks each rule on purpose, which proves that the rules can fail.
 */
final class ArchitectureRules {

    private ArchitectureRules() {
    }

    static List<ArchRule> all(String root) {
        return List.of(domainIsPure(root), applicationHasNoTechnology(root), adaptersDoNotKnowEachOther(root),
                adminUiUsesUseCasesOnly(root), onlyDeployKnowsDeploy(root), entitiesLiveInTheDbAdapter(root),
                jaxRsLivesInTheHttpAdapter(root), vaadinLivesInTheAdminUi(root), configurationIsReadWithoutTheApplication(root));
    }

    static ArchRule configurationIsReadWithoutTheApplication(String root) {
        return classes().that().resideInAPackage(root + ".deploy.config..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.yaml.snakeyaml..",
                        root + ".deploy.config..")
                .because("the launcher reads the configuration before Payara boots, with only the JDK and SnakeYAML"
                        + " on its class path (an adapter type there fails at start with NoClassDefFoundError)");
    }

    static ArchRule domainIsPure(String root) {
        return classes().that().resideInAPackage(root + ".domain..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", root + ".domain..")
                .because("the domain is plain Java");
    }

    static ArchRule applicationHasNoTechnology(String root) {
        return classes().that().resideInAPackage(root + ".application..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", root + ".domain..",
                        root + ".application..", "jakarta.inject..", "jakarta.enterprise..",
                        // java.base's names of certificate subjects and issuers
                        "javax.security.auth.x500..")
                .because("use cases know the domain and their ports, and CDI annotations at most");
    }

    static ArchRule adaptersDoNotKnowEachOther(String root) {
        return slices().matching(root + ".adapters.(*)..").should().notDependOnEachOther()
                .because("adapters meet only through the application's ports");
    }

    static ArchRule adminUiUsesUseCasesOnly(String root) {
        return noClasses().that().resideInAPackage(root + ".adminui..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".adapters..", root + ".deploy..")
                .because("the admin UI calls use cases, never an adapter, entity or resource");
    }

    static ArchRule onlyDeployKnowsDeploy(String root) {
        return noClasses().that().resideOutsideOfPackage(root + ".deploy..")
                .should().dependOnClassesThat().resideInAPackage(root + ".deploy..")
                .because("deploy is the composition root: it knows everything, nothing knows it");
    }

    static ArchRule entitiesLiveInTheDbAdapter(String root) {
        return noClasses().that().resideOutsideOfPackage(root + ".adapters.db..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.persistence..", "org.hibernate..")
                .because("JPA entities and Hibernate belong to the PostgreSQL adapter");
    }

    static ArchRule jaxRsLivesInTheHttpAdapter(String root) {
        return noClasses().that().resideOutsideOfPackage(root + ".adapters.http..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.ws.rs..")
                .because("JAX-RS resources belong to the HTTP adapter");
    }

    static ArchRule vaadinLivesInTheAdminUi(String root) {
        return noClasses().that().resideOutsideOfPackage(root + ".adminui..")
                .should().dependOnClassesThat().resideInAnyPackage("com.vaadin..")
                .because("Vaadin belongs to the admin UI");
    }
}
