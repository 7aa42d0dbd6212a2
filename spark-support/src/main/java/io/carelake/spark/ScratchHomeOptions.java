package io.carelake.spark;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --home} / {@code --config} of a bench (a picocli {@code @Mixin}): they only say where its
 * {@link ScratchHome} goes, never which tables it uses.
 */
public final class ScratchHomeOptions {

  @Option(names = "--home", paramLabel = "DIR", description = "carelake home (as bin/carelake"
      + " passes it): the bench works in a scratch home under <home>/tmp, deleted afterwards;"
      + " the home's own tables are never touched")
  private Path home;

  @Option(names = "--config", paramLabel = "FILE", description = "as --home, for the home of an"
      + " explicit carelake.properties")
  private Path config;

  /** The {@code --home} given: a bench run by {@link ScratchHome#runIn} gets its scratch here. */
  public Path home() {
    return home;
  }

  /** A new scratch home where these options say; delete it with {@link ScratchHome#delete}. */
  public Path createScratch(String prefix) throws IOException {
    return ScratchHome.create(home, config, prefix);
  }
}
