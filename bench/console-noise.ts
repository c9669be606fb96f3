import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';

/*
 * How busy the machine was with other work while bench/console-bench.ts measured: the CPU
 * time of every process outside the bench (its server and Chromium included in "own"), from
 * /proc. On a shared 2-core machine this decides whether a frame time can be trusted.
 */

const TICKS_PER_SECOND = 100;

interface CpuSample {
  readonly at: number;
  /** Busy ticks of the whole machine (all cores). */
  readonly busy: number;
  /** Ticks of the bench process and all its descendants. */
  readonly own: number;
}

function machineBusyTicks(): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return user + nice + system + irq + softirq + steal;
}

function ownTicks(): number {
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces: fields start after its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // The process ended while we looked.
    }
  }
  const own = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (!own.has(pid) && own.has(parent)) {
        own.add(pid);
        grew = true;
      }
    }
  }
  let sum = 0;
  for (const pid of own) sum += ticks.get(pid) ?? 0;
  return sum;
}

export function cpuSample(): CpuSample {
  return { at: Date.now(), busy: machineBusyTicks(), own: ownTicks() };
}

/** Cores used by processes outside the bench between two samples. */
export function otherCores(from: CpuSample, to: CpuSample): number {
  const seconds = (to.at - from.at) / 1000;
  const others = Math.max(0, to.busy - from.busy - (to.own - from.own));
  return others / TICKS_PER_SECOND / seconds;
}

/** The 1-minute load average. */
export function load(): number {
  return loadavg()[0];
}
