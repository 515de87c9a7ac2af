package dev.timewarp.junit.internal;

/**
 * Points a context (and its descendants) at a server that some store owns and closes. Kept apart
 * from the handle so that pointing at a shared server never closes it.
 */
public record ServerRef(ServerHandle handle) {}
