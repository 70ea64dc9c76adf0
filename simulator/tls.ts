import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface SimulatorTls {
  key: string;
  cert: string;
  /** The generated CA's certificate: what a client must trust, like a company CA for an on-premises Server. */
  caFile: string;
}

/**
 * A CA and a server certificate for localhost and 127.0.0.1 signed by it, kept in the state directory so that a
 * client that trusted the CA once keeps trusting the simulator across restarts.
 */
export async function loadOrCreateTls(dir: string): Promise<SimulatorTls> {
  const caFile = path.join(dir, 'ca.pem');
  const keyFile = path.join(dir, 'server-key.pem');
  const certFile = path.join(dir, 'server.pem');
  try {
    const [key, cert] = await Promise.all([readFile(keyFile, 'utf8'), readFile(certFile, 'utf8'), readFile(caFile, 'utf8')]);
    return { key, cert, caFile };
  } catch {
    // Not there yet (or half there): make a new set.
  }
  await mkdir(dir, { recursive: true });
  // Loaded only to make a certificate: node-forge behind it takes a tenth of a second to load.
  const { generate } = await import('selfsigned');
  const notAfterDate = new Date(Date.now() + 5 * 365 * 86_400_000);
  const ca = await generate([{ name: 'commonName', value: 'azdo-connect simulator CA' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  await writeFile(keyFile, server.private, { mode: 0o600 });
  await writeFile(certFile, server.cert);
  await writeFile(caFile, ca.cert);
  return { key: server.private, cert: server.cert, caFile };
}
