package io.carelake.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestSmallFiles {

  @Test
  void aFileUpToOneMebibyteIsReadAndALargerOneIsRefusedWithItsPath(@TempDir Path dir)
      throws Exception {
    Path limit = dir.resolve("limit.yaml");
    Files.write(limit, new byte[SmallFiles.MAX_BYTES]);
    assertThat(SmallFiles.read(limit, "governance spec")).hasSize(SmallFiles.MAX_BYTES);
    Path big = dir.resolve("export.csv");
    Files.write(big, new byte[SmallFiles.MAX_BYTES + 1]);
    assertThatThrownBy(() -> SmallFiles.read(big, "governance spec"))
        .isInstanceOf(IOException.class).hasMessageContaining(big.toString())
        .hasMessageContaining("larger than 1 MiB, the limit for a governance spec");
  }
}
