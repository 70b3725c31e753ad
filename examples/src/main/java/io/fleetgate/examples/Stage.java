package io.fleetgate.examples;

import io.fleetgate.store.jdbc.JdbcStore;

/**
 * What every demo chapter plays on: the store, the clock it may move, and the narrator.
 * Immutable holder; the objects it holds are shared by the chapters of one run.
 *
 * @param store    the demo's SQLite store
 * @param clock    the clock every service is built with
 * @param narrator prints the story
 */
record Stage(JdbcStore store, DemoClock clock, Narrator narrator) {
}
