// Tokenizes .msd files with the VS Code extension's TextMate grammar (editors/vscode/syntaxes/msd.tmLanguage.json),
// through vscode-textmate and vscode-oniguruma as VS Code itself does, and compares each file's tokens with its approved
// snapshot in snapshots/. Besides the snapshots it checks what the grammar must get right whatever the snapshots say:
// every stage named in `stages { ... }` and after `decoder` is a stage token, and comments, keywords and numbers occur.
//
//   node tokenize.js [FILE.msd ...]            check (default: examples/**/*.msd and tests/Fixtures/TinyModels/*.msd)
//   node tokenize.js --approve [FILE.msd ...]  write the snapshots anew (review the diff before committing it)
//
// Exit code 0 when every file matches, 1 otherwise (with a report of the first differing lines).
'use strict';
const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const repo = path.resolve(__dirname, '..', '..');
// MSD_GRAMMAR points at another grammar file (the tests use it to show that a broken grammar fails the check).
const grammarPath = process.env.MSD_GRAMMAR || path.join(repo, 'editors', 'vscode', 'syntaxes', 'msd.tmLanguage.json');
const snapshots = path.join(__dirname, 'snapshots');

function defaultFiles() {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) { if (entry.name !== 'bin' && entry.name !== 'obj') walk(path.join(dir, entry.name)); }
      else if (entry.name.endsWith('.msd')) found.push(path.join(dir, entry.name));
    }
  };
  walk(path.join(repo, 'examples'));
  walk(path.join(repo, 'tests', 'Fixtures', 'TinyModels'));
  return found.sort();
}

async function loadGrammar() {
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => scopeName === 'source.msd'
      ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath)
      : null,
  });
  return registry.loadGrammar('source.msd');
}

// One line per non-blank token: `line:start-end "text" scopes` (the root scope left out).
function tokenize(grammar, text) {
  const out = [];
  const tokens = [];
  let state = vsctm.INITIAL;
  text.split(/\r\n|\r|\n/).forEach((line, index) => {
    const result = grammar.tokenizeLine(line, state);
    for (const token of result.tokens) {
      const value = line.substring(token.startIndex, token.endIndex);
      if (value.trim() === '') continue;
      const scopes = token.scopes.slice(1);
      tokens.push({ line: index + 1, value, scopes });
      out.push(`${index + 1}:${token.startIndex}-${token.endIndex} ${JSON.stringify(value)} ${scopes.join(' ') || '-'}`);
    }
    state = result.ruleStack;
  });
  return { snapshot: out.join('\n') + '\n', tokens };
}

// Stage names as the compiler reads them: the first word of each line of the stages block, and the word after `decoder`.
function stageNames(text) {
  const block = new Set(), decoders = new Set();
  const code = text.replace(/(\/\/|#).*$/gm, '');
  const stages = /\bstages\b[^{]*\{([^}]*)\}/.exec(code);
  if (stages) for (const line of stages[1].split(/[\n;]/)) { const m = /^\s*([\p{L}_][\p{L}\p{N}_]*)/u.exec(line); if (m) block.add(m[1]); }
  for (const m of code.matchAll(/\bdecoder\s+([\p{L}_][\p{L}\p{N}_]*)/gu)) decoders.add(m[1]);
  return { block, decoders };
}

function checkMeaning(file, text, tokens) {
  const problems = [];
  const { block, decoders } = stageNames(text);
  const isStage = (t) => t.scopes.includes('entity.name.tag.stage.msd');
  const inBlock = (t) => t.scopes.includes('meta.stages.msd');
  const blockTokens = new Set(tokens.filter(t => isStage(t) && inBlock(t)).map(t => t.value));
  const decoderTokens = new Set(tokens.filter(t => isStage(t) && !inBlock(t)).map(t => t.value));
  for (const name of block) if (!blockTokens.has(name)) problems.push(`stage '${name}' is not tokenized as entity.name.tag.stage.msd in the stages block`);
  for (const name of decoders) if (!decoderTokens.has(name)) problems.push(`stage '${name}' is not tokenized as entity.name.tag.stage.msd after decoder`);
  for (const name of [...blockTokens, ...decoderTokens]) if (!block.has(name) && !decoders.has(name)) problems.push(`'${name}' is tokenized as a stage but names none`);
  const has = (prefix) => tokens.some(t => t.scopes.some(s => s.startsWith(prefix)));
  for (const scope of ['keyword.other', 'constant.numeric', 'entity.name.type.model']) if (!has(scope)) problems.push(`no ${scope} token`);
  if (/(\/\/|#)/.test(text) && !has('comment.line')) problems.push('no comment token');
  if (tokens.some(t => t.scopes.includes('invalid.illegal.string.msd'))) problems.push('a string token in a file without strings');
  return problems.map(p => `${path.relative(repo, file)}: ${p}`);
}

function snapshotPath(file) {
  return path.join(snapshots, path.relative(repo, file).split(path.sep).join('__') + '.tokens');
}

function firstDifference(expected, actual) {
  const a = expected.split('\n'), b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++)
    if (a[i] !== b[i]) return `line ${i + 1} of the snapshot:\n  approved: ${a[i] ?? '(none)'}\n  now:      ${b[i] ?? '(none)'}`;
  return '';
}

async function main() {
  const args = process.argv.slice(2);
  const approve = args.includes('--approve');
  const files = args.filter(a => a !== '--approve').map(f => path.resolve(f));
  const grammar = await loadGrammar();
  if (!grammar) throw new Error(`could not load ${grammarPath}`);
  let failed = 0;
  const list = files.length ? files : defaultFiles();
  if (list.length === 0) { console.error('no .msd files found'); process.exit(1); }
  for (const file of list) {
    const text = fs.readFileSync(file, 'utf8');
    const { snapshot, tokens } = tokenize(grammar, text);
    const problems = checkMeaning(file, text, tokens);
    const target = snapshotPath(file);
    if (approve) {
      fs.mkdirSync(snapshots, { recursive: true });
      fs.writeFileSync(target, snapshot);
      console.log(`approved ${path.relative(repo, target)} (${tokens.length} tokens)`);
    } else if (!fs.existsSync(target)) {
      problems.push(`${path.relative(repo, file)}: no approved snapshot ${path.relative(repo, target)} (run: node tokenize.js --approve)`);
    } else {
      const approved = fs.readFileSync(target, 'utf8');
      if (approved !== snapshot) problems.push(`${path.relative(repo, file)}: tokens differ from ${path.relative(repo, target)}, ${firstDifference(approved, snapshot)}`);
    }
    if (problems.length) { failed++; for (const p of problems) console.log(`FAIL ${p}`); }
    else console.log(`ok ${path.relative(repo, file)} (${tokens.length} tokens)`);
  }
  console.log(`${list.length - failed} files match, ${failed} differ`);
  process.exit(failed ? 1 : 0);
}

main().catch(e => { console.error(e); process.exit(1); });
