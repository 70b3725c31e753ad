// The supervisor console: the board live, the review queue with review and override, a batch's
// timeline. Live updates come from GET /v1/supervisor/stream (read with fetch, the token in the
// Authorization header, never in a URL); while the host has no stream (404) the console re-reads
// the board and the queue every POLL_MS instead. The token lives in sessionStorage only.
import { readStream } from './sse.js';

const SESSION_KEY = 'fleetgate.console.session';
const DEVICE_KEY = 'fleetgate.console.device_id';
const POLL_MS = 1000;
const RECONNECT_MS = 1000;

const $ = (id) => document.getElementById(id);
let session = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
let timelineBatch = null;
let shown = { board: '', queue: '', events: '' };
let statuses = new Map();
let pollTimer = null;
let streamAbort = null;
let lastCursor = null;
let refreshing = null;
let refreshAgain = false;

function say(text) {
  $('message').textContent = text || '';
}

function announce(text) {
  $('announce').textContent = text;
}

class HttpFailure extends Error {
  constructor(status, body) {
    super((body && body.message) || 'HTTP ' + status);
    this.status = status;
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
  if (response.status === 401 && session) {
    loggedOut('Your session has ended; log in again.');
  }
  if (!response.ok) {
    throw new HttpFailure(response.status, json);
  }
  return json;
}

function deviceId() {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = 'console-' + crypto.randomUUID();
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

function loggedOut(message) {
  session = null;
  sessionStorage.removeItem(SESSION_KEY);
  stopLive();
  $('app').hidden = true;
  $('logout').hidden = true;
  $('login').hidden = false;
  $('live').textContent = '';
  delete document.body.dataset.live;
  say(message || '');
}

async function login(event) {
  event.preventDefault();
  say('');
  try {
    const answer = await api('POST', '/v1/auth/login',
      { username: $('username').value, pin: $('pin').value, device_id: deviceId() });
    if (answer.role === 'DRIVER') {
      say('The console is for supervisors; drivers use the driver app.');
      return;
    }
    session = { token: answer.token, role: answer.role, user_id: answer.user_id };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    $('pin').value = '';
    begin();
  } catch (e) {
    say(e instanceof HttpFailure ? e.message : 'Cannot reach the server.');
  }
}

function begin() {
  $('login').hidden = true;
  $('app').hidden = false;
  $('logout').hidden = false;
  document.body.classList.toggle('member', session.role !== 'SUPERVISOR');
  refresh();
  startLive();
}

// --- live updates -------------------------------------------------------------------------------

function stopLive() {
  if (streamAbort) {
    streamAbort.abort();
    streamAbort = null;
  }
  if (pollTimer) {
    clearInterval(pollTimer);
    pollTimer = null;
  }
}

async function startLive() {
  if (!session) {
    return;
  }
  streamAbort = new AbortController();
  const headers = { Authorization: 'Bearer ' + session.token, Accept: 'text/event-stream' };
  if (lastCursor) {
    headers['Last-Event-ID'] = lastCursor;
  }
  let response;
  try {
    response = await fetch('/v1/supervisor/stream', { headers, signal: streamAbort.signal, cache: 'no-store',
      credentials: 'omit' });
  } catch (e) {
    retryLive();
    return;
  }
  if (response.status === 404 || response.status === 405) {
    startPolling();
    return;
  }
  if (response.status === 401) {
    loggedOut('Your session has ended; log in again.');
    return;
  }
  if (!response.ok || !(response.headers.get('Content-Type') || '').startsWith('text/event-stream')) {
    retryLive();
    return;
  }
  document.body.dataset.live = 'stream';
  $('live').textContent = 'Live';
  refresh();
  try {
    lastCursor = await readStream(response, (e) => {
      if (e.event === 'change') {
        lastCursor = e.id || lastCursor;
        refresh();
      }
    }) || lastCursor;
  } catch (e) {
    // the stream broke: reconnect below
  }
  retryLive();
}

function retryLive() {
  if (session && streamAbort && !streamAbort.signal.aborted) {
    // an `end` event (the token ended, the host stops) closes the stream too: reconnecting then
    // gets 401 and the login form, or a new stream
    document.body.dataset.live = 'reconnecting';
    $('live').textContent = 'Reconnecting…';
    setTimeout(() => { if (session) startLive(); }, RECONNECT_MS);
  }
}

function startPolling() {
  document.body.dataset.live = 'polling';
  $('live').textContent = 'Live (refreshing every ' + POLL_MS / 1000 + ' s)';
  if (!pollTimer) {
    pollTimer = setInterval(refresh, POLL_MS);
  }
}

// --- reading and showing ------------------------------------------------------------------------

/** Re-reads the board, the queue and the open timeline; one read at a time, the last request wins. */
function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    try {
      const [board, queue] = await Promise.all([api('GET', '/v1/supervisor/drivers'),
        api('GET', '/v1/supervisor/review-queue?limit=200')]);
      renderBoard(board.drivers);
      renderQueue(queue.events);
      if (timelineBatch) {
        const page = await api('GET', '/v1/driver/events?batch_id=' + encodeURIComponent(timelineBatch) + '&limit=1000');
        renderEvents(page.events);
      }
    } catch (e) {
      if (!(e instanceof HttpFailure)) {
        $('live').textContent = 'Cannot reach the server; retrying';
      }
    } finally {
      refreshing = null;
      if (refreshAgain) {
        refreshAgain = false;
        refresh();
      }
    }
  })();
  return refreshing;
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text === null || text === undefined ? '—' : String(text);
  return td;
}

function renderBoard(drivers) {
  const key = JSON.stringify(drivers.map((d) => [d.driver_id, d.batch_id, d.driver_status, d.next_stop_id,
    d.stops_done, d.stops_failed, d.stops_late, d.quiet, d.last_fix_at]));
  if (key === shown.board) {
    return;
  }
  shown.board = key;
  const changes = [];
  const body = $('board').tBodies[0];
  body.replaceChildren();
  for (const d of drivers) {
    const before = statuses.get(d.driver_id);
    if (before !== undefined && before !== d.driver_status) {
      changes.push(d.driver_id + ' is now ' + d.driver_status);
    }
    statuses.set(d.driver_id, d.driver_status);
    const tr = document.createElement('tr');
    tr.dataset.driver = d.driver_id;
    const status = cell(d.driver_status);
    status.dataset.status = d.driver_status || '';
    if (d.quiet) {
      status.classList.add('quiet-phone');
      status.textContent += ' (phone quiet)';
    }
    tr.append(cell(d.driver_id), cell(d.batch_id), status, cell(d.next_stop_id),
      cell(d.stops_done + ' / ' + d.stops_failed + ' / ' + d.stops_late), cell(d.last_fix_at));
    const td = document.createElement('td');
    if (d.batch_id) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'quiet';
      b.textContent = 'Timeline of ' + d.batch_id;
      b.addEventListener('click', () => openTimeline(d.batch_id));
      td.append(b);
    }
    tr.append(td);
    body.append(tr);
  }
  if (changes.length > 0) {
    announce(changes.join('. '));
  }
}

function renderQueue(items) {
  const key = JSON.stringify(items.map((i) => [i.event_id, i.reasons]));
  if (key === shown.queue) {
    return;
  }
  shown.queue = key;
  const list = $('queue');
  const typed = new Map();
  for (const area of list.querySelectorAll('textarea')) {
    typed.set(area.dataset.item, area.value);
  }
  const focused = document.activeElement && document.activeElement.id;
  list.replaceChildren();
  if (items.length === 0) {
    const li = document.createElement('li');
    li.textContent = 'Nothing to review.';
    list.append(li);
  }
  for (const item of items) {
    const li = document.createElement('li');
    li.dataset.item = item.event_id;
    const what = item.kind === 'alert' ? item.alert.kind : (item.event_type || 'event')
      + (item.quarantined ? ' (refused)' : ' (flagged)');
    const title = document.createElement('p');
    title.textContent = what + ' · driver ' + item.driver_id + ' · batch ' + item.batch_id + ' · '
      + item.recorded_at;
    const reasons = document.createElement('p');
    reasons.className = 'flagged';
    reasons.textContent = (item.reasons || []).join('; ');
    li.append(title, reasons);
    const form = document.createElement('form');
    form.className = 'supervisor-only';
    const id = 'note-' + item.event_id;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = 'Review note';
    const note = document.createElement('textarea');
    note.id = id;
    note.dataset.item = item.event_id;
    note.required = true;
    note.maxLength = 2000;
    note.value = typed.get(item.event_id) || '';
    const submit = document.createElement('button');
    submit.type = 'submit';
    submit.textContent = 'Mark reviewed';
    const timeline = document.createElement('button');
    timeline.type = 'button';
    timeline.className = 'quiet';
    timeline.textContent = 'Timeline of ' + item.batch_id;
    timeline.addEventListener('click', () => openTimeline(item.batch_id));
    form.append(label, note, submit, timeline);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await api('POST', '/v1/supervisor/review', { event_id: item.event_id, note: note.value });
        announce('Reviewed ' + what);
        say('');
        shown.queue = '';
        refresh();
      } catch (err) {
        say(err.message);
      }
    });
    li.append(form);
    list.append(li);
  }
  if (focused && $(focused)) {
    $(focused).focus();
  }
}

function openTimeline(batchId) {
  timelineBatch = batchId;
  shown.events = '';
  $('timeline').hidden = false;
  $('timeline-title').textContent = 'Timeline of batch ' + batchId;
  refresh().then(() => $('timeline-title').scrollIntoView());
}

function renderEvents(events) {
  const key = JSON.stringify(events.map((e) => e.event_id));
  if (key === shown.events) {
    return;
  }
  shown.events = key;
  const list = $('events');
  list.replaceChildren();
  for (const e of events) {
    const li = document.createElement('li');
    li.dataset.event = e.event_type;
    li.textContent = e.recorded_at + ' · ' + e.event_type + ' → ' + e.driver_status
      + (e.stop_id ? ' · stop ' + e.stop_id : '') + (e.flagged_for_review ? ' · flagged: ' + e.flag_reasons.join('; ') : '');
    if (e.flagged_for_review) {
      li.className = 'flagged';
    }
    list.append(li);
  }
}

async function override(event) {
  event.preventDefault();
  try {
    await api('POST', '/v1/supervisor/override', { batch_id: timelineBatch, target_status: $('override-status').value,
      reason: $('override-reason').value });
    $('override-reason').value = '';
    announce('Batch ' + timelineBatch + ' moved to ' + $('override-status').value);
    say('');
    refresh();
  } catch (e) {
    say(e.message);
  }
}

function start() {
  $('login-form').addEventListener('submit', login);
  $('override-form').addEventListener('submit', override);
  $('logout').addEventListener('click', async () => {
    try {
      await api('POST', '/v1/auth/logout');
    } catch (e) {
      // ended here anyway
    }
    loggedOut('');
  });
  if (session) {
    begin();
  } else {
    $('login').hidden = false;
  }
}

start();
