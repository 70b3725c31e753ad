/**
 * A store for hosts' unit tests: {@link io.fleetgate.testing.InMemoryStore} keeps everything in
 * this JVM's memory and holds the same invariants as the database stores. It runs the same store
 * contract tests as SQLite and PostgreSQL, so a host may unit-test its own code against it and
 * trust what it sees. Not for production: nothing survives the JVM and nothing is shared between
 * instances.
 */
package io.fleetgate.testing;
