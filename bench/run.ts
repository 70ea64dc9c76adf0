// `npm run bench`: every benchmark of the project, with its figures and ratios, and a summary against targets.
import { print, type Check } from './bench-util.js';
import { simulatorBenchmarks } from './simulator.bench.js';
import { connectionBenchmarks } from './connections.bench.js';
import { repositoryBenchmarks } from './repositories.bench.js';

const checks: Check[] = [];
checks.push(...(await simulatorBenchmarks()));
checks.push(...(await connectionBenchmarks()));
checks.push(...(await repositoryBenchmarks()));

print(
  'Summary',
  checks.map((c) => [c.name, `${c.ratio === undefined ? `${c.value.toFixed(0)}` : `${c.ratio.toFixed(2)}x`}  target ${c.target}  ${c.ok ? 'OK' : 'MISSED'}`]),
);
