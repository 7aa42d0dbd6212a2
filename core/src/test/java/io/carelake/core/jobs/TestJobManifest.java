package io.carelake.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestJobManifest {

  /** The repository root: tests run in the module's directory. */
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @Test
  void everyMainClassIsASourceFileOfItsModule() {
    for (JobManifest.Entry entry : JobManifest.shipped().entries()) {
      Path source = REPO.resolve(entry.module()).resolve("src/main/java")
          .resolve(entry.mainClass().replace('.', '/') + ".java");
      assertThat(source).as("%s: %s in %s", entry.command(), entry.mainClass(), entry.module())
          .isRegularFile();
    }
  }

  @Test
  void thePipelineIsListedInTheOrderTheDataFlows() {
    assertThat(JobManifest.shipped().entries().stream()
        .filter(e -> e.kind() == JobManifest.Kind.JOB).map(JobManifest.Entry::command))
        .containsExactly("ingest", "govern", "deidentify", "features", "corpus", "risk-dataset",
            "train", "evaluate", "report");
    assertThat(JobManifest.shipped().get("ingest").engine()).isEqualTo(JobManifest.Engine.FLINK);
    assertThat(JobManifest.shipped().get("load").engine()).isEqualTo(JobManifest.Engine.JAVA);
  }

  @Test
  void theExitCodesListedAreJobExitsCodes() {
    Map<String, Integer> expected = new java.util.HashMap<>();
    for (JobExit exit : JobExit.values()) {
      expected.put(exit.name().toLowerCase(java.util.Locale.ROOT), exit.code());
    }
    assertThat(JobManifest.shipped().exitCodes()).isEqualTo(expected);
  }

  @Test
  void anUnknownCommandIsNamedWithTheKnownOnes() {
    assertThatThrownBy(() -> JobManifest.shipped().get("govren"))
        .hasMessageContaining("'govren'").hasMessageContaining("govern");
  }

  @Test
  void aBadEngineOrATwiceListedCommandIsRefusedWithTheEntryNamed() {
    assertThatThrownBy(() -> parse("""
        {"entries": [{"command": "govern", "module": "m", "main_class": "a.B",
          "engine": "hadoop", "kind": "job", "description": "d"}]}"""))
        .hasMessageContaining("'govern'").hasMessageContaining("engine 'hadoop'")
        .hasMessageContaining("spark");
    assertThatThrownBy(() -> parse("""
        {"entries": [
          {"command": "x", "module": "m", "main_class": "a.B", "engine": "java", "kind": "tool", "description": "d"},
          {"command": "x", "module": "m", "main_class": "a.C", "engine": "java", "kind": "tool", "description": "d"}]}"""))
        .hasMessageContaining("'x' is listed twice");
    assertThatThrownBy(() -> parse("""
        {"entries": [{"command": "x", "module": "", "main_class": "a.B",
          "engine": "java", "kind": "tool", "description": "d"}]}"""))
        .hasMessageContaining("no module");
  }

  private static JobManifest parse(String json) throws Exception {
    return JobManifest.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }
}
