/**
 * Inputs of the rewriter tests. Never used directly: {@code RewritingLoader} renames this package to
 * {@code rewritetest} (outside {@code io.ssijava}, so the rewriter treats the classes as application classes) and
 * rewrites them. Calls to {@code io.ssijava.agent.rewrite.Probe} are left alone and reach the test.
 */
package io.ssijava.agent.rewrite.inputs;
