/**
 * Who belongs where: {@link io.fleetgate.access.Workspace} and its directory.
 */
package io.fleetgate.access;
