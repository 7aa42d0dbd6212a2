package io.carelake.loaders;

import java.io.IOException;
import java.nio.file.Path;

/** Reads an export in one format and maps it to canonical events. */
public final class Loader {

  private final Mappings mappings;

  public Loader(Mappings mappings) {
    this.mappings = mappings;
  }

  public Loader() {
    this(Mappings.load());
  }

  public EventMapper.Result load(Format format, Path path, String source) throws IOException {
    EventMapper mapper = new EventMapper(mappings, source);
    switch (format) {
      case FHIR -> new FhirReader(mappings).read(path, mapper);
      case SYNTHEA_CSV -> new SyntheaCsvReader(mappings).read(path, mapper);
      default -> throw new IllegalArgumentException("format " + format);
    }
    return mapper.map();
  }
}
