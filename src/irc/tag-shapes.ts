// Tags objects made by a compiled constructor per tag-key sequence.
//
// Why: Twitch sends the same tags in the same order on every line of a kind (every PRIVMSG of a channel has
// `badge-info;badges;client-nonce;color;…`). Built key by key (`tags[key] = value`), each object walks V8's
// keyed-store path through a chain of hidden-class transitions, and that was most of the parser's time. A
// function `v => ({ "badge-info": v[0], badges: v[1], … })`, compiled once per key sequence, makes the object
// in one step with one hidden class, and readers of the tags (src/twitch) see monomorphic shapes.
//
// The sequences seen are kept in a trie (one node per key, path = sequence). Matching a line walks the trie
// comparing the line's text in place against the key taken last time from each node, so the common line
// allocates no key strings at all. Growth is bounded; any line the trie will not take (too many tags, a
// duplicate or over-long key, `__proto__`, a full trie) is parsed by the generic code instead, which stays
// the reference for what a tags object is (tags.ts).

import type { Tags } from './tags.js';

/** Bounds on what the trie keeps: memory stays small whatever arrives. */
export const SHAPE_LIMITS = { nodes: 4096, tagsPerLine: 128, keyLength: 64 } as const;

type Construct = (values: readonly string[]) => Tags;

class ShapeNode {
  /** The child taken last from this node, compared in place against the line first. */
  hotKey: string | null = null;
  hotChild: ShapeNode | null = null;
  children: Map<string, ShapeNode> | null = null;
  construct: Construct | null = null;
  constructor(readonly keys: readonly string[]) {}
}

let root = new ShapeNode([]);
let nodes = 1;
/** Off when `new Function` is refused (a locked-down runtime): every line then takes the generic path. */
let compiling = true;

/** Forgets every shape (tests use it to exercise the bounds). */
export function resetTagShapes(): void {
  root = new ShapeNode([]);
  nodes = 1;
  compiling = true;
}

export function tagShapeCount(): number {
  return nodes;
}

export function tagShapesEnabled(): boolean {
  return compiling;
}

/** Whether a key may be a property name in compiled source (it is written with JSON.stringify either way). */
function acceptableKey(key: string, path: readonly string[]): boolean {
  return key.length <= SHAPE_LIMITS.keyLength && key !== '__proto__' && !path.includes(key);
}

/** The child of `node` for `key`, created if the bounds allow; null when this sequence is not taken. */
function childFor(node: ShapeNode, key: string): ShapeNode | null {
  let child = node.children?.get(key);
  if (child === undefined) {
    if (nodes >= SHAPE_LIMITS.nodes || !acceptableKey(key, node.keys)) return null;
    child = new ShapeNode([...node.keys, key]);
    (node.children ??= new Map()).set(key, child);
    nodes++;
  }
  node.hotKey = key;
  node.hotChild = child;
  return child;
}

function compile(node: ShapeNode): Construct | null {
  const fields = node.keys.map((key, i) => `${JSON.stringify(key)}: v[${i}]`).join(', ');
  try {
    node.construct = new Function('v', `return { ${fields} };`) as Construct;
  } catch {
    compiling = false;
    return null;
  }
  return node.construct;
}

const values: string[] = [];

/**
 * Parses the tag section like `parseTags` does, through a compiled constructor; null when the line's tags are
 * not a sequence the trie takes (the caller then uses the generic code).
 */
export function parseTagsByShape(line: string, start: number, end: number, unescape: (raw: string) => string): Tags | null {
  if (!compiling) return null;
  let node = root;
  let count = 0;
  let i = start;
  let nextEq = -2; // as in parseTags: a run of valueless tags must not rescan the line
  while (i < end) {
    let semi = line.indexOf(';', i);
    if (semi === -1 || semi > end) semi = end;
    if (semi > i) {
      if (nextEq !== -1 && nextEq < i) nextEq = line.indexOf('=', i);
      const keyEnd = nextEq === -1 || nextEq > semi ? semi : nextEq;
      if (keyEnd > i) {
        const hot = node.hotKey;
        let child: ShapeNode | null;
        if (hot !== null && hot.length === keyEnd - i && line.startsWith(hot, i)) child = node.hotChild;
        else child = childFor(node, line.slice(i, keyEnd));
        if (child === null || count === SHAPE_LIMITS.tagsPerLine) return null;
        node = child;
        let value = keyEnd + 1 >= semi ? '' : line.slice(keyEnd + 1, semi);
        if (value.length > 0 && value.indexOf('\\') !== -1) value = unescape(value);
        values[count++] = value;
      }
    }
    i = semi + 1;
  }
  const construct = node.construct ?? compile(node);
  return construct === null ? null : construct(values);
}
