import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { demoSeed } from './demo-seed.js';
import { referenceProblems } from './seed-references.js';
import { schemaProblems, SeedError, type SeedDocument } from './seed-schema.js';

/**
 * 'demo', 'empty', or a YAML or JSON seed file (by extension; YAML otherwise). The document is checked here, so
 * that mistakes are reported with their line, and relative fromDirectory paths are made absolute against the
 * seed file's own directory.
 */
export async function loadSeed(nameOrFile: string): Promise<SeedDocument> {
  if (nameOrFile === 'demo') return demoSeed();
  if (nameOrFile === 'empty') return {};
  const file = path.resolve(nameOrFile);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new SeedError([`${nameOrFile}: cannot be read (${code}); give 'demo', 'empty' or the path of a YAML or JSON seed file`]);
  }
  const { value, document, lines, parseErrors } = parse(file, text.replace(/^\uFEFF/, ''));
  if (parseErrors.length > 0) throw new SeedError(parseErrors, file);

  const problems = [...schemaProblems(value), ...referenceProblems(value as SeedDocument)];
  if (problems.length > 0) {
    throw new SeedError(
      problems.map((p) => withLine(p, document, lines)),
      file,
    );
  }
  const seed = value as SeedDocument;
  for (const host of [...(seed.organizations ?? []), ...(seed.collections ?? [])]) {
    for (const project of host.projects ?? []) {
      for (const repository of project.repositories ?? []) {
        if (repository.fromDirectory !== undefined) repository.fromDirectory = path.resolve(path.dirname(file), repository.fromDirectory);
      }
    }
  }
  return seed;
}

function parse(file: string, text: string): { value: unknown; document: Document; lines: LineCounter; parseErrors: string[] } {
  const lines = new LineCounter();
  // YAML reads JSON too; for a .json file it only serves to find lines, JSON.parse decides what the file says.
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (path.extname(file).toLowerCase() === '.json') {
    try {
      return { value: JSON.parse(text) as unknown, document, lines, parseErrors: [] };
    } catch (error) {
      return { value: undefined, document, lines, parseErrors: [`not valid JSON: ${(error as Error).message}`] };
    }
  }
  const parseErrors = document.errors.map((e) => {
    const at = lines.linePos(e.pos[0]);
    return `line ${at.line}, column ${at.col}: ${e.message.split('\n')[0]}`;
  });
  return { value: parseErrors.length > 0 ? undefined : (document.toJS() as unknown), document, lines, parseErrors };
}

/** Adds the line of the field a problem names, or of its nearest existing parent (a missing field has none). */
function withLine(problem: string, document: Document, lines: LineCounter): string {
  const separator = problem.indexOf(': ');
  const segments = pathSegments(problem.slice(0, separator));
  if (separator < 0 || segments === undefined) return problem;
  for (let n = segments.length; n >= 0; n--) {
    const node = document.getIn(segments.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return `${problem} (line ${lines.linePos(node.range[0]).line})`;
  }
  return problem;
}

/** organizations[0].projects[1]["/a.txt"] back to ['organizations', 0, 'projects', 1, '/a.txt']. */
function pathSegments(fieldPath: string): Array<string | number> | undefined {
  const segments: Array<string | number> = [];
  const pattern = /\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let at = 0;
  while (at < fieldPath.length) {
    pattern.lastIndex = at;
    const m = pattern.exec(fieldPath);
    if (!m) return undefined;
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push(JSON.parse(m[3] as string) as string);
    at = pattern.lastIndex;
  }
  return segments;
}
