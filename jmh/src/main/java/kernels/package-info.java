/**
 * Small single-threaded compute kernels for {@code io.ssijava.jmh.RewriteOverheadBenchmark}, shaped like the inner
 * loops of the samples (MatMul, Pi, NBody, Sor), and {@code Contention}, the program that {@code run-contended.sh}
 * runs as a real multi-node job.
 * <p>
 * They live outside {@code io.ssijava} on purpose: the agent never rewrites {@code io/ssijava/**}, so only a package
 * like this one gets the field, array and monitor checks whose cost the benchmark measures.
 */
package kernels;
