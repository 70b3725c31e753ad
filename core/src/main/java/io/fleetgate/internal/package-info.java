/**
 * Implementation details shared by fleetgate's own modules. Not API: exported only to
 * {@code io.fleetgate.store.jdbc}, unsupported for any other use.
 */
package io.fleetgate.internal;
