// Writes a snapshot by driving the TarFilter (tar-filter.ts) over `git archive --format=tar` output into Node's gzip,
// which compresses on the thread pool while git builds the tar. In a planned pass each submodule's own archive is
// spliced in where its link was.
import type { SnapshotOutput } from './snapshot-output.js';
import { TarFilter, type FilterContext } from './tar-filter.js';

/**
 * Copies the root's archive through the filter into `output`; returns its filter. With `ctx.links`, each included
 * submodule's archive is spliced in at its link; without, a submodule link stops the copy (NeedsPlan). `progress`
 * runs after each chunk of input (tens of files), not after each file.
 */
export async function copyFiltered(
  ctx: FilterContext,
  output: SnapshotOutput,
  open: (gitDir: string, commit: string, prefix?: string) => AsyncIterable<Buffer>,
  root: { gitDir: string; commit: string },
  progress?: () => void,
): Promise<TarFilter> {
  const flush = (): Promise<void> => output.writeAll(ctx.out.take());
  const run = async (stream: AsyncIterable<Buffer>, filter: TarFilter): Promise<void> => {
    for await (const chunk of stream) {
      let rest = chunk;
      for (;;) {
        const { used, splice } = filter.feed(rest);
        await flush();
        if (!splice) break;
        const child = new TarFilter(ctx, splice.path, () => filter.writeFolders());
        await run(open(splice.link.gitDir, splice.link.commit, splice.path), child);
        splice.link.files = child.files;
        rest = rest.subarray(used);
      }
      progress?.();
    }
    filter.end();
    await flush();
  };
  const filter = new TarFilter(ctx, '');
  await run(open(root.gitDir, root.commit), filter);
  return filter;
}
