package org.costobservatory.reliability;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The house plan as a test: packages in {@code shared/} point one way, {@code shared/} knows nothing of Lambda,
 * only the store adapters (and the client factory) touch the DynamoDB SDK, and a function module holds its handler
 * and nothing else. Each rule is also run against deliberately broken classes ({@code org.costobservatory.archfixtures},
 * test sources only) to show that it would catch a violation.
 */
class ArchitectureTest {
    private static final String ROOT = "org.costobservatory";
    /** The packages of {@code shared/}: everything under the root except the other modules and test helpers. */
    static final DescribedPredicate<JavaClass> IN_SHARED = not(resideInAnyPackage(ROOT + ".functions..",
            ROOT + ".local..", ROOT + ".reliability..", ROOT + ".testing..", ROOT + ".archfixtures.."))
            .as("in shared/");

    private static JavaClasses production;
    private static JavaClasses broken;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages(ROOT);
        broken = new ClassFileImporter().importPackages(ROOT + ".archfixtures");
    }

    // ---------------------------------------------------------------- the rules

    static ArchRule packagesAreFreeOfCycles(String root) {
        return SlicesRuleDefinition.slices().matching(root + ".(**)").should().beFreeOfCycles()
                .as("packages under " + root + " have no dependency cycles");
    }

    static ArchRule noLambdaTypesIn(DescribedPredicate<JavaClass> core) {
        return noClasses().that(core).should().dependOnClassesThat()
                .resideInAPackage("com.amazonaws.services.lambda..")
                .as("classes " + core.getDescription() + " use no Lambda types");
    }

    static ArchRule onlyStoreAdaptersTouchDynamoDb(DescribedPredicate<JavaClass> adapters) {
        return noClasses().that(not(adapters)).should().dependOnClassesThat()
                .resideInAPackage("software.amazon.awssdk.services.dynamodb..")
                .as("only " + adapters.getDescription() + " touch the DynamoDB SDK");
    }

    static ArchRule functionModulesHoldOnlyTheirHandler(String functions) {
        return classes().that().resideInAPackage(functions + "..").and().areTopLevelClasses()
                .should(new ArchCondition<>("be the only class of their package, a Lambda handler") {
                    @Override
                    public void check(JavaClass item, ConditionEvents events) {
                        boolean handler = item.isAssignableTo(RequestHandler.class)
                                || item.isAssignableTo(RequestStreamHandler.class);
                        long siblings = item.getPackage().getClasses().stream()
                                .filter(JavaClass::isTopLevelClass).count();
                        if (!handler || siblings != 1) {
                            events.add(SimpleConditionEvent.violated(item, item.getName() + (handler
                                    ? " shares its function package with " + (siblings - 1) + " other class(es)"
                                    : " is not a Lambda handler; move it to shared/")));
                        }
                    }
                })
                .as("each function module holds only its handler");
    }

    private static final DescribedPredicate<JavaClass> STORE_ADAPTERS = resideInAnyPackage(
            ROOT + ".store.dynamodb..", ROOT + ".wiring..")
            .or(JavaClass.Predicates.equivalentTo(org.costobservatory.local.EmbeddedDynamo.class))
            .as("the store adapters, the AWS client factory and local mode's embedded store");

    // ---------------------------------------------------------------- the house

    @Test
    void sharedPackagesPointOneWay() {
        packagesAreFreeOfCycles(ROOT).check(production.that(IN_SHARED));
    }

    @Test
    void sharedUsesNoLambdaEventTypes() {
        noLambdaTypesIn(IN_SHARED).check(production);
    }

    @Test
    void onlyTheStoreAdaptersTouchDynamoDb() {
        onlyStoreAdaptersTouchDynamoDb(STORE_ADAPTERS).check(production);
    }

    @Test
    void eachFunctionModuleHoldsOnlyItsHandler() {
        functionModulesHoldOnlyTheirHandler(ROOT + ".functions").check(production);
        Map<String, List<String>> handlers = production.stream()
                .filter(c -> c.getPackageName().startsWith(ROOT + ".functions.") && c.isTopLevelClass())
                .collect(Collectors.groupingBy(JavaClass::getPackageName,
                        Collectors.mapping(JavaClass::getSimpleName, Collectors.toList())));
        assertThat(handlers).as("the three functions were imported").containsOnly(
                Map.entry(ROOT + ".functions.budgetcheck", List.of("BudgetCheckHandler")),
                Map.entry(ROOT + ".functions.costreport", List.of("CostReportHandler")),
                Map.entry(ROOT + ".functions.usagereport", List.of("UsageReportHandler")));
    }

    // ---------------------------------------------------------------- each rule catches its violation

    @Test
    void aPackageCycleIsCaught() {
        EvaluationResult result = packagesAreFreeOfCycles(ROOT + ".archfixtures.cycle").evaluate(broken);

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString()).contains("archfixtures.cycle.left")
                .contains("archfixtures.cycle.right");
    }

    @Test
    void aLambdaTypeInTheCoreIsCaught() {
        EvaluationResult result = noLambdaTypesIn(resideInAPackage(ROOT + ".archfixtures.core..")
                .as("in the core")).evaluate(broken);

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString()).contains("UsesLambdaContext");
    }

    @Test
    void aDynamoDbCallOutsideTheAdaptersIsCaught() {
        EvaluationResult result = onlyStoreAdaptersTouchDynamoDb(resideInAPackage(ROOT + ".archfixtures.adapter..")
                .as("the adapters")).evaluate(broken);

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString()).contains("BudgetsReadStraightFromDynamoDb")
                .doesNotContain("archfixtures.adapter");
    }

    @Test
    void aSecondClassInAFunctionModuleIsCaught() {
        EvaluationResult result = functionModulesHoldOnlyTheirHandler(ROOT + ".archfixtures.functions")
                .evaluate(broken);

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString()).contains("ReportJob is not a Lambda handler")
                .contains("FixtureHandler shares its function package with 1 other class(es)");
    }
}
