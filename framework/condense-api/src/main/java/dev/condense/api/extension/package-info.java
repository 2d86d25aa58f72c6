/**
 * The common extension contract: every extension point extends {@link
 * dev.condense.api.extension.Extension} (a kebab-case recipe id, a params record bound from the recipe, a one-line
 * summary). Extensions are stateless PF4J extensions; this module has no Guice types.
 */
package dev.condense.api.extension;
