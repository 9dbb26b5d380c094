// Date parameters: the seed's formats (YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY, MM-DD-YYYY), ISO 8601
// date-times and epoch milliseconds. A bound covers its whole precision: `end-date=2024-01-15` includes
// the whole day, `end-date=2024-01-15T14:30` the whole minute. Times without a zone are UTC.

/** A parsed date parameter: its first millisecond and the first millisecond after it. */
export interface DateSpan {
  startMs: number;
  endMs: number;
}

const DAY_MS = 86_400_000;

type DateMatch = { year: string; month: string; day: string };
const DATE_FORMATS: readonly { re: RegExp; pick: (m: RegExpExecArray) => DateMatch }[] = [
  { re: /^(\d{4})-(\d{1,2})-(\d{1,2})$/, pick: (m) => ({ year: m[1]!, month: m[2]!, day: m[3]! }) },
  { re: /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, pick: (m) => ({ day: m[1]!, month: m[2]!, year: m[3]! }) },
  { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, pick: (m) => ({ day: m[1]!, month: m[2]!, year: m[3]! }) },
  { re: /^(\d{1,2})-(\d{1,2})-(\d{4})$/, pick: (m) => ({ month: m[1]!, day: m[2]!, year: m[3]! }) },
];

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
/** Epoch milliseconds: 11 to 15 digits (1973 to 33658). Fewer digits are a year or epoch seconds, refused rather than guessed. */
const EPOCH_MS = /^\d{11,15}$/;
const EPOCH_SECONDS = /^\d{9,10}$/;

export const DATE_FORMATS_TEXT = 'YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY, MM-DD-YYYY, an ISO 8601 date-time (e.g. 2024-01-15T14:30:00Z) or epoch milliseconds (e.g. 1705329000000)';

/** Why a date parameter cannot be used, for the 400 message. */
export class DateError extends Error {}

function utcDay(year: number, month: number, day: number, text: string): number {
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (month < 1 || month > 12 || check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new DateError(`"${text}" is not a calendar date`);
  }
  return ms;
}

function zoneOffsetMs(zone: string | undefined, text: string): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) throw new DateError(`"${text}": ${zone} is not a time zone offset`);
  return sign * (hours * 60 + minutes) * 60_000;
}

function parseDateTime(m: RegExpExecArray, text: string): DateSpan {
  const day = utcDay(Number(m[1]), Number(m[2]), Number(m[3]), text);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (hour > 23 || minute > 59 || second > 59) throw new DateError(`"${text}" is not a time of day`);
  const fraction = m[7] ?? '';
  const ms = fraction === '' ? 0 : Math.floor(Number(fraction.padEnd(3, '0').slice(0, 3)));
  const startMs = day + ((hour * 60 + minute) * 60 + second) * 1000 + ms - zoneOffsetMs(m[8], text);
  const precision = fraction !== '' ? 1 : m[6] !== undefined ? 1000 : 60_000;
  return { startMs, endMs: startMs + precision };
}

/** Parses one date parameter; throws DateError naming what is wrong. */
export function parseDateSpan(text: string): DateSpan {
  if (EPOCH_MS.test(text)) {
    const ms = Number(text);
    if (ms > 8_640_000_000_000_000) throw new DateError(`${text} ms is past the last representable date`);
    return { startMs: ms, endMs: ms + 1 };
  }
  if (EPOCH_SECONDS.test(text)) throw new DateError(`"${text}" looks like epoch seconds; give epoch milliseconds (${text}000)`);
  for (const format of DATE_FORMATS) {
    const m = format.re.exec(text);
    if (m === null) continue;
    const { year, month, day } = format.pick(m);
    const startMs = utcDay(Number(year), Number(month), Number(day), text);
    return { startMs, endMs: startMs + DAY_MS };
  }
  const m = DATE_TIME.exec(text);
  if (m !== null) return parseDateTime(m, text);
  throw new DateError(`"${text}" is not a date; use ${DATE_FORMATS_TEXT}`);
}
