// ISO 8601 timestamps for every row of every page. `new Date(ms).toISOString()` per row was a visible share
// of a page's CPU; rows of a page mostly share a day, so the date part is formatted once per day and the
// time of day from lookup tables. Same output as toISOString, including years outside 0000–9999.

const DAY_MS = 86_400_000;
/** The largest time a Date holds, either side of the epoch; beyond it toISOString throws (and so do we). */
const MAX_MS = 8_640_000_000_000_000;

const pad = (digits: number, count: number) => Array.from({ length: count }, (_, i) => String(i).padStart(digits, '0'));
const TWO = pad(2, 60);
const THREE = pad(3, 1000);

let cachedDay = Number.NaN;
/** `YYYY-MM-DDT` of cachedDay. */
let cachedPrefix = '';

/** Same as `new Date(ms).toISOString()`. */
export function isoTime(ms: number): string {
  if (!Number.isInteger(ms) || ms > MAX_MS || ms < -MAX_MS) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    const start = new Date(day * DAY_MS).toISOString();
    cachedPrefix = start.slice(0, start.length - '00:00:00.000Z'.length);
    cachedDay = day;
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${cachedPrefix}${TWO[hours]}:${TWO[minutes]}:${TWO[seconds]}.${THREE[rest - seconds * 1000]}Z`;
}
