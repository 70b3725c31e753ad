// A small Server-Sent Events reader for fetch() bodies. EventSource cannot send an Authorization
// header, and a token must never travel in a URL, so the console reads the stream itself.

/**
 * Feeds text chunks; calls onEvent({id, event, data}) for each complete event. Follows the SSE
 * rules: lines end with \n, \r\n or \r; a line starting with ':' is a comment; "data" lines are
 * joined with \n; an empty line dispatches; an event without data is not dispatched.
 */
export class SseParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buffer = '';
    this.reset();
    this.lastEventId = null;
  }

  reset() {
    this.data = [];
    this.event = '';
    this.id = null;
  }

  push(text) {
    this.buffer += text;
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer);
      if (!m) {
        return;
      }
      // a lone \r at the very end may be the first half of \r\n: wait for more
      if (m[0] === '\r' && m.index === this.buffer.length - 1) {
        return;
      }
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      this.line(line);
    }
  }

  line(line) {
    if (line === '') {
      if (this.id !== null) {
        this.lastEventId = this.id;
      }
      if (this.data.length > 0) {
        this.onEvent({ id: this.lastEventId, event: this.event || 'message', data: this.data.join('\n') });
      }
      this.reset();
      return;
    }
    if (line.startsWith(':')) {
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    if (field === 'data') {
      this.data.push(value);
    } else if (field === 'event') {
      this.event = value;
    } else if (field === 'id' && !value.includes('\0')) {
      this.id = value;
    }
  }
}

/**
 * Reads a fetch() response body as SSE until it ends.
 * @returns {Promise<string|null>} the last event id seen
 */
export async function readStream(response, onEvent) {
  const parser = new SseParser(onEvent);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return parser.lastEventId;
    }
    parser.push(value);
  }
}
