package io.carelake.core.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestOwnerOnlyFiles {

  @TempDir Path dir;

  @Test
  void writesOwnerOnlyAndReplacesALinkInsteadOfWritingThroughIt() throws Exception {
    Path victim = dir.resolve("victim.txt");
    Files.writeString(victim, "keep me");
    Path target = dir.resolve("spec.yaml");
    Files.createSymbolicLink(target, victim);

    OwnerOnlyFiles.writeString(target, "rules: []\n");

    assertThat(Files.readString(victim)).isEqualTo("keep me");
    assertThat(Files.isSymbolicLink(target)).isFalse();
    assertThat(Files.readString(target)).isEqualTo("rules: []\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
        .isEqualTo("rw-------");
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("victim.txt", "spec.yaml");
    }
  }
}
