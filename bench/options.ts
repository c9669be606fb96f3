/** Command-line options of the server benchmark (see bench/server-bench.ts for the usage). */
export interface Options {
  clients: number;
  small: number;
  workers: number;
  rounds: number;
  repeats: number;
  bursts: number;
  burstPushes: number;
  concurrency: number;
  warmup: number;
  raw10k: boolean;
  markdown: boolean;
  json?: string;
  cpuProf?: string;
  serverRoot?: string;
  /** Where the server keeps its SQLite database: in memory, or a file in a temporary directory. */
  storage: 'memory' | 'file';
  /** Extra server flags, e.g. `--server-arg --delivery-ledger=false` (repeatable). */
  serverArgs: string[];
}

/** A flag's value that must be a positive integer; anything else stops the run. */
export function positiveInteger(flag: string, raw: string | undefined): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} needs a positive integer`);
  return value;
}

export function parseOptions(argv: string[]): Options {
  const options: Options = {
    clients: 10_000,
    small: 1_000,
    workers: 2,
    rounds: 4,
    repeats: 3,
    bursts: 5,
    burstPushes: 10,
    concurrency: 64,
    warmup: 1_000,
    raw10k: true,
    markdown: false,
    storage: 'memory',
    serverArgs: [],
  };
  const numbers: Record<string, keyof Options> = {
    '--clients': 'clients',
    '--small': 'small',
    '--workers': 'workers',
    '--rounds': 'rounds',
    '--repeats': 'repeats',
    '--bursts': 'bursts',
    '--burst-pushes': 'burstPushes',
    '--concurrency': 'concurrency',
    '--warmup': 'warmup',
  };
  const strings: Record<string, 'json' | 'cpuProf' | 'serverRoot'> = {
    '--json': 'json',
    '--cpu-prof': 'cpuProf',
    '--server-root': 'serverRoot',
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag in numbers) {
      (options as unknown as Record<string, number>)[numbers[flag]] = positiveInteger(
        flag,
        argv[++i],
      );
    } else if (flag in strings) {
      const value = argv[++i];
      if (!value) throw new Error(`${flag} needs a value`);
      options[strings[flag]] = value;
    } else if (flag === '--markdown') options.markdown = true;
    else if (flag === '--no-raw-10k') options.raw10k = false;
    else if (flag === '--server-arg') {
      const value = argv[++i];
      if (!value?.startsWith('--')) throw new Error('--server-arg needs a server flag');
      options.serverArgs.push(value);
    } else if (flag === '--storage') {
      const value = argv[++i];
      if (value !== 'memory' && value !== 'file') throw new Error('--storage needs memory or file');
      options.storage = value;
    } else throw new Error(`unknown flag ${flag}`);
  }
  options.small = Math.min(options.small, options.clients);
  return options;
}
