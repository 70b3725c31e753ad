package io.fleetgate.spi;

/** What login attempts are counted against; each kind has its own limit and its own locks. */
public enum AttemptSubject {
    /** A submitted username (as compared), known or not: {@code LOGIN_MAX_ATTEMPTS}. */
    USERNAME,
    /** The source the host names (e.g. a client address), stored as a hash: {@code LOGIN_SOURCE_MAX_ATTEMPTS}. */
    SOURCE
}
