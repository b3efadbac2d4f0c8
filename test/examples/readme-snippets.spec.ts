import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import ts from 'typescript';

const root = process.cwd();

/** A fenced TypeScript block of the README, with the line its code starts on. */
interface Snippet {
  readonly line: number;
  readonly code: string;
}

/** Every ```ts block of README.md, in order. */
export function readmeSnippets(markdown: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    if (lines[i].trim() !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== '```') end += 1;
    snippets.push({ line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return snippets;
}

const snippets = readmeSnippets(readFileSync(join(root, 'README.md'), 'utf8'));
const folder = join(root, 'dist', 'readme-snippets');

describe('README TypeScript snippets compile as written', () => {
  after(() => rmSync(folder, { recursive: true, force: true }));

  test('the README has TypeScript snippets', () => {
    assert.ok(snippets.length >= 10, `found ${snippets.length}`);
  });

  test('every snippet is a module that type-checks with only its own imports', () => {
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    const files = snippets.map((snippet) => {
      const file = join(folder, `readme-line-${snippet.line}.ts`);
      writeFileSync(file, snippet.code);
      return { file, snippet };
    });
    const parsed = ts.parseJsonConfigFileContent(
      ts.readConfigFile(join(root, 'tsconfig.json'), (path) => ts.sys.readFile(path)).config,
      ts.sys,
      root,
    );
    const program = ts.createProgram(
      files.map((entry) => entry.file),
      { ...parsed.options, noEmit: true, incremental: false, tsBuildInfoFile: undefined },
    );
    const problems: string[] = [];
    for (const { file, snippet } of files) {
      const source = program.getSourceFile(file);
      assert.ok(source, file);
      if (!ts.isExternalModule(source)) {
        problems.push(`README.md:${snippet.line}: not a module (no import or export)`);
      }
      const diagnostics = [
        ...program.getSyntacticDiagnostics(source),
        ...program.getSemanticDiagnostics(source),
      ];
      for (const diagnostic of diagnostics) {
        const at = diagnostic.start ?? 0;
        const { line } = source.getLineAndCharacterOfPosition(at);
        const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
        problems.push(`README.md:${snippet.line + line}: ${text}`);
      }
    }
    assert.deepEqual(problems, [], `${relative(root, folder)}: ${problems.length} problems`);
  });
});
