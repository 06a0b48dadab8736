import type { Activity } from 'botbuilder';

/**
 * The JSON text an activity the channel writes is stored as (without its id: its place in the log is its
 * id), made once per activity and used again wherever the same activity is written: the log's write to
 * Redis, and the frames this instance's open sockets get (stream.ts). The sealed log remembers here both
 * texts it builds from one serialisation: the sealed one (for the store) on the sealed copy, the clear one
 * (for the sockets) on the activity it was given.
 *
 * Remembered by object, weakly, when written (SealedActivityLog): the activity is not changed between its
 * write and its frames (the channel only sets its id, which the text leaves out), and a later write of the
 * same object remembers its text anew.
 */
const rememberedJson = new WeakMap<object, string>();

/**
 * The activity's JSON without its id: the text remembered for it, or made now (not remembered: only the
 * writer that made a text knows the activity it was made of will not change).
 */
export function storedJson(activity: Partial<Activity>): string {
  const text = rememberedJson.get(activity);
  if (text !== undefined) return text;
  if (activity.id === undefined) return JSON.stringify(activity); // what a turn sends has none: no copy
  const { id: _ignored, ...rest } = activity;
  return JSON.stringify(rest);
}

/** Remembers `text` as the activity's JSON without its id (what storedJson gives from now on: set anew on every write). */
export function rememberJson(activity: Partial<Activity>, text: string): void {
  rememberedJson.set(activity, text);
}

/** An object's JSON text (`{…}`) with more members (`"a":1,"b":2`, no braces) put last. */
export function withMembers(json: string, members: string): string {
  if (members === '') return json;
  return json.length > 2 ? `${json.slice(0, -1)},${members}}` : `{${members}}`;
}

/** A stored activity's JSON with its id put first (the log keeps none), without parsing it. */
export function jsonWithId(json: string, id: string): string {
  const head = `{"id":${JSON.stringify(id)}`;
  return json.length > 2 && json.startsWith('{') ? `${head},${json.slice(1)}` : `${head}}`;
}
