/**
 * The example HTTP host ({@code serve}): a thin JSON adapter over the fleetgate services, on the
 * JDK's HTTP server and Jackson. The contract is {@code docs/http-api.md}; the entry point is
 * {@link io.fleetgate.examples.http.ServeCommand}. Every rule lives in the library: this package
 * only parses requests, picks the service call and maps outcomes and {@code ErrorCode}s to
 * statuses.
 */
package io.fleetgate.examples.http;
