// Numbers shared by every benchmark: medians, percentiles, rates, the machine they were taken on, and
// the peak RSS of a child process and its own children (read from /proc while it runs).
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Rounds to `digits` significant digits, for figures that should not pretend to more precision than they have. */
export function significant(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}

export function ratio(ours: number, theirs: number): number {
  return significant(ours / theirs, 3);
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
}

/** CPU model as /proc/cpuinfo names it (os.cpus() may abbreviate), cores, memory, Node version. */
export function machineInfo(): MachineInfo {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line !== undefined) cpu = line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // Not Linux: os.cpus() is the best there is.
    cpu = cpus()[0]?.model ?? 'unknown';
  }
  return { cpu, cores: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}` };
}

/** 1-minute load average: how busy the shared machine was when a benchmark started. */
export function load1(): number {
  return significant(loadavg()[0] ?? 0, 2);
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return String(significant(value, 3));
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** The process and its descendants (the saltmine launcher runs the program in a child). */
function processTree(pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${tree[i]}/task`)) {
        const children = readFileSync(`/proc/${tree[i]}/task/${task}/children`, 'utf8').trim();
        if (children !== '') tree.push(...children.split(' ').map(Number));
      }
    } catch {
      // Exited between two reads: it has no children left to count.
    }
  }
  return tree;
}

/** Resident pages of one process, kB: all of them, those only it maps (private), and those it shares. */
function residentKb(pid: number): { rss: number; private: number; shared: number } | null {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0);
    return { rss: field('Rss'), private: field('Private_Clean') + field('Private_Dirty'), shared: field('Shared_Clean') + field('Shared_Dirty') };
  } catch {
    try {
      // No smaps_rollup (Linux < 4.14): count every page as the process's own.
      const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      return { rss, private: rss, shared: 0 };
    } catch {
      return null; // exited meanwhile
    }
  }
}

/**
 * Samples the peak resident memory of a process tree until stopped; Linux only (null elsewhere). The tree's
 * memory is every process's private pages plus the shared pages once (the largest shared set of any one of
 * them): the saltmine launcher and the program it runs map the same Node binary, and summing their RSS
 * counted its ~36 MiB of code twice. The peak is the largest sample, or any one process's own high-water
 * mark (VmHWM, which also catches a spike between samples) if that is larger.
 */
export class PeakRss {
  private peakKb = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number, intervalMs = 100) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    this.sample();
  }

  sample(): void {
    let privateKb = 0;
    let sharedKb = 0;
    let seen = 0;
    for (const pid of processTree(this.pid)) {
      const resident = residentKb(pid);
      if (resident === null) continue; // exited: its last samples stand
      privateKb += resident.private;
      sharedKb = Math.max(sharedKb, resident.shared);
      seen++;
      try {
        this.peakKb = Math.max(this.peakKb, Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0));
      } catch {
        // exited between the two reads
      }
    }
    this.peakKb = Math.max(this.peakKb, privateKb + sharedKb);
    if (seen === 0) clearInterval(this.timer); // the whole tree has exited
  }

  /** Peak RSS in MiB seen so far, or null when /proc could not be read at all. */
  stop(): number | null {
    this.sample();
    clearInterval(this.timer);
    return this.peakKb === 0 ? null : significant(this.peakKb / 1024, 3);
  }
}
