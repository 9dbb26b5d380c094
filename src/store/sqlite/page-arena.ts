// Shared memory in which a read thread (read-worker.ts) hands the API's thread a JSON page: fixed slots, each
// taken by the thread that writes a page into it and given back by the API once the response is sent.
// A page handed over as an ArrayBuffer of its own (transferred) is new external memory on the API's thread,
// ~70 KB a page: at ~1,800 pages a second V8 answered it with ten mark-compact collections a second there. A
// slot is written again and again, and the API sends the page from it as it is: it writes the page's head into
// the room left before the rows and the tail into the room after them (JsonPage.frame), so the response is
// never copied either. A page too large for a slot, or one that finds every slot taken, is transferred as before.

/** Bytes before a page's rows: room for `{"<key>":[`. */
export const HEAD_ROOM = 256;
/** Bytes after them: room for `],"count":n,"next":"<cursor>"}`. */
export const TAIL_ROOM = 512;
/** A default page (100 messages) is ~70 KB. */
const SLOT_BYTES = 128 * 1024;
/** Responses in flight per read thread that can each hold a slot (the benchmark runs 50 connections on 2 threads). */
const SLOTS = 48;

const FREE = 0;
const TAKEN = 1;

/** What a read thread is given at its start: the memory, shared. */
export interface PageArenaData {
  bytes: SharedArrayBuffer;
  states: SharedArrayBuffer;
}

/** A page placed in a slot: where, and how many bytes of rows. */
export interface ArenaPlace {
  slot: number;
  length: number;
}

export class PageArena {
  private readonly bytes: Buffer;
  private readonly states: Int32Array;
  private readonly slots: number;
  private next = 0;

  constructor(readonly data: PageArenaData = { bytes: new SharedArrayBuffer(SLOTS * SLOT_BYTES), states: new SharedArrayBuffer(SLOTS * 4) }) {
    this.bytes = Buffer.from(data.bytes);
    this.states = new Int32Array(data.states);
    this.slots = this.states.length;
  }

  /** Thread side: copies the rows into a free slot and takes it, or gives null (too large, or every slot taken). */
  put(rows: Uint8Array): ArenaPlace | null {
    if (rows.length > SLOT_BYTES - HEAD_ROOM - TAIL_ROOM) return null;
    for (let i = 0; i < this.slots; i++) {
      const slot = (this.next + i) % this.slots;
      if (Atomics.compareExchange(this.states, slot, FREE, TAKEN) !== FREE) continue;
      this.next = slot + 1;
      this.bytes.set(rows, slot * SLOT_BYTES + HEAD_ROOM);
      return { slot, length: rows.length };
    }
    return null;
  }

  /** Owner side: the rows of a placed page, as a view with HEAD_ROOM bytes before it and TAIL_ROOM after. */
  rows(place: ArenaPlace): Buffer {
    return this.bytes.subarray(place.slot * SLOT_BYTES + HEAD_ROOM, place.slot * SLOT_BYTES + HEAD_ROOM + place.length);
  }

  /** Owner side: the slot is free again (its response is sent, or will never be). */
  release(slot: number): void {
    Atomics.store(this.states, slot, FREE);
  }

  /** Slots taken now (tests). */
  taken(): number {
    let n = 0;
    for (let i = 0; i < this.slots; i++) n += Atomics.load(this.states, i);
    return n;
  }
}
