package dev.condense.api.extension;

/** Params record of an extension that takes none; a recipe may still write {@code {}}. */
public record NoParams() {
}
