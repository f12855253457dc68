// The notes themselves, kept in the shared store so that every worker sees every note: one key per note
// under the user's prefix, ids from a store-wide counter, and a per-user hit counter.
import { store } from 'shoal/runtime';
import { HttpError } from './http-json.js';

const MAX_TEXT = 2000;
const LIST_LIMIT = 100;

export async function createNote(user, text) {
  if (typeof text !== 'string' || text.trim().length === 0 || text.length > MAX_TEXT) {
    throw new HttpError(400, `"text" must be a non-empty string of at most ${MAX_TEXT} characters.`);
  }
  const id = await store.incr('note-seq');
  const note = { id, text, created_at: new Date().toISOString(), by_pid: process.pid };
  await store.set(`note:${user}:${String(id).padStart(12, '0')}`, note);
  return note;
}

/** The user's most recent notes, oldest first. */
export async function listNotes(user) {
  const keys = (await store.keys(`note:${user}:`)).slice(-LIST_LIMIT);
  const notes = await Promise.all(keys.map((k) => store.get(k)));
  return notes.filter((n) => n !== null);
}

export async function deleteNote(user, id) {
  if (!/^\d{1,12}$/.test(id)) return false;
  return store.del(`note:${user}:${id.padStart(12, '0')}`);
}

export function bumpCounter(user) {
  return store.incr(`counter:${user}`);
}

export async function readCounter(user) {
  return (await store.get(`counter:${user}`)) ?? 0;
}
