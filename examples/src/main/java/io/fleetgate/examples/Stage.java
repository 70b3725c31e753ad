package io.fleetgate.examples;

import io.fleetgate.Fleetgate;

/**
 * What every demo chapter plays on: the library (on the demo's SQLite store), the clock it may
 * move, and the narrator. Immutable holder; the objects it holds are shared by the chapters of one
 * run.
 *
 * @param fleetgate the services, built once on the store and the clock
 * @param clock     the clock the services read
 * @param narrator  prints the story
 */
record Stage(Fleetgate fleetgate, DemoClock clock, Narrator narrator) {
}
