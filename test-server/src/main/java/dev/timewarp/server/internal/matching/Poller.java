package dev.timewarp.server.internal.matching;

/** Who is polling: the worker identity the SDK sends. */
public record Poller(String identity) {}
