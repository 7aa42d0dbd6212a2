package io.carelake.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.tables.Tables;
import io.carelake.governance.check.CheckStatus;
import io.carelake.governance.rules.RuleCompilers;
import io.carelake.governance.spec.RuleSpec;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The golden tests keep up with the rules: a rule type registered without a golden test that
 * makes it fail, or a shipped rule without a failing case, fails here. No Spark.
 */
class TestEveryRuleIsMadeToFail {

  @Test
  void everyRegisteredRuleTypeHasAGoldenTestWithFailingRows() {
    Set<String> covered = new TreeSet<>();
    for (Method m : TestRuleTypesGolden.class.getDeclaredMethods()) {
      MakesRuleFail mark = m.getAnnotation(MakesRuleFail.class);
      if (mark != null) {
        assertThat(m.isAnnotationPresent(org.junit.jupiter.api.Test.class))
            .as(m.getName() + " is a test").isTrue();
        covered.addAll(Arrays.asList(mark.value()));
      }
    }
    assertThat(covered).as("rule types with a failing-row golden test in TestRuleTypesGolden")
        .containsExactlyInAnyOrderElementsOf(RuleCompilers.types());
  }

  @Test
  void everyShippedRuleHasAFailingCase() throws Exception {
    GovernanceSpecs specs = GovernanceSpecs.builtIn();
    List<String> visits = specs.forTable(Tables.RAW_VISITS).spec().rules().stream()
        .map(RuleSpec::id).toList();
    List<String> vitals = specs.forTable(Tables.RAW_VITALS).spec().rules().stream()
        .map(RuleSpec::id).toList();
    assertThat(TestShippedRulesMadeToFail.VISITS.stream().map(TestShippedRulesMadeToFail.Case::rule))
        .as("cases of visits.yaml's rules").containsExactlyInAnyOrderElementsOf(visits);
    assertThat(TestShippedRulesMadeToFail.VITALS.stream().map(TestShippedRulesMadeToFail.Case::rule))
        .as("cases of vitals.yaml's rules").containsExactlyInAnyOrderElementsOf(vitals);
    // a case makes its rule fail: at least one failing row and a failing verdict
    List<TestShippedRulesMadeToFail.Case> all = new ArrayList<>(TestShippedRulesMadeToFail.VISITS);
    all.addAll(TestShippedRulesMadeToFail.VITALS);
    assertThat(all).allSatisfy(c -> {
      assertThat(c.failing()).as(c.rule()).isNotEmpty();
      assertThat(c.numerator()).as(c.rule()).isPositive();
      assertThat(c.status()).as(c.rule()).isIn(CheckStatus.WARN, CheckStatus.FAIL);
    });
    // and every failing row it names is a row of the fixture
    assertThat(Stream.concat(TestShippedRulesMadeToFail.VISITS.stream()
            .flatMap(c -> c.failing().stream()).filter(id -> !rowIds(true).contains(id)),
        TestShippedRulesMadeToFail.VITALS.stream()
            .flatMap(c -> c.failing().stream()).filter(id -> !rowIds(false).contains(id))))
        .as("failing rows missing from the fixture").isEmpty();
  }

  static Set<String> rowIds(boolean visits) {
    Set<String> ids = new TreeSet<>();
    (visits ? TestShippedRulesMadeToFail.VISIT_ROWS : TestShippedRulesMadeToFail.VITAL_ROWS)
        .keySet().forEach(k -> ids.add(k.replaceAll("#.*", "")));
    return ids;
  }
}
