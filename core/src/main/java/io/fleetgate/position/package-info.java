/**
 * The position stream: the fixes a driver's phone sends every few seconds, kept apart from the
 * event log, and what fleetgate makes of them: arrivals confirmed by presence, excursions off a
 * planned route's corridor, implausible jumps, and phones gone quiet.
 */
package io.fleetgate.position;
