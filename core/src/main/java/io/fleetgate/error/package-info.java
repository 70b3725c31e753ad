/**
 * What fleetgate refuses and why: {@link io.fleetgate.error.FleetgateException}, sealed, with one
 * subtype per {@link io.fleetgate.error.ErrorCode} carrying its context as typed accessors. Every
 * public method of the services names in its javadoc the subtypes it throws.
 */
package io.fleetgate.error;
