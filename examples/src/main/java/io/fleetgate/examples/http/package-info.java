/**
 * The example HTTP host ({@code serve}): a thin JSON adapter over the fleetgate services, on an
 * embedded Jetty 12 server (core API, no servlets) and Jackson; {@code HttpHost} says why Jetty
 * and how slow clients are kept out. The contract is {@code docs/http-api.md}; the entry point is
 * {@link io.fleetgate.examples.http.ServeCommand}. Every rule lives in the library: this package
 * only parses requests, picks the service call and maps outcomes and {@code ErrorCode}s to
 * statuses.
 */
package io.fleetgate.examples.http;

import io.fleetgate.error.ErrorCode;

