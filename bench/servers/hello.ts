// The baseline of the throughput benchmarks: a bare Fastify hello-world, run in its own process like the target.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` })}\n`);
process.once('SIGINT', () => void app.close().then(() => process.exit(0)));
