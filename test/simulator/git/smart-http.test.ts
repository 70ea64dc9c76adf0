// Smart HTTP against the real git-http-backend and the real git client.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkUploadPackCapabilities,
  serveSmartHttp,
  TF401041_MULTI_ACK,
  type SmartHttpRequest,
} from '../../../simulator/git/smart-http.js';

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Async on purpose: the server under test lives in this process, a sync spawn would deadlock it.
function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function pkt(s: string): string {
  return (Buffer.byteLength(s) + 4).toString(16).padStart(4, '0') + s;
}

const OID = 'a'.repeat(40);

describe('checkUploadPackCapabilities', () => {
  it('accepts a first want carrying multi_ack_detailed (what git 2.39 sends)', () => {
    const body = Buffer.from(
      pkt(`want ${OID} multi_ack_detailed no-done side-band-64k thin-pack ofs-delta deepen-since deepen-not agent=git/2.39.5\n`) +
        pkt(`want ${'b'.repeat(40)}\n`) +
        '0000' +
        pkt('done\n'),
    );
    expect(checkUploadPackCapabilities(body)).toEqual({ ok: true });
  });

  it('accepts plain multi_ack (older clients)', () => {
    const body = Buffer.from(pkt(`want ${OID} multi_ack side-band-64k ofs-delta\n`) + '0000' + pkt('done\n'));
    expect(checkUploadPackCapabilities(body)).toEqual({ ok: true });
  });

  it('rejects a want list without multi_ack, as go-git < 5.5 sends it', () => {
    const body = Buffer.from(pkt(`want ${OID} side-band-64k ofs-delta no-progress agent=go-git/5.x\n`) + '0000' + pkt('done\n'));
    expect(checkUploadPackCapabilities(body)).toEqual({ ok: false, message: TF401041_MULTI_ACK });
  });

  it('only looks at the first want line', () => {
    const body = Buffer.from(pkt(`want ${OID} ofs-delta\n`) + pkt(`want ${'b'.repeat(40)} multi_ack\n`) + '0000');
    expect(checkUploadPackCapabilities(body).ok).toBe(false);
  });

  it('does not mistake a similar capability name for multi_ack', () => {
    const body = Buffer.from(pkt(`want ${OID} multi_ack_detailedx no_multi_ack\n`) + '0000');
    expect(checkUploadPackCapabilities(body).ok).toBe(false);
  });

  it('rejects framing garbage and protocol v2 commands, lets an empty request through to git', () => {
    expect(checkUploadPackCapabilities(Buffer.from('zzzz')).ok).toBe(false);
    expect(checkUploadPackCapabilities(Buffer.from('00')).ok).toBe(false);
    expect(checkUploadPackCapabilities(Buffer.from('0003')).ok).toBe(false);
    expect(checkUploadPackCapabilities(Buffer.from('00ff want')).ok).toBe(false);
    expect(checkUploadPackCapabilities(Buffer.from(pkt('command=fetch\n') + '0001' + '0000')).ok).toBe(false);
    expect(checkUploadPackCapabilities(Buffer.from('0000'))).toEqual({ ok: true });
    expect(checkUploadPackCapabilities(Buffer.alloc(0))).toEqual({ ok: true });
  });

  it('never throws on arbitrary bytes (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const r = checkUploadPackCapabilities(Buffer.from(bytes));
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.message).toMatch(/^TF401041: /);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on pkt-line-shaped input, and is ok exactly when the first want has multi_ack (fuzz)', () => {
    const capName = fc.oneof(
      fc.constantFrom('multi_ack', 'multi_ack_detailed', 'side-band-64k', 'ofs-delta', 'thin-pack', 'no-done', 'agent=git/2.39'),
      fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[\s\n]/.test(s)),
    );
    fc.assert(
      fc.property(fc.array(capName, { maxLength: 8 }), fc.string({ maxLength: 40 }), (caps, tail) => {
        const line = `want ${OID}${caps.length ? ' ' + caps.join(' ') : ''}\n`;
        const body = Buffer.concat([Buffer.from(pkt(line)), Buffer.from(tail)]);
        const r = checkUploadPackCapabilities(body);
        expect(r.ok).toBe(caps.includes('multi_ack') || caps.includes('multi_ack_detailed'));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('serveSmartHttp with real git', () => {
  let root: string;
  let server: http.Server;
  let base: string;
  let gitEnv: NodeJS.ProcessEnv;
  let bare: string;
  const receivePackDone: string[] = [];
  const results: { service: string; status: number }[] = [];

  const git = (args: string[], cwd?: string, env?: NodeJS.ProcessEnv) =>
    run('git', args, { cwd: cwd ?? root, env: { ...gitEnv, ...env } });
  const gitOk = async (args: string[], cwd?: string, env?: NodeJS.ProcessEnv) => {
    const r = await git(args, cwd, env);
    if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r;
  };

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'smart-http-'));
    gitEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) gitEnv[k] = v;
    Object.assign(gitEnv, {
      HOME: root,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    });
    bare = path.join(root, 'repo.git');
    await gitOk(['init', '-q', '--bare', '-b', 'main', bare]);
    const seed = path.join(root, 'seed');
    await gitOk(['init', '-q', '-b', 'main', seed]);
    await writeFile(path.join(seed, 'README.md'), '# hello\n');
    await gitOk(['add', '.'], seed);
    await gitOk(['commit', '-q', '-m', 'initial'], seed);
    await gitOk(['push', '-q', bare, 'main'], seed);

    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const m = /^\/([A-Za-z0-9._-]+\.git)\/(info\/refs|git-upload-pack|git-receive-pack)$/.exec(url.pathname);
      if (!m || !m[1] || !m[2]) {
        res.statusCode = 404;
        res.end();
        return;
      }
      const repoPath = path.join(root, m[1]);
      const r: SmartHttpRequest = {
        req,
        res,
        repoPath,
        service: m[2] as SmartHttpRequest['service'],
        query: url.search.replace(/^\?/, ''),
        remoteUser: 'alice@example.com',
        extraResponseHeaders: { 'X-VSS-E2EID': 'e2e-test' },
        onReceivePackDone: () => {
          receivePackDone.push(repoPath);
          return Promise.resolve();
        },
      };
      void serveSmartHttp(r).then((x) => results.push(x));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(root, { recursive: true, force: true, maxRetries: 5 });
  });

  it('clones, pushes a new branch, and fetches it from another clone', async () => {
    const a = path.join(root, 'clone-a');
    await gitOk(['clone', '-q', `${base}/repo.git`, a]);
    expect((await gitOk(['log', '--format=%s'], a)).stdout.trim()).toBe('initial');
    expect((await gitOk(['rev-parse', '--abbrev-ref', 'HEAD'], a)).stdout.trim()).toBe('main');

    await gitOk(['checkout', '-q', '-b', 'feature'], a);
    await writeFile(path.join(a, 'feature.txt'), 'feature\n');
    await gitOk(['add', '.'], a);
    await gitOk(['commit', '-q', '-m', 'feature work'], a);
    const before = receivePackDone.length;
    const push = await gitOk(['push', 'origin', 'feature'], a);
    expect(push.stderr).toContain('* [new branch]      feature -> feature');
    expect(receivePackDone.length).toBe(before + 1);
    const localHead = (await gitOk(['rev-parse', 'HEAD'], a)).stdout.trim();
    expect((await gitOk(['--git-dir', bare, 'rev-parse', 'refs/heads/feature'])).stdout.trim()).toBe(localHead);

    const b = path.join(root, 'clone-b');
    await gitOk(['clone', '-q', `${base}/repo.git`, b]);
    await writeFile(path.join(a, 'feature.txt'), 'feature 2\n');
    await gitOk(['commit', '-q', '-am', 'more feature work'], a);
    await gitOk(['push', '-q', 'origin', 'feature'], a);
    await gitOk(['fetch', '-q', 'origin'], b);
    const newHead = (await gitOk(['rev-parse', 'HEAD'], a)).stdout.trim();
    expect((await gitOk(['rev-parse', 'origin/feature'], b)).stdout.trim()).toBe(newHead);
    expect(results.every((r) => r.status === 200)).toBe(true);
  });

  it('streams a push larger than http.postBuffer (chunked, no Content-Length)', async () => {
    const c = path.join(root, 'clone-big');
    await gitOk(['clone', '-q', `${base}/repo.git`, c]);
    await writeFile(path.join(c, 'big.bin'), randomBytes(3 * 1024 * 1024));
    await gitOk(['add', '.'], c);
    await gitOk(['commit', '-q', '-m', 'big'], c);
    const r = await gitOk(['-c', 'http.postBuffer=65536', 'push', 'origin', 'HEAD:refs/heads/big'], c, {
      GIT_TRACE_CURL: '1',
      GIT_TRACE_CURL_NO_DATA: '1',
    });
    expect(r.stderr).toMatch(/Transfer-Encoding: chunked/i);
    const head = (await gitOk(['rev-parse', 'HEAD'], c)).stdout.trim();
    expect((await gitOk(['--git-dir', bare, 'rev-parse', 'refs/heads/big'])).stdout.trim()).toBe(head);
  });

  it('answers protocol v0 even when the client asks for v2', async () => {
    const res = await fetch(`${base}/repo.git/info/refs?service=git-upload-pack`, {
      headers: { 'Git-Protocol': 'version=2' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-git-upload-pack-advertisement');
    expect(res.headers.get('x-vss-e2eid')).toBe('e2e-test');
    const body = await res.text();
    expect(body.startsWith('001e# service=git-upload-pack\n0000')).toBe(true);
    expect(body).toContain('multi_ack');
    expect(body).not.toContain('version 2');

    const trace = await gitOk(['-c', 'protocol.version=2', 'ls-remote', `${base}/repo.git`], root, {
      GIT_TRACE_PACKET: '1',
    });
    expect(trace.stdout).toContain('refs/heads/main');
    expect(trace.stderr).not.toContain('git< version 2');
  });

  async function mainOid(): Promise<string> {
    return (await gitOk(['--git-dir', bare, 'rev-parse', 'refs/heads/main'])).stdout.trim();
  }

  async function postUploadPack(body: Buffer, gzip: boolean): Promise<{ status: number; type: string | null; body: Buffer }> {
    const res = await fetch(`${base}/repo.git/git-upload-pack`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-git-upload-pack-request',
        Accept: 'application/x-git-upload-pack-result',
        ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
      },
      body: gzip ? gzipSync(body) : body,
    });
    return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
  }

  it('rejects an upload-pack request without multi_ack with 400 TF401041', async () => {
    const body = Buffer.from(pkt(`want ${await mainOid()} side-band-64k ofs-delta\n`) + '0000' + pkt('done\n'));
    for (const gzip of [false, true]) {
      const r = await postUploadPack(body, gzip);
      expect(r.status).toBe(400);
      expect(r.type).toMatch(/^text\/plain/);
      expect(r.body.toString()).toBe(TF401041_MULTI_ACK);
    }
    expect(results.filter((x) => x.status === 400)).toEqual([
      { service: 'git-upload-pack', status: 400 },
      { service: 'git-upload-pack', status: 400 },
    ]);
  });

  it('serves an upload-pack request with multi_ack_detailed, gzip-encoded or not', async () => {
    const body = Buffer.from(pkt(`want ${await mainOid()} multi_ack_detailed ofs-delta\n`) + '0000' + pkt('done\n'));
    for (const gzip of [false, true]) {
      const r = await postUploadPack(body, gzip);
      expect(r.status).toBe(200);
      expect(r.type).toBe('application/x-git-upload-pack-result');
      expect(r.body.subarray(0, 8).toString()).toBe('0008NAK\n');
      expect(r.body.includes(Buffer.from('PACK'))).toBe(true);
    }
  });

  it('answers 500 when the backend cannot run', async () => {
    const srv = http.createServer((req, res) => {
      void serveSmartHttp({
        req,
        res,
        repoPath: bare,
        service: 'info/refs',
        query: 'service=git-upload-pack',
        remoteUser: 'x',
        httpBackendPath: path.join(root, 'no-such-backend'),
      }).then((x) => results.push(x));
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/`);
      expect(res.status).toBe(500);
      await res.arrayBuffer();
    } finally {
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    }
  });

  it('passes git-http-backend error statuses through', async () => {
    const res = await fetch(`${base}/missing.git/info/refs?service=git-upload-pack`);
    expect(res.status).toBe(404);
    await res.arrayBuffer();
  });
});
