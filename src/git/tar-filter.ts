// The snapshot's filter over `git archive`'s tar stream, as a synchronous state machine fed chunk by chunk: entries
// pass through byte for byte or are skipped, and nothing but headers is decoded. Synchronous because it runs once per
// entry of trees with hundreds of thousands of files; the async parts (reading, writing, splicing in a submodule's
// archive) are the driver's (snapshot-copy.ts).
//
// Given no rules and no submodule links (the first pass over a root archive), it learns the rules from `.azdoignore`
// as the archive streams by: the name sorts before nearly every other at the root, so the few entries ahead of it are
// held until it appears, or until a later name shows it cannot. A submodule stops such a pass (NeedsPlan).
//
// Rules it applies: what `.azdoignore` names is skipped; a folder is written only once something in it is (a folder
// whose every file is left out disappears, as from a checkout); a submodule link, which git archives as an empty
// folder, is replaced by its own archive (the driver splices it in), left out, or kept empty when missing.
import type { Ignore } from 'ignore';
import { IGNORE_FILE, ignoreRules } from './snapshot-tree.js';
import { BLOCK, number, padded, paxRecords, text, type PieceList } from './tar-blocks.js';


/** What to do with the submodule link at a path. */
export type LinkPlan = { status: 'included'; gitDir: string; commit: string; files: number } | { status: 'ignored' } | { status: 'missing' };

/**
 * A pass that was not given the submodule links met one (or a `.gitmodules`), or more bytes ahead of `.azdoignore`
 * than it would hold in memory: only a planned pass handles these.
 */
export class NeedsPlan extends Error {
  constructor(readonly why: string) {
    super(why);
  }
}

/** Shared by a root archive's filter and its submodules' filters: one output, one count. */
export interface FilterContext {
  out: PieceList;
  /** Learn the rules from the archive's own `.azdoignore` (the first pass; `rules` is then unset). */
  discover: boolean;
  rules?: Ignore;
  /** Every submodule link by path (no trailing '/'); absent in the first pass, which then stops at any link. */
  links?: Map<string, LinkPlan>;
  files: number;
  skipped: number;
  /** Files and symbolic links read so far, written or left out: what progress counts. */
  seen: number;
}

export interface Splice {
  path: string;
  link: Extract<LinkPlan, { status: 'included' }>;
}

interface Folder {
  path: string;
  header: Buffer[];
  /** Any entry at all came below it: a folder without any is a submodule link (or an empty tree). */
  sawChild: boolean;
  ignored: boolean;
  written: boolean;
}

/** Bytes the first pass may hold while it waits to learn whether `.azdoignore` exists. */
export const READ_AHEAD_LIMIT = 8 * 1024 * 1024;

interface Entry {
  name: string;
  type: string;
  size: number;
  header: Buffer[];
}

export class TarFilter {
  /** Files this archive wrote itself (a submodule's own count). */
  files = 0;
  /** The first pass found `.azdoignore` at the root. */
  foundIgnoreFile = false;

  readonly #folders: Folder[] = [];
  #started = false;
  // Parsing.
  #block: Buffer[] = [];
  #blockBytes = 0;
  #header: Buffer[] = [];
  #pax: Map<string, string> | undefined;
  /** Bytes of the current entry's data (padded) still to come, and what to do with them. */
  #left = 0;
  #mode: 'pass' | 'skip' | 'hold' | 'pax' = 'skip';
  #held: Buffer[] = [];
  #entry: Entry | undefined;
  #ended = false;
  #settled: boolean;
  #queue: Array<{ entry: Entry; body: Buffer }> = [];
  #queued = 0;

  constructor(
    private readonly ctx: FilterContext,
    /** "" for the root archive; a submodule's path with '/', which its own first entry repeats. */
    private readonly prefix: string,
    /** For a submodule: writes the enclosing archive's pending folders, once something inside needs them. */
    private readonly beforeFirstWrite?: () => void,
  ) {
    this.#settled = !ctx.discover || prefix !== '';
  }

  /**
   * Takes a chunk; returns how much of it was used: all of it, or less when a submodule must be spliced in before
   * the rest (the driver copies the submodule's archive, then feeds the rest).
   */
  feed(chunk: Buffer): { used: number; splice?: Splice } {
    let at = 0;
    while (at < chunk.length && !this.#ended) {
      if (this.#left > 0) {
        const piece = chunk.subarray(at, at + Math.min(this.#left, chunk.length - at));
        at += piece.length;
        this.#left -= piece.length;
        if (this.#mode === 'pass') this.#emit(piece);
        else if (this.#mode === 'hold' || this.#mode === 'pax') this.#held.push(piece);
        if (this.#left === 0) this.#bodyDone();
        continue;
      }
      const need = BLOCK - this.#blockBytes;
      const piece = chunk.subarray(at, at + need);
      at += piece.length;
      if (piece.length < need || this.#blockBytes > 0) {
        this.#block.push(piece);
        this.#blockBytes += piece.length;
        if (this.#blockBytes < BLOCK) continue;
      }
      const block = this.#blockBytes > 0 ? Buffer.concat(this.#block, BLOCK) : piece;
      this.#block = [];
      this.#blockBytes = 0;
      const splice = this.#headerBlock(block);
      if (splice) return { used: at, splice };
    }
    return { used: chunk.length };
  }

  /** The archive ended: folders still open are closed (an empty one is a submodule link, which stops a pass without links). */
  end(): void {
    this.#settle();
    this.#leaveFoldersNotAbove('');
  }

  #headerBlock(block: Buffer): Splice | undefined {
    // End of archive: a zero block (an empty name and no checksum is enough to tell).
    if (block[0] === 0 && block[148] === 0) {
      this.#ended = true;
      return undefined;
    }
    const type = String.fromCharCode(block[156] || 0x30);
    const size = number(block, 124, 12);
    this.#header.push(block);
    if (type === 'x') {
      this.#mode = 'pax';
      this.#left = padded(size);
      this.#entry = { name: '', type, size, header: this.#header };
      if (this.#left === 0) this.#bodyDone();
      return undefined;
    }
    const prefix = block[257] === 0x75 /* "ustar" */ ? text(block, 345, 155) : '';
    const short = text(block, 0, 100);
    const name = this.#pax?.get('path') ?? (prefix === '' ? short : `${prefix}/${short}`);
    const paxSize = this.#pax?.get('size');
    const entry: Entry = { name, type, size: paxSize !== undefined ? Number(paxSize) : size, header: this.#header };
    this.#header = [];
    this.#pax = undefined;
    this.#left = padded(entry.size);
    if (!this.#settled) {
      // Held too: the output starts with git's global header, and the rules may not be known before it goes out.
      if (type === 'g' || (name === IGNORE_FILE && type === '0')) return this.#hold(entry);
      // git lists a tree's entries in byte order of their names: a later name means the file is not there.
      if (name.split('/')[0]! > IGNORE_FILE) this.#settle();
      else return this.#hold(entry);
    }
    return this.#decide(entry);
  }

  #hold(entry: Entry): undefined {
    this.#entry = entry;
    this.#mode = 'hold';
    if (this.#left === 0) this.#bodyDone();
    return undefined;
  }

  #bodyDone(): void {
    const entry = this.#entry;
    const held = this.#held;
    this.#held = [];
    this.#entry = undefined;
    const mode = this.#mode;
    this.#mode = 'skip';
    if (!entry) return;
    if (mode === 'pax') {
      this.#pax = paxRecords(Buffer.concat(held).subarray(0, entry.size));
      this.#header = entry.header;
    } else if (mode === 'hold') {
      const body = Buffer.concat(held);
      this.#queue.push({ entry, body });
      this.#queued += body.length;
      if (entry.name === IGNORE_FILE) {
        this.ctx.rules = ignoreRules(body.subarray(0, entry.size).toString('utf8'));
        this.foundIgnoreFile = true;
        this.#settle();
      } else if (this.#queued > READ_AHEAD_LIMIT) {
        throw new NeedsPlan(`more than ${READ_AHEAD_LIMIT} bytes come before ${IGNORE_FILE}`);
      }
    }
  }

  /** From now on the rules are what they are: the held entries go through them, in order. */
  #settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    const left = this.#left;
    for (const { entry, body } of this.#queue.splice(0)) {
      this.#left = 0;
      // Neither a link (a pass without links stops at it) nor a splice can come out of a held entry.
      this.#decide(entry, body);
    }
    this.#left = left;
  }

  /** What becomes of an entry: written, skipped, or a submodule to splice in. With `body`, its data is at hand. */
  #decide(entry: Entry, body?: Buffer): Splice | undefined {
    if (entry.type === 'g') {
      // The root's global header names the commit; a submodule's would rename it for every entry after it.
      const root = this.prefix === '';
      if (root) this.#emitAll(entry.header);
      return this.#data(root, body);
    }
    const isDir = entry.type === '5';
    const path = isDir && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name;
    this.#leaveFoldersNotAbove(path);
    const parent = this.#folders.length > 0 ? this.#folders[this.#folders.length - 1] : undefined;
    if (parent) parent.sawChild = true;
    const rules = this.ctx.rules;
    const ignored = (parent?.ignored ?? false) || (rules !== undefined && rules.ignores(path));
    if (isDir) {
      const link = path === this.prefix || this.ctx.links === undefined ? undefined : this.ctx.links.get(path.slice(0, -1));
      if (link?.status === 'ignored') {
        this.ctx.skipped++;
        return this.#data(false, body);
      }
      if (link?.status === 'missing') {
        // As git archive leaves it: an empty folder.
        this.#writeFolders();
        this.#emitAll(entry.header);
        return this.#data(false, body);
      }
      if (link?.status === 'included') return { path, link };
      this.#folders.push({ path, header: entry.header, sawChild: false, ignored, written: false });
      return this.#data(false, body);
    }
    if (this.ctx.links === undefined && path === '.gitmodules') throw new NeedsPlan('the commit has submodules');
    this.ctx.seen++;
    if (ignored) {
      this.ctx.skipped++;
      return this.#data(false, body);
    }
    this.#writeFolders();
    this.#emitAll(entry.header);
    this.files++;
    this.ctx.files++;
    return this.#data(true, body);
  }

  /** The entry's data: written or not, now (when at hand) or as it streams in. */
  #data(write: boolean, body: Buffer | undefined): undefined {
    if (body === undefined) this.#mode = write ? 'pass' : 'skip';
    else if (write) this.#emit(body);
    return undefined;
  }

  #leaveFoldersNotAbove(path: string): void {
    for (let top = this.#folders.at(-1); top && !path.startsWith(top.path); top = this.#folders.at(-1)) {
      this.#folders.pop();
      if (top.sawChild) continue;
      if (this.ctx.links === undefined) throw new NeedsPlan('the commit has a submodule link');
      // An empty tree, which git can hold but never makes itself: kept, as git archive keeps it.
      if (!top.ignored) {
        this.#writeFolders();
        this.#emitAll(top.header);
      }
    }
  }

  /** Writes the folders above what is about to be written, for a submodule's first file too. */
  writeFolders(): void {
    this.#writeFolders();
  }

  #writeFolders(): void {
    for (const folder of this.#folders) {
      if (folder.written || folder.ignored) continue;
      folder.written = true;
      this.#emitAll(folder.header);
    }
  }

  #emitAll(pieces: Buffer[]): void {
    for (const piece of pieces) this.#emit(piece);
  }

  #emit(piece: Buffer): void {
    if (!this.#started) {
      this.#started = true;
      this.beforeFirstWrite?.();
    }
    this.ctx.out.push(piece);
  }
}
