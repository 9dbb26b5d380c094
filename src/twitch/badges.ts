// `badges` / `badge-info`: comma-separated `set/version` pairs. Versions may be non-numeric
// (`twitchcon-2024---san-diego/1`); a pair without `/` is kept with an empty version instead of crashing.

export interface Badge {
  name: string;
  version: string;
}

export function parseBadges(tag: string | null | undefined): Badge[] {
  if (!tag) return [];
  const out: Badge[] = [];
  for (const pair of tag.split(',')) {
    if (pair === '') continue;
    const slash = pair.indexOf('/');
    out.push(slash === -1 ? { name: pair, version: '' } : { name: pair.slice(0, slash), version: pair.slice(slash + 1) });
  }
  return out;
}

/** Version of one badge set in a raw `badges`/`badge-info` tag, without allocating the whole list. */
export function badgeVersion(tag: string | null | undefined, name: string): string | null {
  if (!tag) return null;
  let at = 0;
  while (at < tag.length) {
    const found = tag.indexOf(name + '/', at);
    if (found === -1) return null;
    if (found === 0 || tag.charCodeAt(found - 1) === 44) {
      const from = found + name.length + 1;
      let to = tag.indexOf(',', from);
      if (to === -1) to = tag.length;
      return tag.slice(from, to);
    }
    at = found + 1;
  }
  return null;
}
