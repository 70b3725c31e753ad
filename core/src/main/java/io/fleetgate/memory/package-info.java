/**
 * {@link io.fleetgate.memory.InMemoryStore}: the store for unit tests, with the same invariants as
 * the database stores.
 */
package io.fleetgate.memory;
