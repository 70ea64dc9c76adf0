// `npm run bench`: every benchmark of the project, with its figures and ratios, and a summary against targets.
// `tsx bench/run.ts repositories` (or any of simulator, connections, repositories, service) runs only the benchmarks named.
import { describeCheck, print, type Check } from './bench-util.js';
import { simulatorBenchmarks } from './simulator.bench.js';
import { connectionBenchmarks } from './connections.bench.js';
import { repositoryBenchmarks } from './repositories.bench.js';
import { serviceBenchmarks } from './service.bench.js';

const BENCHMARKS: Record<string, () => Promise<Check[]>> = {
  simulator: simulatorBenchmarks,
  connections: connectionBenchmarks,
  repositories: repositoryBenchmarks,
  service: serviceBenchmarks,
};

const wanted = process.argv.slice(2).filter((a) => a !== '--');
const unknown = wanted.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  process.stderr.write(`Unknown benchmark ${unknown.join(', ')}: choose from ${Object.keys(BENCHMARKS).join(', ')}.\n`);
  process.exit(2);
}

const checks: Check[] = [];
for (const [name, run] of Object.entries(BENCHMARKS)) {
  if (wanted.length === 0 || wanted.includes(name)) checks.push(...(await run()));
}

print(
  'Summary',
  checks.map((c) => [c.name, `${describeCheck(c)}  target ${c.target}  ${c.ok ? 'OK' : 'MISSED'}`]),
);
