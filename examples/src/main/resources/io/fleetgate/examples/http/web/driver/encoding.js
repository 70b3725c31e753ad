// The canonical encoding of a driver event (docs/event-encoding.md), byte for byte as the server's
// EventEncoding builds it, and its HMAC-SHA256 signature (WebCrypto) under the session's key.

/** The fields of the encoding, sorted; only those whose value is not null are written. */
const FIELDS = ['accuracy_m', 'batch_id', 'event_id', 'event_type', 'lat', 'lng', 'payload', 'reason',
  'recorded_at', 'stop_id', 'stop_index', 'target_status'];

/** The longest plain form of a number the server accepts. */
const MAX_NUMBER_CHARS = 40;

/**
 * A date as the encoding writes recorded_at: UTC, exactly six fraction digits.
 * @param {Date} date
 * @returns {string} e.g. 2026-11-22T10:00:00.123000Z
 */
export function recordedAt(date) {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * @param {object} event the event as it is sent (session_id and signature are left out)
 * @returns {string} its canonical encoding
 */
export function canonical(event) {
  const picked = {};
  for (const key of FIELDS) {
    const value = event[key];
    if (value !== null && value !== undefined) {
      picked[key] = key === 'recorded_at' ? normaliseRecordedAt(value) : value;
    }
  }
  return encodeValue(picked);
}

/** recorded_at in UTC with six fraction digits; digits beyond the microsecond are cut off. */
function normaliseRecordedAt(text) {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(text);
  if (!m) {
    throw new Error('recorded_at must be UTC ending in Z: ' + text);
  }
  return m[1] + '.' + ((m[2] || '') + '000000').slice(0, 6) + 'Z';
}

function encodeValue(value) {
  if (value === null) {
    return 'null';
  }
  if (typeof value === 'string') {
    return encodeString(value);
  }
  if (typeof value === 'number') {
    return encodeNumber(value);
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  if (Array.isArray(value)) {
    return '[' + value.map(encodeValue).join(',') + ']';
  }
  if (typeof value === 'object') {
    // default sort: by UTF-16 code units, as the server sorts
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return '{' + keys.map((k) => encodeString(k) + ':' + encodeValue(value[k])).join(',') + '}';
  }
  throw new Error('cannot encode a ' + typeof value);
}

const SHORT_ESCAPES = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function encodeString(s) {
  let out = '"';
  for (const ch of s) {
    const short = SHORT_ESCAPES[ch];
    if (short) {
      out += short;
    } else if (ch.charCodeAt(0) < 0x20) {
      out += '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0');
    } else {
      out += ch;
    }
  }
  return out + '"';
}

/**
 * A number by value in plain decimal: the shortest decimal that gives back the same double
 * (what JavaScript's own String(n) picks), with any exponent written out, zero as 0.
 */
export function encodeNumber(n) {
  if (!Number.isFinite(n)) {
    throw new Error('a number must be finite');
  }
  if (n === 0) {
    return '0';
  }
  let text = String(n);
  const e = text.indexOf('e');
  if (e >= 0) {
    const negative = text.startsWith('-');
    const mantissa = text.slice(negative ? 1 : 0, e);
    const exponent = Number(text.slice(e + 1));
    const dot = mantissa.indexOf('.');
    const digits = mantissa.replace('.', '');
    const pointAt = (dot < 0 ? mantissa.length : dot) + exponent;
    let plain;
    if (pointAt <= 0) {
      plain = '0.' + '0'.repeat(-pointAt) + digits;
    } else if (pointAt >= digits.length) {
      plain = digits + '0'.repeat(pointAt - digits.length);
    } else {
      plain = digits.slice(0, pointAt) + '.' + digits.slice(pointAt);
    }
    text = (negative ? '-' : '') + plain;
  }
  if (text.length > MAX_NUMBER_CHARS) {
    throw new Error('a number longer than 40 characters cannot be encoded');
  }
  return text;
}

function base64ToBytes(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) {
    bytes[i] = bin.charCodeAt(i);
  }
  return bytes;
}

function bytesToBase64(bytes) {
  let bin = '';
  for (const b of new Uint8Array(bytes)) {
    bin += String.fromCharCode(b);
  }
  return btoa(bin);
}

/**
 * @param {string} signingKey the session's signing_key (base64)
 * @param {object} event the event
 * @returns {Promise<string>} base64 HMAC-SHA256 of its canonical encoding
 */
export async function sign(signingKey, event) {
  const key = await crypto.subtle.importKey('raw', base64ToBytes(signingKey), { name: 'HMAC', hash: 'SHA-256' },
    false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(canonical(event)));
  return bytesToBase64(mac);
}

/**
 * @param {ArrayBuffer|Uint8Array|string} data
 * @returns {Promise<string>} lower-case hex SHA-256
 */
export async function sha256Hex(data) {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
