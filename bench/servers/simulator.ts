// The simulator as a benchmark target, in its own process, with the demo seed; prints its ready line.
import { startSimulator } from '../../simulator/index.js';

const sim = await startSimulator({ seed: process.argv[2] ?? 'demo', ...(process.argv[3] ? { dataDir: process.argv[3] } : {}) });
process.stdout.write(`${JSON.stringify(sim.ready)}\n`);
process.once('SIGINT', () => void sim.stop().then(() => process.exit(0)));
