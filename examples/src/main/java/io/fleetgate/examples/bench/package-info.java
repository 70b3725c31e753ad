/**
 * The benchmarks behind {@code java -jar fleetgate-examples.jar bench}; entry point
 * {@link io.fleetgate.examples.bench.Bench}. Database paths are compared with hand-written JDBC
 * ({@link io.fleetgate.examples.bench.RawJdbc}) in interleaved rounds
 * ({@link io.fleetgate.examples.bench.AbRunner}); the state machine and geo code with JMH
 * ({@link io.fleetgate.examples.bench.StateMachineBenchmark},
 * {@link io.fleetgate.examples.bench.GeoBenchmark}). See {@code docs/benchmarks.md}.
 */
package io.fleetgate.examples.bench;
