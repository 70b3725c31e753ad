/**
 * The long reliability scenarios behind {@code scripts/torture} and
 * {@code java -jar fleetgate-examples.jar torture}; entry point
 * {@link io.fleetgate.examples.torture.Torture}. The script starts and kills {@code serve}
 * processes and the database; this package drives the HTTP load ({@link
 * io.fleetgate.examples.torture.Client}, {@link io.fleetgate.examples.torture.Load},
 * {@link io.fleetgate.examples.torture.Races}), records every acknowledged write
 * ({@link io.fleetgate.examples.torture.Ledger}) and checks the invariants over JDBC afterwards
 * ({@link io.fleetgate.examples.torture.Invariants}). See {@code docs/reliability.md}.
 */
package io.fleetgate.examples.torture;
