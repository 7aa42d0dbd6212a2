package io.carelake.ingestion;

import io.carelake.core.config.HomeConfigOptions;

/** {@code --home} / {@code --config}, as every ingestion command takes them (a picocli mixin). */
final class ConfigOptions extends HomeConfigOptions {
}
