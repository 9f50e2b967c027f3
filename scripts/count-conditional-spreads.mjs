// Counts conditional spreads — `...(x === undefined ? {} : { x })`, `...(c ? { a } : {})`,
// `...(c && { a })` — in the TypeScript files git tracks under the given folders (issue 14: optional
// inputs are declared `?: T | undefined` and passed directly instead).
//   node scripts/count-conditional-spreads.mjs src [--files]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import process from 'node:process';
import ts from 'typescript';

const folders = process.argv.slice(2).filter((argument) => !argument.startsWith('--'));
const files = execFileSync('git', ['ls-files', '--', ...folders], { encoding: 'utf8' })
  .split('\n')
  .filter((file) => file.endsWith('.ts'));
const unwrap = (node) => (ts.isParenthesizedExpression(node) ? unwrap(node.expression) : node);
const isEmptyObject = (node) =>
  ts.isObjectLiteralExpression(unwrap(node)) && unwrap(node).properties.length === 0;
const isConditionalSpread = (node) => {
  const inner = unwrap(node.expression);
  if (ts.isConditionalExpression(inner))
    return isEmptyObject(inner.whenTrue) || isEmptyObject(inner.whenFalse);
  return ts.isBinaryExpression(inner) && inner.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken;
};
const perFile = new Map();
for (const file of files) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isSpreadAssignment(node) && isConditionalSpread(node))
      perFile.set(file, (perFile.get(file) ?? 0) + 1);
    ts.forEachChild(node, visit);
  };
  visit(source);
}
process.stdout.write(`${[...perFile.values()].reduce((sum, count) => sum + count, 0)}\n`);
if (process.argv.includes('--files'))
  for (const [file, count] of [...perFile].sort((a, b) => b[1] - a[1]))
    process.stdout.write(`${count} ${file}\n`);
