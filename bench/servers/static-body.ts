// A second baseline for throughput: a bare Fastify answering every GET with the same bytes (a file, read once) as
// JSON, in its own process like the others. It tells what sending an answer of that size costs by itself on this
// machine (both ends of the loopback), apart from anything the service does to make it.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: static-body.ts <file>');
const body = readFileSync(file);
const app = Fastify({ logger: false });
app.get('/', async (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` })}\n`);
process.once('SIGINT', () => void app.close().then(() => process.exit(0)));
