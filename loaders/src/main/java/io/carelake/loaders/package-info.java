/** Loaders that turn real-world exports (FHIR R4 bundles, Synthea CSV) into canonical carelake events. */
package io.carelake.loaders;
