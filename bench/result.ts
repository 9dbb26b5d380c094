// The shape every benchmark returns: machine-readable figures (ours beside the peers') plus how to show them.
export type Cell = string | number | boolean | null;

export interface Table {
  caption: string;
  /** Column key → header, in display order. */
  columns: Array<{ key: string; label: string }>;
  rows: Array<Record<string, Cell>>;
}

export interface Target {
  what: string;
  target: string;
  measured: string;
  /** null when the figure could not be measured in this run. */
  met: boolean | null;
}

export interface BenchResult {
  name: string;
  title: string;
  /** ISO date-time the benchmark started. */
  date: string;
  /** 1-minute load average just before it started (the machine is shared). */
  loadBefore: number;
  seconds: number;
  quick: boolean;
  /** What was measured on what: sizes, rounds, connections, ... */
  setup: Record<string, Cell>;
  tables: Table[];
  targets: Target[];
  notes: string[];
  /**
   * The CPU it ran on. Hosts change between sessions (the same code ran 4× slower on one), and `--only` keeps
   * the other benchmarks' figures: each says where it was measured. Absent in results written before.
   */
  cpu?: string;
}

export interface BenchContext {
  quick: boolean;
  /** Scratch directory for generated logs and databases (removed at the end unless kept). */
  workDir: string;
  /** Long-lived cache for expensive inputs (the API database), reused when its recipe matches. */
  cacheDir: string;
  log(message: string): void;
  /** Inputs one benchmark makes and a later one reuses in the same run (the generated log, the imported database). */
  artifacts: Map<string, unknown>;
}

export type Benchmark = (ctx: BenchContext) => Promise<BenchResult>;
