// Tag → typed value readers and the field-spec tables built from them.
// Numbers and booleans are parsed explicitly per tag (tmi.js turned every "1" into `true`, even month counts).
import type { Tags } from '../irc/tags.js';

export type FieldValue = string | number | boolean | null;
export type FieldSpec = readonly ['str' | 'int' | 'bool', string];
export type FieldSpecs = Readonly<Record<string, FieldSpec>>;
export type FieldValues<S extends FieldSpecs> = {
  [K in keyof S]: S[K][0] extends 'int' ? number | null : S[K][0] extends 'bool' ? boolean | null : string | null;
};

export const str = (tag: string) => ['str', tag] as const;
export const int = (tag: string) => ['int', tag] as const;
export const bool = (tag: string) => ['bool', tag] as const;

// Each reader comes in two forms: `tagStr(tags, 'x')` and `strOf(tags['x'])`. The second is for the hot
// builders (map.ts): the property load then happens at the caller, where the tag name is a constant and the
// tags object has one shape per kind of line (src/irc/tag-shapes.ts), instead of one megamorphic load here.

/** A present, non-empty tag value, else null (IRCv3: an empty value means the same as an absent one). */
export function strOf(v: string | undefined): string | null {
  return v === undefined || v === '' ? null : v;
}

export function tagStr(tags: Tags, name: string): string | null {
  return strOf(tags[name]);
}

/** A decimal integer (optionally negative); anything else is null rather than a guess. */
export function intOf(v: string | undefined): number | null {
  return v === undefined || v === '' ? null : parseIntStrict(v);
}

export function tagInt(tags: Tags, name: string): number | null {
  return intOf(tags[name]);
}

/** `-?[0-9]+` within the safe-integer range, else null (a value past 2^53 must not come back silently rounded). */
export function parseIntStrict(v: string): number | null {
  let i = v.charCodeAt(0) === 45 ? 1 : 0;
  if (i === v.length || v.length - i > 16) return null;
  for (; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : null;
}

/** `1`/`true` → true, `0`/`false` → false, absent or anything else → null. */
export function boolOf(v: string | undefined): boolean | null {
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  return null;
}

export function tagBool(tags: Tags, name: string): boolean | null {
  return boolOf(tags[name]);
}

/**
 * A reader for one spec table, compiled once into an object literal of loads at constant tag names (the hot
 * form above), so a USERNOTICE's fields cost no loop over the table; `readFields` where the runtime refuses
 * code generation. Field and tag names come from our own tables and are written with JSON.stringify.
 */
export function fieldReader<S extends FieldSpecs>(specs: S): (tags: Tags) => FieldValues<S> {
  const fields = Object.entries(specs).map(([name, [type, tag]]) => `${JSON.stringify(name)}: ${type}Of(t[${JSON.stringify(tag)}])`);
  try {
    const make = new Function('strOf', 'intOf', 'boolOf', `return (t) => ({ ${fields.join(', ')} });`) as
      (...readers: unknown[]) => (tags: Tags) => FieldValues<S>;
    return make(strOf, intOf, boolOf);
  } catch {
    return (tags) => readFields(tags, specs);
  }
}

export function readFields<S extends FieldSpecs>(tags: Tags, specs: S): FieldValues<S> {
  const out: Record<string, FieldValue> = {};
  for (const name in specs) {
    const [type, tag] = specs[name]!;
    out[name] = type === 'str' ? tagStr(tags, tag) : type === 'int' ? tagInt(tags, tag) : tagBool(tags, tag);
  }
  return out as FieldValues<S>;
}
