package io.carelake.core.events;

import java.util.Locale;

/** The two event streams, each with its JSON Schema resource and its raw table. */
public enum EventKind {
  VISIT("carelake/schemas/visit-event.schema.json"),
  VITAL("carelake/schemas/vital-event.schema.json");

  private final String schemaResource;

  EventKind(String schemaResource) {
    this.schemaResource = schemaResource;
  }

  /** Classpath resource of the JSON Schema (draft 2020-12) that defines the message. */
  public String schemaResource() {
    return schemaResource;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT) + "s";
  }
}
