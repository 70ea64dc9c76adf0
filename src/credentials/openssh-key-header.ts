/**
 * The unencrypted head of an `openssh-key-v1` private key (PROTOCOL.key in OpenSSH): cipher, KDF and the public
 * key. Reading it first tells the key type and size of an encrypted key without its passphrase, so an Ed25519 or
 * short key is refused before the user is asked for a passphrase that would not help.
 */
export interface OpenSshKeyHeader {
  cipher: string;
  kdf: string;
  /** The first public key, in SSH wire format (RFC 4253 §6.6). */
  publicKeyBlob: Buffer;
  /** `ssh-rsa`, `ssh-ed25519`, `ecdsa-sha2-nistp256`, ... */
  keyType: string;
}

const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');

/** Reads SSH wire-format strings (uint32 length + bytes); throws a RangeError when the data runs out. */
export class SshWireReader {
  private offset = 0;

  constructor(private readonly buf: Buffer) {}

  uint32(): number {
    if (this.offset + 4 > this.buf.length) throw new RangeError('truncated SSH data');
    const value = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  bytes(): Buffer {
    const length = this.uint32();
    if (this.offset + length > this.buf.length) throw new RangeError('truncated SSH data');
    const value = this.buf.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  string(): string {
    return this.bytes().toString('latin1');
  }

  get atEnd(): boolean {
    return this.offset === this.buf.length;
  }
}

/** Undefined when `der` is not an openssh-key-v1 structure. */
export function readOpenSshKeyHeader(der: Buffer): OpenSshKeyHeader | undefined {
  if (der.length < MAGIC.length || !der.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  try {
    const r = new SshWireReader(der.subarray(MAGIC.length));
    const cipher = r.string();
    const kdf = r.string();
    r.bytes(); // KDF options: salt and rounds
    const count = r.uint32();
    if (count < 1) return undefined;
    const publicKeyBlob = r.bytes();
    const keyType = new SshWireReader(publicKeyBlob).string();
    return { cipher, kdf, publicKeyBlob, keyType };
  } catch {
    return undefined;
  }
}
