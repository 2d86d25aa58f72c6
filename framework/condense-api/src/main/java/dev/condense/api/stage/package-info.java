/**
 * Custom pipeline stages: {@link dev.condense.api.stage.Stage} extensions cover what the built-in stage kinds
 * (train, prune, distill, evaluate, export) do not; a plugin stage may not take a built-in kind's id. {@link
 * dev.condense.api.stage.StageContext} is what the kernel offers a running stage or extension.
 */
package dev.condense.api.stage;
