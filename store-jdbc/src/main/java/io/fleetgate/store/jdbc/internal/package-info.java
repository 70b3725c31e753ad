/**
 * Implementation of the JDBC store. Not API: nothing here is exported or supported for direct use.
 */
package io.fleetgate.store.jdbc.internal;
