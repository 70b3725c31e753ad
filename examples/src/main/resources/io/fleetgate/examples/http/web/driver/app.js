// The driver web app: login, the batch, the screen its status calls for, and the outbox of events
// (IndexedDB) synced in recorded order whenever the server can be reached. Every event is signed
// with the session's signing_key when it is recorded. The token lives in sessionStorage only.
import { canonical, recordedAt, sign, sha256Hex } from './encoding.js';
import * as outbox from './queue.js';
import { allowed, apply, currentStop, missingProof, nextStop } from './state.js';

const SESSION_KEY = 'fleetgate.driver.session';   // sessionStorage: token, session_id, signing_key
const DEVICE_KEY = 'fleetgate.driver.device_id';  // localStorage: this phone's id (not a secret)
const BATCH_KEY = 'fleetgate.driver.batch_id';    // localStorage: the batch last opened
const COPY_KEY = 'fleetgate.driver.batch';        // sessionStorage: the server's last copy of it, for a reload offline
const RETRY_MS = 3000;
const FIX_MS = 15000;
const FAILURE_REASONS = ['RECIPIENT_ABSENT', 'ADDRESS_NOT_FOUND', 'REFUSED', 'DAMAGED', 'ACCESS_DENIED', 'OTHER'];
const LABELS = {
  ROUTE_STARTED: 'Start route', DELAY_REPORTED: 'Report a delay', ROUTE_RESUMED: 'Resume route',
  ROUTE_COMPLETED: 'Complete route',
};

const $ = (id) => document.getElementById(id);
let session = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
let serverBatch = JSON.parse(sessionStorage.getItem(COPY_KEY) || 'null');   // the batch as the server last answered
let batch = null;         // serverBatch with the outbox applied
let syncing = null;
let syncAgain = false;
let lastRecordedMs = 0;

function deviceId() {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = 'web-' + crypto.randomUUID();
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

function say(text) {
  $('message').textContent = text || '';
}

function show(section) {
  for (const id of ['login', 'pick', 'batch']) {
    $(id).hidden = id !== section;
  }
}

class HttpFailure extends Error {
  constructor(status, body) {
    super((body && body.message) || 'HTTP ' + status);
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (session) {
    headers.Authorization = 'Bearer ' + session.token;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store', credentials: 'omit' });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new HttpFailure(response.status, json);
  }
  return json;
}

function ended() {
  session = null;
  sessionStorage.removeItem(SESSION_KEY);
  sessionStorage.removeItem(COPY_KEY);
  serverBatch = null;
  show('login');
  say('Your session has ended; log in again. Events waiting to be sent are kept.');
}

async function login(event) {
  event.preventDefault();
  say('');
  try {
    const answer = await api('POST', '/v1/auth/login',
      { username: $('username').value, pin: $('pin').value, device_id: deviceId() });
    if (answer.role !== 'DRIVER') {
      say('This app is for drivers; supervisors use the console.');
      return;
    }
    session = { token: answer.token, session_id: answer.session_id, signing_key: answer.signing_key,
      user_id: answer.user_id };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    $('pin').value = '';
    await openBatch(localStorage.getItem(BATCH_KEY));
    sync();
  } catch (e) {
    say(e instanceof HttpFailure ? e.message : 'Cannot reach the server.');
  }
}

async function openBatch(id) {
  if (!id) {
    show('pick');
    return;
  }
  try {
    const answer = await api('GET', '/v1/driver/batches/' + encodeURIComponent(id));
    serverBatch = answer.batch;
    sessionStorage.setItem(COPY_KEY, JSON.stringify(serverBatch));
    localStorage.setItem(BATCH_KEY, id);
  } catch (e) {
    if (e instanceof HttpFailure) {
      if (e.status === 401) {
        ended();
        return;
      }
      localStorage.removeItem(BATCH_KEY);
      show('pick');
      say(e.status === 404 ? 'No batch ' + id + ' is assigned to you.' : e.message);
      return;
    }
    if (!serverBatch || serverBatch.id !== id) {
      show('pick');
      say('Offline: this batch cannot be loaded yet.');
      return;
    }
  }
  await refresh();
}

async function refresh() {
  const queued = await outbox.all();
  batch = queued.map((q) => q.event).filter((e) => e.batch_id === serverBatch.id).reduce(apply, serverBatch);
  render();
}

function position() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) {
      resolve(null);
      return;
    }
    navigator.geolocation.getCurrentPosition(
      async (p) => {
        const here = { lat: p.coords.latitude, lng: p.coords.longitude, accuracy_m: p.coords.accuracy };
        await keepFix(p);
        resolve(here);
      },
      () => resolve(null), { enableHighAccuracy: true, timeout: 5000, maximumAge: 0 });
  });
}

/** Keeps a position as a fix for the position stream (it confirms arrivals); sent with the events. */
async function keepFix(p) {
  if (!batch) {
    return;
  }
  // a fresh reading (maximumAge 0): stamped when it came, as some browsers (and DevTools'
  // emulation) repeat the first reading's timestamp, which would make later readings duplicates
  const fix = { recorded_at: new Date().toISOString(), lat: p.coords.latitude, lng: p.coords.longitude };
  if (Number.isFinite(p.coords.accuracy)) {
    fix.accuracy_m = p.coords.accuracy;
  }
  if (Number.isFinite(p.coords.speed) && p.coords.speed >= 0) {
    fix.speed_mps = p.coords.speed;
  }
  if (Number.isFinite(p.coords.heading) && p.coords.heading >= 0 && p.coords.heading < 360) {
    fix.heading_deg = p.coords.heading;
  }
  await outbox.appendFix(batch.id, fix);
}

/** While on route, takes a position every FIX_MS. */
function sampleWhileOnRoute() {
  if (batch && ['EN_ROUTE', 'AT_STOP', 'DELAYED'].includes(batch.driver_status)) {
    position();
  }
}

/** Sends the kept fixes, per batch, at most 1,000 a call; answered ones (stored, duplicates, conflicts) leave. */
async function sendFixes() {
  const kept = await outbox.allFixes();
  const byBatch = new Map();
  for (const k of kept) {
    if (!byBatch.has(k.batch_id)) {
      byBatch.set(k.batch_id, []);
    }
    byBatch.get(k.batch_id).push(k);
  }
  for (const [batchId, fixes] of byBatch) {
    const part = fixes.slice(0, 1000);
    try {
      await api('POST', '/v1/driver/positions', { batch_id: batchId, fixes: part.map((k) => k.fix) });
    } catch (e) {
      if (!(e instanceof HttpFailure) || e.status === 401 || e.status === 429 || e.status >= 500) {
        throw e;   // offline, ended or busy: try again later
      }
      // refused as a whole (400, 403, 404): these fixes will never be taken; drop them
    }
    await outbox.removeFixes(part.map((k) => k.seq));
  }
}

/** Records an event: built, signed, queued, shown; then sent when the server can be reached. */
async function record(type, fields, withPosition) {
  let ms = Date.now();
  if (ms <= lastRecordedMs) {
    ms = lastRecordedMs + 1;   // strictly increasing, so the server's list keeps the recorded order
  }
  lastRecordedMs = ms;
  const event = Object.assign({ event_id: crypto.randomUUID(), batch_id: batch.id, event_type: type,
    recorded_at: recordedAt(new Date(ms)) }, fields);
  if (withPosition) {
    const here = await position();
    if (here) {
      Object.assign(event, here);
    }
  }
  canonical(event);   // throws before queueing anything the server could not encode
  event.session_id = session.session_id;
  event.signature = await sign(session.signing_key, event);
  await outbox.append(event);
  await refresh();
  sync();
}

/**
 * Sends the outbox, oldest first, one round at a time; what was answered leaves it. A call while a
 * round runs asks for one more round after it. The round's end (which clears `syncing`) is a
 * reaction to its promise, so it always runs after `syncing` was set, also for a round that ends
 * at once (no session yet: the timer and the `online` event call this on the login screen too).
 */
function sync() {
  if (syncing) {
    syncAgain = true;
    return syncing;
  }
  syncing = sendOutbox().then(async () => {
    syncing = null;
    await showConnection();
    if (syncAgain) {
      syncAgain = false;
      sync();
    }
  });
  return syncing;
}

/** One round: the kept fixes, then every queued event in one call. Never rejects. */
async function sendOutbox() {
  try {
    if (!session) {
      return;   // nothing can be sent before a login; the events stay queued for after it
    }
    await sendFixes();
    const queued = await outbox.all();
    if (queued.length === 0) {
      return;
    }
    const answer = await api('POST', '/v1/driver/events', { events: queued.map((q) => q.event) });
    await outbox.remove(queued.map((q) => q.seq));
    const refused = answer.results.filter((r) => r.outcome === 'REJECTED');
    say(refused.map((r) => 'Not accepted: ' + r.message).join(' '));
    if (batch) {
      await openBatch(batch.id);
    }
  } catch (e) {
    if (e instanceof HttpFailure && e.status === 401) {
      ended();
    }
    // offline or refused as a whole: the events stay queued for the next attempt
  }
}

async function showConnection() {
  const waiting = (await outbox.all()).length;
  const fixes = (await outbox.allFixes()).length;
  document.body.dataset.fixes = String(fixes);
  $('connection').textContent = (navigator.onLine ? 'Online' : 'Offline')
    + (waiting ? ' · ' + waiting + ' event' + (waiting === 1 ? '' : 's') + ' waiting to sync' : ' · all synced');
  document.body.dataset.waiting = String(waiting);
}

function button(label, onClick, attrs) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', onClick);
  Object.assign(b.dataset, attrs || {});
  return b;
}

function card(title) {
  const div = document.createElement('div');
  div.className = 'card';
  const h = document.createElement('h3');
  h.textContent = title;
  div.append(h);
  return div;
}

let rendered = '';

function render() {
  show('batch');
  // rebuilt only when the batch changed: a re-read must not wipe a signature being drawn
  const key = JSON.stringify(batch);
  if (key === rendered && !$('screen').hidden) {
    showConnection();
    return;
  }
  rendered = key;
  $('batch-name').textContent = batch.id;
  $('status').textContent = batch.driver_status;
  document.body.dataset.status = batch.driver_status;
  const screen = $('screen');
  screen.replaceChildren();
  const status = batch.driver_status;
  const upcoming = nextStop(batch);
  const at = currentStop(batch);

  if (status === 'EN_ROUTE' && upcoming) {
    const nav = card('Next stop: ' + upcoming.id);
    const link = document.createElement('a');
    link.className = 'button';
    link.id = 'navigate';
    link.href = 'https://www.openstreetmap.org/directions?to=' + upcoming.lat + '%2C' + upcoming.lng
      + '#map=17/' + upcoming.lat + '/' + upcoming.lng;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    link.textContent = 'Navigate to ' + upcoming.lat + ', ' + upcoming.lng;
    const geo = document.createElement('a');
    geo.className = 'button';
    geo.href = 'geo:' + upcoming.lat + ',' + upcoming.lng;
    geo.textContent = 'Open in maps app';
    nav.append(link, geo, button('Arrived at ' + upcoming.id,
      () => record('ARRIVED_AT_STOP', { stop_id: upcoming.id }, true), { event: 'ARRIVED_AT_STOP' }));
    screen.append(nav);
  }
  if (status === 'AT_STOP' && at) {
    screen.append(proofCard(at));
  }
  const actions = card('Route');
  for (const type of allowed(status)) {
    if (type === 'ARRIVED_AT_STOP' || type === 'DEPARTED_STOP') {
      continue;   // shown with the stop
    }
    if (type === 'ROUTE_COMPLETED' && upcoming) {
      continue;   // the server refuses it while stops are open (STOPS_OPEN)
    }
    actions.append(button(LABELS[type], () => record(type, {}, true), { event: type }));
  }
  if (status === 'COMPLETED') {
    actions.append(document.createTextNode('The route is complete. Thank you!'));
  }
  if (status === 'SUSPENDED') {
    actions.append(document.createTextNode('A supervisor suspended this batch; wait for them.'));
  }
  if (actions.childNodes.length > 1) {
    screen.append(actions);
  }

  const list = $('stops');
  list.replaceChildren();
  for (const stop of batch.stops) {
    const li = document.createElement('li');
    li.dataset.stop = stop.id;
    li.dataset.stopStatus = stop.status;
    li.textContent = stop.id + ' — ' + stop.status;
    if (stop.status === 'COMPLETED') {
      li.className = 'done';
    }
    list.append(li);
  }
  showConnection();
}

/** AT_STOP: capture what the stop's proof rules require, then complete or fail it. */
function proofCard(stop) {
  const div = card('At stop ' + stop.id);
  const missing = missingProof(stop);
  const rules = stop.proof || [];
  if (rules.length === 0) {
    const p = document.createElement('p');
    p.textContent = 'No proof required at this stop.';
    div.append(p);
  }
  for (const rule of rules) {
    const need = rule.min_count || 1;
    const have = (stop.proof_captured || {})[rule.kind] || 0;
    const box = document.createElement('fieldset');
    const legend = document.createElement('legend');
    legend.textContent = rule.kind + ': ' + have + ' of ' + need;
    box.append(legend);
    box.dataset.proof = rule.kind;
    const capture = (hash) => record('PROOF_CAPTURED', { stop_id: stop.id, payload: { proof: { kind: rule.kind, hash } } }, true);
    if (rule.kind === 'SIGNATURE') {
      box.append(signaturePad(capture));
    } else if (rule.kind === 'PHOTO') {
      const id = 'photo-' + stop.id;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = 'Take a photo';
      const input = document.createElement('input');
      input.id = id;
      input.type = 'file';
      input.accept = 'image/*';
      input.setAttribute('capture', 'environment');
      input.addEventListener('change', async () => {
        if (input.files[0]) {
          capture(await sha256Hex(await input.files[0].arrayBuffer()));
        }
      });
      box.append(label, input);
    } else {
      const id = rule.kind.toLowerCase() + '-' + stop.id;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = rule.kind === 'CODE' ? 'Code the recipient gives' : 'Note';
      const input = document.createElement(rule.kind === 'CODE' ? 'input' : 'textarea');
      input.id = id;
      box.append(label, input, button('Save ' + rule.kind.toLowerCase(), async () => {
        if (input.value.trim()) {
          capture(await sha256Hex(input.value.trim()));
        }
      }, { capture: rule.kind }));
    }
    div.append(box);
  }
  const complete = button('Complete stop', () => record('DEPARTED_STOP',
    { stop_id: stop.id, payload: { outcome: { status: 'COMPLETED' } } }, false), { event: 'DEPARTED_STOP' });
  complete.disabled = missing.length > 0;
  if (missing.length > 0) {
    complete.title = 'Still needed: ' + missing.join(', ');
  }
  const reasonId = 'reason-' + stop.id;
  const reasonLabel = document.createElement('label');
  reasonLabel.htmlFor = reasonId;
  reasonLabel.textContent = 'Could not deliver because';
  const reason = document.createElement('select');
  reason.id = reasonId;
  for (const r of FAILURE_REASONS) {
    reason.append(new Option(r.replaceAll('_', ' ').toLowerCase(), r));
  }
  const fail = button('Could not deliver', () => record('DEPARTED_STOP',
    { stop_id: stop.id, payload: { outcome: { status: 'FAILED', reason: reason.value,
      ...(reason.value === 'OTHER' ? { note: 'other' } : {}) } } }, false), { event: 'DEPARTED_STOP_FAILED' });
  div.append(complete, reasonLabel, reason, fail);
  return div;
}

/** A canvas to sign on (pointer events: finger, pen or mouse); its PNG's hash is the proof. */
function signaturePad(capture) {
  const wrap = document.createElement('div');
  const canvas = document.createElement('canvas');
  canvas.className = 'signature';
  canvas.width = 600;
  canvas.height = 200;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', 'Signature pad: the recipient signs here');
  const ctx = canvas.getContext('2d');
  ctx.lineWidth = 3;
  let drawing = false;
  let strokes = 0;
  const point = (e) => {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
  };
  canvas.addEventListener('pointerdown', (e) => {
    drawing = true;
    ctx.beginPath();
    ctx.moveTo(...point(e));
  });
  canvas.addEventListener('pointermove', (e) => {
    if (drawing) {
      ctx.lineTo(...point(e));
      ctx.stroke();
      strokes++;
    }
  });
  const stop = () => { drawing = false; };
  canvas.addEventListener('pointerup', stop);
  canvas.addEventListener('pointerleave', stop);
  const save = button('Save signature', () => {
    if (strokes === 0) {
      say('Sign on the pad first.');
      return;
    }
    canvas.toBlob(async (blob) => capture(await sha256Hex(await blob.arrayBuffer())), 'image/png');
  }, { capture: 'SIGNATURE' });
  wrap.append(canvas, save);
  return wrap;
}

function start() {
  $('login-form').addEventListener('submit', login);
  $('pick-form').addEventListener('submit', (e) => {
    e.preventDefault();
    say('');
    openBatch($('batch-id').value.trim());
  });
  $('switch-batch').addEventListener('click', () => {
    localStorage.removeItem(BATCH_KEY);
    show('pick');
  });
  $('logout').addEventListener('click', async () => {
    try {
      await api('POST', '/v1/auth/logout');
    } catch (e) {
      // ended anyway on this phone
    }
    ended();
    say('');
  });
  window.addEventListener('online', () => sync());
  window.addEventListener('offline', () => showConnection());
  setInterval(() => sync(), RETRY_MS);
  setInterval(sampleWhileOnRoute, FIX_MS);
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js', { scope: './' }).catch(() => {});
  }
  if (session) {
    openBatch(localStorage.getItem(BATCH_KEY)).then(() => sync());
  } else {
    show('login');
  }
  showConnection();
}

start();
