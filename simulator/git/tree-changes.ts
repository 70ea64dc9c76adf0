import { GitRepoError } from './git-repo-error.js';
import type { GitChange } from './git-types.js';
import { toGitPath } from './repo-input.js';

/** One index entry of the parent tree, as `git ls-files -s` reports it. */
export interface IndexEntry {
  mode: string;
  objectId: string;
}

/** An entry to write: an existing object (a rename keeps its blob) or new content still to be hashed. */
export type PlannedEntry = { mode: string; objectId: string } | { mode: string; content: Buffer };

export interface TreePlan {
  removals: string[];
  writes: Array<{ path: string; entry: PlannedEntry }>;
}

/** Changes with paths in git's form, checked once so that the planner and the pathspec agree. */
export type NormalizedChange =
  | { changeType: 'add' | 'edit'; path: string; content: Buffer }
  | { changeType: 'delete'; path: string }
  | { changeType: 'rename'; sourcePath: string; path: string };

export function normalizeChanges(changes: readonly GitChange[]): NormalizedChange[] {
  return changes.map((c) => {
    switch (c.changeType) {
      case 'add':
      case 'edit':
        if (!Buffer.isBuffer(c.content)) {
          throw new GitRepoError('invalidArgument', `The ${c.changeType} of "${c.path}" has no content buffer.`, c.path);
        }
        return { changeType: c.changeType, path: toGitPath(c.path), content: c.content };
      case 'delete':
        return { changeType: 'delete', path: toGitPath(c.path) };
      case 'rename':
        return { changeType: 'rename', sourcePath: toGitPath(c.sourcePath), path: toGitPath(c.path) };
      default:
        throw new GitRepoError('invalidArgument', `Unknown change type "${(c as { changeType: string }).changeType}".`);
    }
  });
}

/** Every path whose current entries (itself, or files below it when it is a folder) the planner must know. */
export function involvedPaths(changes: readonly NormalizedChange[]): string[] {
  const paths = new Set<string>();
  for (const c of changes) {
    paths.add(c.path);
    if (c.changeType === 'rename') paths.add(c.sourcePath);
  }
  return [...paths];
}

/**
 * Applies the changes in order to the involved part of the parent tree and returns the index edits.
 * Folders are implicit in git, so deleting or renaming a folder acts on every file below it, as in an
 * Azure DevOps push.
 */
export function planTreeChanges(existing: ReadonlyMap<string, IndexEntry>, changes: readonly NormalizedChange[]): TreePlan {
  const state = new Map<string, PlannedEntry>(existing);
  const below = (p: string): string[] => [...state.keys()].filter((k) => k.startsWith(`${p}/`));
  const occupied = (p: string): boolean => state.has(p) || below(p).length > 0;

  for (const c of changes) {
    switch (c.changeType) {
      case 'add':
        if (occupied(c.path)) throw exists(c.path);
        state.set(c.path, { mode: '100644', content: c.content });
        break;
      case 'edit': {
        const current = state.get(c.path);
        if (!current) throw notFound(c.path);
        // A submodule link has no content to edit; writing content turns it into a plain file.
        state.set(c.path, { mode: current.mode === '160000' ? '100644' : current.mode, content: c.content });
        break;
      }
      case 'delete':
        if (state.has(c.path)) state.delete(c.path);
        else {
          const files = below(c.path);
          if (files.length === 0) throw notFound(c.path);
          for (const f of files) state.delete(f);
        }
        break;
      case 'rename': {
        if (occupied(c.path)) throw exists(c.path);
        const moved = state.has(c.sourcePath) ? [c.sourcePath] : below(c.sourcePath);
        if (moved.length === 0) throw notFound(c.sourcePath);
        for (const from of moved) {
          const entry = state.get(from) as PlannedEntry;
          state.delete(from);
          state.set(c.path + from.slice(c.sourcePath.length), entry);
        }
        break;
      }
    }
  }

  const removals = [...existing.keys()].filter((p) => !state.has(p));
  const writes: TreePlan['writes'] = [];
  for (const [p, entry] of state) {
    if (existing.get(p) !== entry) writes.push({ path: p, entry });
  }
  return { removals, writes };
}

function exists(p: string): GitRepoError {
  return new GitRepoError('itemExists', `An item already exists at "/${p}".`, `/${p}`);
}

function notFound(p: string): GitRepoError {
  return new GitRepoError('itemNotFound', `No item exists at "/${p}".`, `/${p}`);
}
