package io.carelake.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestLocatedYaml {

  private static final String DOC = String.join("\n",
      "# a comment",                 // 1
      "spec:",                       // 2
      "  table: visits",             // 3
      "  threshold: 0.95",           // 4
      "rules:",                      // 5
      "  - column: sex",             // 6
      "    type: allowed_values",    // 7
      "  - column: age",             // 8
      "    values: [1, 2]",          // 9
      "");

  private static LocatedYaml parse(String text) throws LocatedYaml.SyntaxException {
    return LocatedYaml.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void linesOfKeysItemsAndPointers() throws Exception {
    LocatedYaml y = parse(DOC);
    assertThat(y.root().path("spec").path("table").asText()).isEqualTo("visits");
    assertThat(y.line("spec")).isEqualTo(2);
    assertThat(y.line("spec", "threshold")).isEqualTo(4);
    assertThat(y.line("rules", "1")).isEqualTo(8);
    assertThat(y.line("rules", "1", "values")).isEqualTo(9);
    assertThat(y.lineAt("/rules/0/type")).isEqualTo(7);
    // a path that stops early gives the deepest line it reached
    assertThat(y.line("rules", "1", "missing")).isEqualTo(8);
    assertThat(y.line("rules", "7")).isEqualTo(5);
    assertThat(y.valueLine(List.of("rules"))).isEqualTo(6);
    assertThat(y.duplicates()).isEmpty();
  }

  @Test
  void decimalsStayExact() throws Exception {
    LocatedYaml y = parse(DOC);
    assertThat(y.root().path("spec").path("threshold").decimalValue())
        .isEqualByComparingTo(new java.math.BigDecimal("0.95"));
    assertThat(y.root().path("rules").get(1).path("values").get(0).isIntegralNumber()).isTrue();
  }

  @Test
  void duplicateKeysAreReportedWithBothLines() throws Exception {
    LocatedYaml y = parse("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n");
    assertThat(y.duplicates()).containsExactly(
        new LocatedYaml.Duplicate(List.of("b"), "c", 4, 3),
        new LocatedYaml.Duplicate(List.of(), "a", 5, 1));
  }

  @Test
  void anEmptyDocumentHasNoRoot() throws Exception {
    assertThat(parse("# nothing\n").root()).isNull();
    assertThat(parse("").root()).isNull();
  }

  @Test
  void aSyntaxErrorNamesItsLine() {
    assertThatThrownBy(() -> parse("a: 1\nb: [1, 2\nc: 3\n"))
        .isInstanceOf(LocatedYaml.SyntaxException.class)
        .satisfies(e -> assertThat(((LocatedYaml.SyntaxException) e).line()).isBetween(2, 4));
  }
}
