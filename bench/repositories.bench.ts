// The repositories issue's figures, side by side for the largest demo repository and a generated one of 20,000
// commits, over HTTPS and SSH: first fetch against `git clone --mirror`, an incremental fetch of one new commit against
// `git fetch`, listing 10,000 commits of a branch, and a snapshot against `git archive` of the same tree. Every
// ratio is the median of several interleaved runs (whichever goes first alternates); peak memory comes from one more
// run of each, with every git process measured by /usr/bin/time.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateHistory } from '../simulator/git/generate-history.js';
import { startSimulator, type ReadyInfo } from '../simulator/index.js';
import type { Connection } from '../src/connections/connection.js';
import { openConnectionService } from '../src/connections/open-connection-service.js';
import { gitRemoteFor } from '../src/git/git-remote.js';
import { createSnapshot } from '../src/git/snapshot.js';
import { fetchRepository, listMirrorCommits } from '../src/repositories/mirror-service.js';
import { snapshotRepository } from '../src/repositories/snapshot-service.js';
import { describeCheck, median, print, startServer, type Check } from './bench-util.js';

const exec = promisify(execFile);

const ORG = 'fabrikam';
const PROJECT = 'Platform';
const GENERATED_COMMITS = 20_000;
/** One commit of 20,000 files: snapshots only, for scale. */
const WIDE = 'wide-tree';
const TRANSPORTS = ['https', 'ssh'] as const;
type Transport = (typeof TRANSPORTS)[number];
/** What the `with-ignore` branch adds, so the snapshot's filtering is measured too. */
const AZDOIGNORE = 'src/module-1/\n*7.txt\n!src/module-2/file-007.txt\n';

interface Subject {
  label: string;
  name: string;
  commits: number;
}

/**
 * Interleaved comparisons run an even number of times, so that each side goes first equally often: the first git
 * request after a push is slower (the simulator's caches), which an odd count would charge one side more often. First
 * fetches of the large repository take seconds each, so fewer of those.
 */
const RUNS = { firstFetch: 8, firstFetchLarge: 6, incremental: 8, listing: 7, snapshot: 12 };

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await work();
  return { ms: performance.now() - t, value };
}

/** Runs `a` and `b` `runs` times, alternating which goes first, and returns both medians. */
async function interleaved(runs: number, a: (i: number) => Promise<number>, b: (i: number) => Promise<number>): Promise<{ a: number; b: number }> {
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      as.push(await a(i));
      bs.push(await b(i));
    } else {
      bs.push(await b(i));
      as.push(await a(i));
    }
  }
  return { a: median(as), b: median(bs) };
}

/**
 * Peak memory of every git process a piece of work starts (ours through the library, the baseline directly): a `git`
 * first on PATH runs the real one under /usr/bin/time, whose %M is the largest resident set of git and the processes
 * it waited for (index-pack, ssh, ...). The simulator runs in another process, so its own git is not counted.
 */
class GitMemory {
  private constructor(
    private readonly dir: string,
    readonly available: boolean,
  ) {}

  static async create(dir: string): Promise<GitMemory> {
    const time = await exec('sh', ['-c', 'command -v /usr/bin/time && command -v git']).catch(() => undefined);
    const git = time?.stdout.split('\n')[1]?.trim();
    if (!git) return new GitMemory(dir, false);
    await writeFile(path.join(dir, 'git'), `#!/bin/sh\nexec /usr/bin/time -f %M -a -o "$AZDO_BENCH_RSS_LOG" ${git} "$@"\n`);
    await chmod(path.join(dir, 'git'), 0o755);
    return new GitMemory(dir, true);
  }

  /** Peak RSS in MB of the git processes `work` ran (undefined without /usr/bin/time). */
  async peak(work: () => Promise<unknown>): Promise<number | undefined> {
    if (!this.available) {
      await work();
      return undefined;
    }
    const log = path.join(this.dir, `rss-${process.hrtime.bigint()}.log`);
    const saved = { PATH: process.env.PATH, LOG: process.env.AZDO_BENCH_RSS_LOG };
    process.env.PATH = `${this.dir}:${saved.PATH ?? ''}`;
    process.env.AZDO_BENCH_RSS_LOG = log;
    try {
      await work();
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.LOG === undefined) delete process.env.AZDO_BENCH_RSS_LOG;
      else process.env.AZDO_BENCH_RSS_LOG = saved.LOG;
    }
    const kb = (await readFile(log, 'utf8').catch(() => '')).split('\n').map(Number).filter((n) => n > 0);
    return kb.length > 0 ? Math.max(...kb) / 1024 : undefined;
  }
}

/** Ratios of small operations move with whatever else the machine runs: the load says how much to trust them. */
const loadAverage = (): string => `${os.loadavg().map((l) => l.toFixed(1)).join(', ')} (1, 5, 15 min) on ${os.availableParallelism()} cores`;
const mb = (value: number | undefined): string => (value === undefined ? 'n/a' : `${value.toFixed(0)} MB`);
const nodeMb = (): string => `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`;

/** The demo world plus the generated repository and a `with-ignore` branch in both, written once into `dir`. */
async function prepareSimulator(dir: string): Promise<void> {
  const sim = await startSimulator({ seed: 'demo', dataDir: dir });
  try {
    await sim.control.createRepository(ORG, PROJECT, { name: 'history-20k' });
    const { repository } = sim.control.repository(ORG, PROJECT, 'history-20k');
    await generateHistory(sim.context.repos.git(repository), {
      branch: 'main',
      commits: GENERATED_COMMITS,
      files: 1000,
      authors: [
        { name: 'Ada Generated', email: 'ada@example.com', date: new Date() },
        { name: 'Bo Generated', email: 'bo@example.com', date: new Date() },
      ],
      startDate: new Date('2022-01-01T00:00:00Z'),
      intervalSeconds: 600,
    });
    sim.context.repos.invalidate(repository.id);
    // For scale: the snapshot's fixed costs (a Node pipeline around git) against a tree where the work itself shows.
    await sim.control.createRepository(ORG, PROJECT, { name: WIDE });
    const wide = sim.control.repository(ORG, PROJECT, WIDE).repository;
    await generateHistory(sim.context.repos.git(wide), {
      branch: 'main',
      commits: 1,
      files: 20_000,
      authors: [{ name: 'Ada Generated', email: 'ada@example.com', date: new Date() }],
      startDate: new Date('2022-01-01T00:00:00Z'),
    });
    sim.context.repos.invalidate(wide.id);
    for (const name of ['monorepo', 'history-20k', WIDE]) {
      await sim.control.pushCommits({
        host: ORG,
        project: PROJECT,
        repository: name,
        branch: 'with-ignore',
        commits: [{ message: 'Leave some files out of snapshots', changes: [{ changeType: 'add', path: '/.azdoignore', content: Buffer.from(AZDOIGNORE) }] }],
      });
    }
  } finally {
    await sim.stop();
  }
}

/** One line per target of the issue: met when every case of it is, with the worst case's figure. */
function targetSummary(checks: Check[]): Array<[string, string]> {
  const targets: Array<{ label: string; prefix: string; worst: 'ratio' | 'value' }> = [
    { label: 'first fetch within 1.10x of git clone --mirror', prefix: 'first fetch', worst: 'ratio' },
    { label: 'incremental fetch within 1.25x of git fetch', prefix: 'incremental fetch', worst: 'ratio' },
    { label: 'listing 10,000 commits under 200 ms', prefix: 'list ', worst: 'value' },
    { label: 'snapshot within 1.20x of git archive', prefix: 'snapshot', worst: 'ratio' },
  ];
  return targets.map(({ label, prefix, worst }): [string, string] => {
    const cases = checks.filter((c) => c.name.startsWith(prefix));
    const figure = (c: Check): number => (worst === 'ratio' ? (c.ratio ?? 0) : c.value);
    const top = cases.reduce((a, b) => (figure(b) > figure(a) ? b : a));
    const missed = cases.filter((c) => !c.ok);
    const verdict = missed.length === 0 ? 'met' : `MISSED (${missed.length} of ${cases.length} cases)`;
    return [label, `${verdict}; worst ${describeCheck(top)} (${top.name})`];
  });
}

export async function repositoryBenchmarks(): Promise<Check[]> {
  const checks: Check[] = [];
  const data = await mkdtemp(path.join(os.tmpdir(), 'azdo-bench-repos-'));
  const simData = path.join(data, 'simulator');
  const work = path.join(data, 'work');
  try {
    const prepared = await timed(() => prepareSimulator(simData));
    const server = await startServer<ReadyInfo>('bench/servers/simulator.ts', ['demo', simData]);
    const ready = server.ready;
    const connections = await openConnectionService({ env: { AZDO_CONNECT_DATA: work, ...ready.env } });
    const memory = await GitMemory.create(await mkdtemp(path.join(data, 'shim-')));
    try {
      const alice = ready.users.find((u) => u.name === 'alice@example.com')!;
      const pat = alice.pats.find((p) => p.name === 'full')!.token;
      const privateKey = await readFile(alice.sshPrivateKeyPath!, 'utf8');
      let count = 0;
      /** A new connection per first fetch, so every one is a true first fetch (no mirror, no record). */
      const newConnection = async (transport: Transport): Promise<Connection> => {
        const name = `${transport}-${++count}`;
        const credential = transport === 'https' ? { type: 'pat' as const, token: pat } : { type: 'ssh' as const, privateKey };
        await connections.addConnection({ name, url: `https://dev.azure.com/${ORG}`, credential });
        return connections.getConnection(name);
      };
      const push = async (name: string): Promise<void> => {
        const body = { branch: 'main', commits: [{ message: `bench ${++count}`, files: { [`/bench/change-${count}.txt`]: `change ${count}\n` } }] };
        const r = await fetch(`${ready.controlUrl}/hosts/${ORG}/projects/${PROJECT}/repositories/${name}/pushes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (!r.ok) throw new Error(`push to ${name}: ${r.status} ${await r.text()}`);
      };
      const gitWith = async (connection: Connection, name: string, args: (url: string) => string[], cwd?: string): Promise<void> => {
        const remote = await gitRemoteFor(connection, connections.endpoints, PROJECT, name);
        try {
          await exec('git', args(remote.url), { env: { ...process.env, ...remote.env }, maxBuffer: 1 << 26, ...(cwd ? { cwd } : {}) });
        } finally {
          await remote.cleanup();
        }
      };

      /** Counted in the simulator's own repository, which the state file names. */
      const commits = async (name: string): Promise<number> => {
        const state = JSON.parse(await readFile(path.join(simData, 'state.json'), 'utf8')) as {
          hosts: Array<{ name: string; projects: Array<{ name: string; repositories: Array<{ name: string; dir: string }> }> }>;
        };
        const dir = state.hosts.find((h) => h.name === ORG)!.projects.find((p) => p.name === PROJECT)!.repositories.find((r) => r.name === name)!.dir;
        return Number((await exec('git', ['--git-dir', path.join(simData, 'repos', dir), 'rev-list', '--count', 'main'])).stdout.trim());
      };
      const subjects: Subject[] = [
        { label: 'monorepo (largest demo repository)', name: 'monorepo', commits: await commits('monorepo') },
        { label: `history-20k (generated)`, name: 'history-20k', commits: await commits('history-20k') },
      ];
      print('Repositories benchmark setup', [
        ['demo world + 20,000 generated commits, written once', `${(prepared.ms / 1000).toFixed(1)} s`],
        ...subjects.map((s): [string, string] => [s.label, `${s.commits.toLocaleString('en')} commits on main`]),
        ['git memory', memory.available ? '/usr/bin/time -f %M on every git process (one extra run each)' : '/usr/bin/time not found: n/a'],
        ['machine load at start', loadAverage()],
      ]);

      const kept = new Map<string, { connection: Connection; mirror: string; plain: string }>();
      const fetchRows: Array<[string, string]> = [];
      for (const s of subjects) {
        for (const transport of TRANSPORTS) {
          let last: { connection: Connection; mirror: string } | undefined;
          let plain = '';
          const ours = async (): Promise<number> => {
            const connection = await newConnection(transport);
            const { ms, value } = await timed(() => fetchRepository(connections, { connection, project: PROJECT, repository: s.name }, { dataDir: work }));
            if (last) await rm(last.mirror, { recursive: true, force: true });
            last = { connection, mirror: value.mirror.path };
            return ms;
          };
          const baseline = async (): Promise<number> => {
            const connection = last?.connection ?? (await newConnection(transport));
            const dest = path.join(work, `plain-${++count}.git`);
            const remote = await gitRemoteFor(connection, connections.endpoints, PROJECT, s.name);
            try {
              const { ms } = await timed(() => exec('git', ['clone', '--mirror', '--quiet', '--', remote.url, dest], { env: { ...process.env, ...remote.env }, maxBuffer: 1 << 26 }));
              if (plain) await rm(plain, { recursive: true, force: true });
              plain = dest;
              return ms;
            } finally {
              await remote.cleanup();
            }
          };
          const first = await interleaved(s.commits > 10_000 ? RUNS.firstFetchLarge : RUNS.firstFetch, ours, baseline);
          const ourPeak = await memory.peak(async () => {
            const connection = await newConnection(transport);
            const r = await fetchRepository(connections, { connection, project: PROJECT, repository: s.name }, { dataDir: work });
            await rm(r.mirror.path, { recursive: true, force: true });
          });
          const plainPeak = await memory.peak(async () => {
            const dest = path.join(work, `plain-mem-${++count}.git`);
            await gitWith(last!.connection, s.name, (url) => ['clone', '--mirror', '--quiet', '--', url, dest]);
            await rm(dest, { recursive: true, force: true });
          });
          const ratio = first.a / first.b;
          fetchRows.push([
            `${s.label}, ${transport.toUpperCase()}`,
            `repo fetch ${first.a.toFixed(0)} ms, git clone --mirror ${first.b.toFixed(0)} ms: ${ratio.toFixed(2)}x; peak git RSS ${mb(ourPeak)} vs ${mb(plainPeak)}, node maxRSS so far ${nodeMb()}`,
          ]);
          checks.push({ name: `first fetch vs git clone --mirror, ${s.name}, ${transport}`, ratio, value: first.a, target: '<= 1.10x', ok: ratio <= 1.1 });
          kept.set(`${s.name}/${transport}`, { connection: last!.connection, mirror: last!.mirror, plain });
        }
      }
      print(
        `First fetch: repo fetch (clone into a new mirror) vs git clone --mirror, same transport and credential (median of ${RUNS.firstFetch}, ${RUNS.firstFetchLarge} for 20,000 commits; interleaved)`,
        fetchRows,
      );

      const incrementalRows: Array<[string, string]> = [];
      for (const s of subjects) {
        const times: Record<Transport, { ours: number[]; plain: number[] }> = { https: { ours: [], plain: [] }, ssh: { ours: [], plain: [] } };
        for (let i = 0; i < RUNS.incremental; i++) {
          await push(s.name);
          for (const transport of TRANSPORTS) {
            const k = kept.get(`${s.name}/${transport}`)!;
            const ours = async () => (await timed(() => fetchRepository(connections, { connection: k.connection, project: PROJECT, repository: s.name }, { dataDir: work }))).ms;
            const plain = async () => (await timed(() => gitWith(k.connection, s.name, () => ['fetch', '--quiet', 'origin'], k.plain))).ms;
            if (i % 2 === 0) {
              times[transport].ours.push(await ours());
              times[transport].plain.push(await plain());
            } else {
              times[transport].plain.push(await plain());
              times[transport].ours.push(await ours());
            }
          }
        }
        for (const transport of TRANSPORTS) {
          const k = kept.get(`${s.name}/${transport}`)!;
          await push(s.name);
          const ourPeak = await memory.peak(() => fetchRepository(connections, { connection: k.connection, project: PROJECT, repository: s.name }, { dataDir: work }));
          const plainPeak = await memory.peak(() => gitWith(k.connection, s.name, () => ['fetch', '--quiet', 'origin'], k.plain));
          const ours = median(times[transport].ours);
          const plain = median(times[transport].plain);
          const ratio = ours / plain;
          incrementalRows.push([
            `${s.label}, ${transport.toUpperCase()}`,
            `repo fetch ${ours.toFixed(0)} ms, git fetch ${plain.toFixed(0)} ms: ${ratio.toFixed(2)}x; peak git RSS ${mb(ourPeak)} vs ${mb(plainPeak)}, node maxRSS so far ${nodeMb()}`,
          ]);
          checks.push({ name: `incremental fetch (1 commit) vs git fetch, ${s.name}, ${transport}`, ratio, value: ours, target: '<= 1.25x', ok: ratio <= 1.25 });
        }
      }
      print(`Incremental fetch of one new commit: repo fetch vs git fetch in a git clone --mirror (median of ${RUNS.incremental}, interleaved)`, incrementalRows);

      const listingRows: Array<[string, string]> = [];
      for (const s of subjects) {
        const k = kept.get(`${s.name}/https`)!;
        const target = { connection: k.connection, project: PROJECT, repository: s.name };
        // Pushes above added commits since the count at setup.
        const want = Math.min(10_000, Number((await exec('git', ['--git-dir', k.mirror, 'rev-list', '--count', 'main'])).stdout.trim()));
        const times: number[] = [];
        const plainTimes: number[] = [];
        let listed = 0;
        for (let i = 0; i < RUNS.listing; i++) {
          const { ms, value } = await timed(() => listMirrorCommits(connections, target, { dataDir: work, branch: 'main', top: 10_000 }));
          times.push(ms);
          listed = value.commits.length;
          plainTimes.push((await timed(() => exec('git', ['--git-dir', k.mirror, 'log', '--format=%H %an %ae %at %s', '-n', '10000', 'main'], { maxBuffer: 1 << 26 }))).ms);
        }
        const peak = await memory.peak(() => listMirrorCommits(connections, target, { dataDir: work, branch: 'main', top: 10_000 }));
        const ms = median(times);
        listingRows.push([
          `${s.label}: ${listed.toLocaleString('en')} commits of main`,
          `${ms.toFixed(0)} ms (git log -n 10000 alone: ${median(plainTimes).toFixed(0)} ms); peak git RSS ${mb(peak)}, node maxRSS so far ${nodeMb()}`,
        ]);
        if (listed !== want) throw new Error(`listed ${listed} commits of ${s.name}, expected ${want}`);
        checks.push({ name: `list ${listed.toLocaleString('en')} commits of a branch, ${s.name}`, value: ms, unit: 'ms', target: '< 200 ms', ok: ms < 200 });
      }
      print(`Listing commits from the mirror (listMirrorCommits, top 10,000; median of ${RUNS.listing})`, listingRows);

      const snapshotRows: Array<[string, string]> = [];
      const wideConnection = await newConnection('https');
      const wideMirror = (await fetchRepository(connections, { connection: wideConnection, project: PROJECT, repository: WIDE }, { dataDir: work })).mirror.path;
      kept.set(`${WIDE}/https`, { connection: wideConnection, mirror: wideMirror, plain: '' });
      for (const s of [...subjects, { label: `${WIDE} (generated, 20,000 files in one commit, for scale)`, name: WIDE, commits: 1 }]) {
        const k = kept.get(`${s.name}/https`)!;
        for (const branch of ['main', 'with-ignore']) {
          const commit = (await exec('git', ['--git-dir', k.mirror, 'rev-parse', `refs/heads/${branch}`])).stdout.trim();
          const outA = path.join(work, `snapshot-${s.name}-${branch}.tar.gz`);
          const outB = path.join(work, `archive-${s.name}-${branch}.tar.gz`);
          let files = 0;
          let sizes = { ours: 0, plain: 0 };
          const r = await interleaved(
            RUNS.snapshot,
            async () => {
              const { ms, value } = await timed(() => createSnapshot({ repoPath: k.mirror, commit, out: outA }));
              files = value.files;
              sizes = { ...sizes, ours: value.size };
              return ms;
            },
            async () => (await timed(() => exec('git', ['--git-dir', k.mirror, 'archive', '--format=tar.gz', '-o', outB, commit]))).ms,
          );
          sizes.plain = Number((await exec('stat', ['-c', '%s', outB])).stdout.trim());
          const service: number[] = [];
          for (let i = 0; i < 3; i++) {
            service.push((await timed(() => snapshotRepository(connections, { connection: k.connection, project: PROJECT, repository: s.name }, branch, outA, { dataDir: work, fetch: false }))).ms);
          }
          const ourPeak = await memory.peak(() => createSnapshot({ repoPath: k.mirror, commit, out: outA }));
          const plainPeak = await memory.peak(() => exec('git', ['--git-dir', k.mirror, 'archive', '--format=tar.gz', '-o', outB, commit]));
          const ratio = r.a / r.b;
          const what = branch === 'main' ? 'no .azdoignore' : 'with .azdoignore';
          snapshotRows.push([
            `${s.label}, ${branch} (${what}, ${files} files)`,
            `snapshot ${r.a.toFixed(1)} ms, git archive --format=tar.gz ${r.b.toFixed(1)} ms: ${ratio.toFixed(2)}x; ${(sizes.ours / 1024).toFixed(0)} vs ${(sizes.plain / 1024).toFixed(0)} KB; ` +
              `peak git RSS ${mb(ourPeak)} vs ${mb(plainPeak)}, node maxRSS so far ${nodeMb()}; whole repo snapshot --no-fetch ${median(service).toFixed(0)} ms`,
          ]);
          checks.push({ name: `snapshot vs git archive, ${s.name}, ${what}`, ratio, value: r.a, target: '<= 1.20x', ok: ratio <= 1.2 });
        }
      }
      print(
        `Snapshot (createSnapshot from the mirror) vs git archive --format=tar.gz of the same commit (median of ${RUNS.snapshot}, interleaved; with .azdoignore, against the archive of the whole commit)`,
        snapshotRows,
      );
      print('Repositories targets (every case of each; the worst shown)', [...targetSummary(checks), ['machine load at end', loadAverage()]]);
    } finally {
      await connections.close();
      await server.stop();
    }
  } finally {
    await rm(data, { recursive: true, force: true });
  }
  return checks;
}
