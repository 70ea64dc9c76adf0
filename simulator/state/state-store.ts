import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { emptyState, type SimulatorState } from './model.js';

/**
 * Holds the state in memory and writes it to `state.json` after every change. The write goes to a temporary file
 * that is fsynced and renamed over the old one, so a crash at any point leaves either the old or the new state,
 * never a torn file.
 */
export class StateStore {
  private writing: Promise<void> = Promise.resolve();
  /** Bumped by every change, so caches of derived answers can tell they are out of date. */
  version = 0;
  private dirty = false;

  private constructor(
    readonly dir: string,
    public state: SimulatorState,
  ) {}

  static async open(dir: string): Promise<StateStore> {
    await mkdir(path.join(dir, 'repos'), { recursive: true });
    const file = path.join(dir, 'state.json');
    let state: SimulatorState;
    try {
      state = JSON.parse(await readFile(file, 'utf8')) as SimulatorState;
      if (state.version !== 1) throw new Error(`unsupported state version ${String(state.version)}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`The simulator state in ${file} cannot be read: ${(error as Error).message}`, { cause: error });
      }
      state = emptyState(randomUUID());
    }
    await rm(path.join(dir, 'state.json.tmp'), { force: true });
    const store = new StateStore(dir, state);
    await store.save();
    return store;
  }

  get file(): string {
    return path.join(this.dir, 'state.json');
  }

  reposDir(): string {
    return path.join(this.dir, 'repos');
  }

  /**
   * Applies a change and persists it. The change runs synchronously against the in-memory state, so concurrent
   * requests see each other's changes in order; writes are coalesced so a burst of changes costs one write.
   */
  async mutate<T>(change: (state: SimulatorState) => T): Promise<T> {
    const result = change(this.state);
    await this.save();
    return result;
  }

  save(): Promise<void> {
    this.version += 1;
    this.dirty = true;
    // A failed write must not poison every later one: each write starts from the last, whatever its outcome.
    this.writing = this.writing.catch(() => undefined).then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const tmp = `${this.file}.tmp`;
      const handle = await open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(JSON.stringify(this.state));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, this.file);
    });
    return this.writing;
  }

  async close(): Promise<void> {
    await this.writing;
  }
}
