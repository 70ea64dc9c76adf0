// The failures of writing a snapshot that users can cause, each with a code docs/errors.md explains.
import { AzdoError } from '../errors/azdo-error.js';

export const SnapshotErrorCodes = {
  /** A submodule lives in another organization or collection (or outside Azure DevOps) and no connection reaches it. */
  submoduleOtherOrganization: 'AZDO_SUBMODULE_OTHER_ORGANIZATION',
  /** A submodule in reach could not be fetched, or its pinned commit is not in it. */
  submoduleFetchFailed: 'AZDO_SUBMODULE_FETCH_FAILED',
  /** A submodule link with no `.gitmodules` entry: nothing says where its repository is. */
  submoduleNotConfigured: 'AZDO_SUBMODULE_NOT_CONFIGURED',
  /** The commit to snapshot is not in the repository (the code repository reads use for a missing tag or commit). */
  versionNotFound: 'AZDO_VERSION_NOT_FOUND',
  outputUnwritable: 'AZDO_SNAPSHOT_OUTPUT_UNWRITABLE',
  diskFull: 'AZDO_DISK_FULL',
} as const;

const C = SnapshotErrorCodes;

export function commitNotInRepository(commit: string): AzdoError {
  return new AzdoError(
    C.versionNotFound,
    `Commit ${commit} is not in the repository.`,
    'Give a branch, a tag or a full commit id that was pushed; fetch the repository again if it was pushed just now.',
    { version: { type: 'commit', value: commit } },
  );
}

/** The write of the archive failed for a reason of the file system, which the user can fix. */
export function outputFailure(error: unknown, out: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AzdoError(C.diskFull, `The disk filled up while writing ${out}; no archive was left behind.`, 'Free some space on that disk, or write the archive to another one with --out.', {
      field: 'out',
    });
  }
  const why: Record<string, string> = {
    ENOENT: 'its folder does not exist',
    ENOTDIR: 'a part of its folder is a file',
    EACCES: 'permission was denied',
    EPERM: 'permission was denied',
    EISDIR: 'it is a folder',
    EROFS: 'the file system is read-only',
  };
  if (code !== undefined && why[code] !== undefined) {
    return new AzdoError(C.outputUnwritable, `Cannot write the archive to ${out}: ${why[code]}.`, 'Give --out a file path in an existing folder you may write to.', { field: 'out' });
  }
  return error;
}

export interface MissingSubmodule {
  path: string;
  url: string;
  code: string;
  reason: string;
  hint?: string;
}

/** Every submodule that could not be included, at once: fixing them one run at a time would be tedious. */
export function submodulesMissing(missing: readonly MissingSubmodule[]): AzdoError {
  const first = missing[0]!;
  const sameCode = missing.every((m) => m.code === first.code);
  const list = missing.map((m) => `${m.path} (${m.reason})`).join('; ');
  const what = missing.length === 1 ? `Submodule ${list} could not be included` : `${missing.length} submodules could not be included: ${list}`;
  const allow = 'or pass --allow-missing-submodules to write the snapshot with those folders left empty';
  const hint = sameCode && first.hint ? `${first.hint.replace(/\.$/, '')}, ${allow}.` : `Fix each as its reason says, ${allow}.`;
  return new AzdoError(sameCode ? first.code : C.submoduleFetchFailed, `${what}; no archive was written.`, hint, {
    submodules: missing.map(({ path, url, code, reason }) => ({ path, url, code, reason })),
  });
}
