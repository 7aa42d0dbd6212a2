package io.carelake.governance.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** JSON pointers of schema violations, split into the keys and indexes they walk. No Spark. */
class TestSpecSchemaPointers {

  @Test
  void pointersAreSplitAndUnescaped() {
    assertThat(SpecSchema.pointer(null)).isEmpty();
    assertThat(SpecSchema.pointer("")).isEmpty();
    assertThat(SpecSchema.pointer("/")).isEmpty();
    assertThat(SpecSchema.pointer("/rules/0/params/a~1b~0c")).containsExactly("rules", "0",
        "params", "a/b~c");
    assertThat(SpecSchema.pointer("rules/1")).containsExactly("rules", "1");
  }
}
