/**
 * Temporal's visibility list-filter language (the query of ListWorkflowExecutions,
 * CountWorkflowExecutions and their activity counterparts): a lexer, a recursive-descent parser
 * that type-checks against a {@link dev.timewarp.server.internal.visibility.QuerySchema}, and an
 * in-memory evaluator over {@link dev.timewarp.server.internal.visibility.VisibilityRow}s.
 */
package dev.timewarp.server.internal.visibility;
