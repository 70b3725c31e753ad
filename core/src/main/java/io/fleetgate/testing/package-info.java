/**
 * A store for hosts' unit tests: {@link io.fleetgate.testing.InMemoryStore} keeps everything in
 * this JVM's memory and holds the same invariants as the database stores. It passes the same
 * contract tests as SQLite and PostgreSQL: the store contracts every repository is held to
 * (batches, the event log and its quarantine, the review queue, credentials and login attempts,
 * device sessions, the security audit, places, workspaces and memberships, two instances racing
 * on one data set) and the service contracts above them. So a host may unit-test its own code
 * against {@code Fleetgate.builder().store(new InMemoryStore())} and expect the answers a database
 * store would give.
 *
 * <p>What it does not have: durability (nothing survives the JVM, and two {@code new
 * InMemoryStore()} share nothing), the databases' own defences against a change made by hand
 * outside the library (append-only triggers, row-level security), and their checks on what the
 * services validate before they reach a store (id lengths, references to unknown rows, instants
 * finer than a microsecond). Not for production.
 */
package io.fleetgate.testing;
