/**
 * Timewarp internals: engine, matching, history and gRPC shells. Not API; may change at any time.
 */
package dev.timewarp.server.internal;
