package io.fleetgate.examples;

/**
 * One story the demo tells, on the {@link Stage} it was built with. Chapters run one after
 * another on the same store and clock; each is used once, by one thread.
 */
interface Chapter {

    /** @return what the chapter is about, for its heading */
    String title();

    /** Tells the story, one narrated line per step. */
    void tell();
}
