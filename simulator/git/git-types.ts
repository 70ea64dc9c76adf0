/** Shapes the simulator's git layer speaks in; field names follow Azure DevOps' REST resources. */

export interface GitIdentity {
  name: string;
  email: string;
  date: Date;
}

export interface GitCommitInfo {
  commitId: string;
  treeId: string;
  parents: string[];
  author: GitIdentity;
  committer: GitIdentity;
  comment: string;
}

/** `peeledObjectId` is set only for annotated tags: the object the tag points to. */
export interface GitRefInfo {
  name: string;
  objectId: string;
  peeledObjectId?: string;
}

/**
 * `path` is rooted like Azure DevOps item paths ("/src/a.ts", "/" for the root); `mode` is octal as stored in
 * git trees ("100644", "40000"), the form the trees API shows; `size` is known for blobs only.
 */
export interface GitTreeEntry {
  path: string;
  objectId: string;
  gitObjectType: 'blob' | 'tree' | 'commit';
  mode: string;
  size?: number;
}

/** Paths as Azure DevOps writes them ("/src/a.ts"; the leading slash is optional). Changes apply in order. */
export type GitChange =
  | { changeType: 'add' | 'edit'; path: string; content: Buffer }
  | { changeType: 'delete'; path: string }
  | { changeType: 'rename'; sourcePath: string; path: string };

export interface CommitLogQuery {
  /** Commit id, branch ("main" or "refs/heads/main") or tag; default HEAD. */
  ref?: string;
  skip?: number;
  top?: number;
  /** Case-insensitive substring of the author's name or e-mail. */
  author?: string;
  /** Committer date bounds, both inclusive (git keeps whole seconds). */
  fromDate?: Date;
  toDate?: Date;
  /** Only commits that touch this path (file or folder). */
  itemPath?: string;
  /** Excluded together with its ancestors. */
  fromCommitId?: string;
  /** Where the walk starts; takes the place of `ref`. */
  toCommitId?: string;
  /** Exactly these commits (unknown ids are skipped); other filters still apply. */
  ids?: string[];
  oldestFirst?: boolean;
}

export interface RefUpdate {
  name: string;
  newObjectId: string;
  /** 40 zeros: the ref must not exist yet. Absent: no check. */
  oldObjectId?: string;
}

export type MergeResult = { commitId: string } | { conflict: true; conflictPaths: string[] };

export const ZERO_ID = '0000000000000000000000000000000000000000';
