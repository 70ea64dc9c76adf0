// A file's bytes in JSON, the same for the CLI's --json and the API: as text when they are valid UTF-8 without NUL,
// else base64.
import type { FileContent } from './repository-reads.js';

export interface FileContentJson {
  path: string;
  objectId: string;
  commitId: string;
  size: number;
  encoding: 'utf8' | 'base64';
  content: string;
}

export function fileContentJson(file: FileContent): FileContentJson {
  const text = file.content.toString('utf8');
  const isText = !text.includes('\0') && Buffer.from(text, 'utf8').equals(file.content);
  return {
    path: file.path,
    objectId: file.objectId,
    commitId: file.commitId,
    size: file.content.length,
    encoding: isText ? 'utf8' : 'base64',
    content: isText ? text : file.content.toString('base64'),
  };
}
