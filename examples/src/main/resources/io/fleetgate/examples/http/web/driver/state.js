// The batch as this phone believes it to be: the server's copy with the queued events applied, so
// the right screen and buttons show while offline. Mirrors docs/state-machine.md for the events a
// driver sends; the server stays the judge (a refused event comes back REJECTED).

/** event → [statuses it is allowed from, status it leads to] */
export const TRANSITIONS = {
  ROUTE_STARTED: [['INACTIVE', 'ACTIVE'], 'EN_ROUTE'],
  ARRIVED_AT_STOP: [['EN_ROUTE'], 'AT_STOP'],
  DEPARTED_STOP: [['AT_STOP'], 'EN_ROUTE'],
  DELAY_REPORTED: [['EN_ROUTE', 'AT_STOP'], 'DELAYED'],
  ROUTE_RESUMED: [['DELAYED'], 'EN_ROUTE'],
  ROUTE_COMPLETED: [['EN_ROUTE', 'AT_STOP', 'DELAYED'], 'COMPLETED'],
};

/** @returns {string[]} the driver events the status allows, besides PROOF_CAPTURED */
export function allowed(status) {
  return Object.keys(TRANSITIONS).filter((type) => TRANSITIONS[type][0].includes(status));
}

/** @returns {object|null} the stop the driver is at or heading to: the first without an outcome */
export function nextStop(batch) {
  return batch.stops.find((s) => s.status === 'PENDING' || s.status === 'ARRIVED') || null;
}

/** @returns {object|null} the stop the driver is at (AT_STOP), or null */
export function currentStop(batch) {
  return batch.driver_status === 'AT_STOP' ? batch.stops.find((s) => s.status === 'ARRIVED') || nextStop(batch) : null;
}

/** @returns {string[]} what the stop's proof rules still need, e.g. ["SIGNATURE"] */
export function missingProof(stop) {
  const missing = [];
  for (const rule of stop.proof || []) {
    const need = rule.min_count || 1;
    const have = (stop.proof_captured || {})[rule.kind] || 0;
    if (have < need) {
      missing.push(rule.kind);
    }
  }
  return missing;
}

/**
 * @param {object} batch a batch (not changed)
 * @param {object} event an event this phone recorded
 * @returns {object} the batch after it, as far as the phone can tell
 */
export function apply(batch, event) {
  const next = structuredClone(batch);
  const stop = event.stop_id ? next.stops.find((s) => s.id === event.stop_id) : currentStop(next);
  if (event.event_type === 'PROOF_CAPTURED') {
    const kind = event.payload && event.payload.proof && event.payload.proof.kind;
    if (stop && kind) {
      stop.proof_captured = Object.assign({}, stop.proof_captured);
      stop.proof_captured[kind] = (stop.proof_captured[kind] || 0) + 1;
    }
    return next;
  }
  const rule = TRANSITIONS[event.event_type];
  if (!rule || !rule[0].includes(next.driver_status)) {
    return next;
  }
  if (event.event_type === 'ARRIVED_AT_STOP' && stop) {
    stop.status = 'ARRIVED';
  }
  if ((event.event_type === 'DEPARTED_STOP' || event.event_type === 'ROUTE_COMPLETED') && stop
      && event.payload && event.payload.outcome) {
    stop.status = event.payload.outcome.status;
  } else if (event.event_type === 'DEPARTED_STOP' && stop) {
    stop.status = 'COMPLETED';
  }
  next.driver_status = rule[1];
  const upcoming = nextStop(next);
  next.next_stop_id = upcoming ? upcoming.id : null;
  return next;
}
