// The outbox: events recorded on this phone and not yet answered by the server, in IndexedDB so
// they survive a reload or a closed tab while offline. Kept in recorded order (an auto-increment
// key); each keeps the event_id it was made with, so sending it again is a DUPLICATE on the server,
// never a second event.

const DB_NAME = 'fleetgate-driver';
const STORE = 'outbox';
const FIXES = 'fixes';

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true });
      req.result.createObjectStore(FIXES, { keyPath: 'seq', autoIncrement: true });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function run(mode, work, name = STORE) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(name, mode);
      const result = work(tx.objectStore(name));
      tx.oncomplete = () => resolve(result.value);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** Appends an event (as it will be sent, signed). */
export function append(event) {
  return run('readwrite', (store) => {
    const out = {};
    store.add({ event }).onsuccess = (e) => { out.value = e.target.result; };
    return out;
  });
}

/** @returns {Promise<Array<{seq:number, event:object}>>} every queued event, oldest first */
export function all() {
  return run('readonly', (store) => {
    const out = { value: [] };
    store.getAll().onsuccess = (e) => { out.value = e.target.result; };
    return out;
  });
}

/** Removes the answered events. */
export function remove(seqs) {
  return run('readwrite', (store) => {
    for (const seq of seqs) {
      store.delete(seq);
    }
    return { value: undefined };
  });
}

/** Keeps a position fix ({batch_id, fix}) until it is sent. */
export function appendFix(batchId, fix) {
  return run('readwrite', (store) => {
    store.add({ batch_id: batchId, fix });
    return { value: undefined };
  }, FIXES);
}

/** @returns {Promise<Array<{seq:number, batch_id:string, fix:object}>>} the fixes not yet sent, oldest first */
export function allFixes() {
  return run('readonly', (store) => {
    const out = { value: [] };
    store.getAll().onsuccess = (e) => { out.value = e.target.result; };
    return out;
  }, FIXES);
}

/** Removes sent fixes. */
export function removeFixes(seqs) {
  return run('readwrite', (store) => {
    for (const seq of seqs) {
      store.delete(seq);
    }
    return { value: undefined };
  }, FIXES);
}
