/**
 * PostgreSQL and SQLite storage for fleetgate. Entry point: {@link io.fleetgate.store.jdbc.JdbcStore}.
 */
package io.fleetgate.store.jdbc;
