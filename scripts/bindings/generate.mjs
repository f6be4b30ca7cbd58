// Generates the typed Nethereum bindings in src/Protocol.Core/Contracts/Generated/ from forge's build
// output (contracts/out), so the C# side can never drift from the deployed ABI unnoticed:
//   node scripts/bindings/generate.mjs           write the bindings
//   node scripts/bindings/generate.mjs --check   exit 1 when the committed bindings differ (run by the tests)
// For each contract: the ABI as a constant, one FunctionMessage per function, one output DTO per
// function that returns a tuple or several values, one event DTO per event, one error DTO per custom
// error, and one class per Solidity struct. Run `forge build` first.
import { readFileSync, writeFileSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(root, 'src', 'Protocol.Core', 'Contracts', 'Generated');
const contracts = ['FeedbackMarket', 'OracleRegistry', 'TestToken'];
const check = process.argv.includes('--check');

const pascal = (s) => s.replace(/^_+|_+$/g, '').replace(/(^|_)([a-z0-9])/g, (_, __, c) => c.toUpperCase());

function csType(param, structs) {
  const { type } = param;
  const array = type.match(/^(.*)\[(\d*)\]$/);
  if (array) return `List<${csType({ ...param, type: array[1], internalType: param.internalType?.replace(/\[\d*\]$/, '') }, structs)}>`;
  if (type === 'tuple') return structName(param, structs);
  if (type === 'address' || type === 'string') return 'string';
  if (type === 'bool') return 'bool';
  if (type.startsWith('bytes')) return 'byte[]';
  const int = type.match(/^(u?)int(\d+)$/);
  if (int) {
    const bits = Number(int[2]);
    const unsigned = int[1] === 'u';
    if (bits <= 8) return unsigned ? 'byte' : 'sbyte';
    if (bits <= 16) return unsigned ? 'ushort' : 'short';
    if (bits <= 32) return unsigned ? 'uint' : 'int';
    if (bits <= 64) return unsigned ? 'ulong' : 'long';
    return 'BigInteger';
  }
  throw new Error(`unsupported ABI type ${type}`);
}

function structName(param, structs) {
  const name = param.internalType.replace(/^struct /, '').replace(/\[\d*\]$/, '').split('.').pop();
  if (!structs.has(name)) {
    structs.set(name, null); // reserve before recursing (nested structs)
    structs.set(name, param.components.map((c) => ({ ...c, cs: csType(c, structs) })));
  }
  return name;
}

function parameters(list, structs, { indexed = false } = {}) {
  return list
    .map((p, i) => {
      const name = p.name || `returnValue${i + 1}`;
      const abiType = p.type;
      const attr = indexed ? `[Parameter("${abiType}", "${name}", ${i + 1}, ${p.indexed ? 'true' : 'false'})]` : `[Parameter("${abiType}", "${name}", ${i + 1})]`;
      const cs = csType(p, structs);
      const init = cs === 'string' ? ' = "";' : cs === 'byte[]' ? ' = [];' : cs.startsWith('List<') ? ' = [];' : cs === 'bool' || /^(byte|sbyte|short|ushort|int|uint|long|ulong|BigInteger)$/.test(cs) ? '' : ' = new();';
      return `    ${attr}\n    public ${cs} ${pascal(name)} { get; set; }${init}`;
    })
    .join('\n\n');
}

function render(contract, abi) {
  const structs = new Map();
  const parts = [];
  const names = new Map();
  const unique = (base) => {
    const n = (names.get(base) ?? 0) + 1;
    names.set(base, n);
    return n === 1 ? base : `${base}${n}`;
  };
  for (const f of abi.filter((x) => x.type === 'function')) {
    const cls = unique(`${pascal(f.name)}Function`);
    const ret = f.outputs.length === 1 && f.outputs[0].type !== 'tuple' ? `, "${f.outputs[0].type}"` : '';
    const body = parameters(f.inputs, structs);
    parts.push(`/// <summary><c>${f.name}(${f.inputs.map((i) => i.type).join(',')})</c>, ${f.stateMutability}.</summary>\n[Function("${f.name}"${ret})]\npublic sealed class ${cls} : FunctionMessage\n{\n${body}\n}`);
    if (f.outputs.length > 1 || (f.outputs.length === 1 && f.outputs[0].type === 'tuple')) {
      const outCls = cls.replace(/Function$/, 'Output');
      // A single return value is always ReturnValue1: implementation-side names (`c`, `s`) are not part of the interface.
      const outputs = f.outputs.length === 1 ? [{ ...f.outputs[0], name: '' }] : f.outputs;
      parts.push(`/// <summary>What <c>${f.name}</c> returns.</summary>\n[FunctionOutput]\npublic sealed class ${outCls} : IFunctionOutputDTO\n{\n${parameters(outputs, structs)}\n}`);
    }
  }
  for (const e of abi.filter((x) => x.type === 'event')) {
    const cls = unique(`${pascal(e.name)}Event`);
    parts.push(`/// <summary>Event <c>${e.name}(${e.inputs.map((i) => i.type).join(',')})</c>.</summary>\n[Event("${e.name}")]\npublic sealed class ${cls} : IEventDTO\n{\n${parameters(e.inputs, structs, { indexed: true })}\n}`);
  }
  // Custom errors mostly come from the shared ErrorsLib: one declaration each, in Errors.g.cs.
  const errors = abi
    .filter((x) => x.type === 'error')
    .map((e) => [
      `${pascal(e.name)}Error`,
      `/// <summary>Error <c>${e.name}(${e.inputs.map((i) => i.type).join(',')})</c>.</summary>\n[Error("${e.name}")]\npublic sealed class ${pascal(e.name)}Error\n{\n${parameters(e.inputs, structs)}\n}`,
    ]);
  const structParts = [...structs.entries()].map(
    ([name, components]) => `/// <summary>Solidity struct <c>${name}</c>.</summary>\n[Struct("${name}")]\npublic sealed class ${name}\n{\n${parameters(components, new Map(structs))}\n}`,
  );
  return { parts, structParts, errors };
}

mkdirSync(outDir, { recursive: true });
const header = `// <auto-generated>
// Generated by scripts/bindings/generate.mjs from contracts/out (forge build). Do not edit: re-run the
// generator after changing a contract. A test fails when this file and the ABI differ.
// </auto-generated>
#nullable enable
#pragma warning disable CA1819, CA1002, CA2227, CA1711, CA1724, CS1591
using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
`;
const files = new Map();
const allStructs = new Map();
const allErrors = new Map();
for (const contract of contracts) {
  const artifact = join(root, 'contracts', 'out', `${contract}.sol`, `${contract}.json`);
  if (!existsSync(artifact)) {
    console.error(`missing ${artifact}: run forge build first`);
    process.exit(2);
  }
  const abi = JSON.parse(readFileSync(artifact, 'utf8')).abi;
  const { parts, structParts, errors } = render(contract, abi);
  for (const s of structParts) allStructs.set(s.match(/public sealed class (\w+)/)[1], s);
  for (const [name, text] of errors) {
    if (allErrors.has(name) && allErrors.get(name) !== text) throw new Error(`error ${name} differs between contracts`);
    allErrors.set(name, text);
  }
  const abiConst = JSON.stringify(JSON.stringify(abi));
  files.set(
    `${contract}.g.cs`,
    `${header}\nnamespace Protocol.Core.Contracts.${contract}Bindings;\n\n/// <summary>The ABI of <c>${contract}</c>.</summary>\npublic static class ${contract}Abi\n{\n    public const string Json = ${abiConst};\n}\n\n${parts.join('\n\n')}\n`,
  );
}
files.set(
  'Errors.g.cs',
  `${header}\nnamespace Protocol.Core.Contracts;\n\n${[...allErrors.keys()].sort().map((k) => allErrors.get(k)).join('\n\n')}\n`,
);
// Structs are shared: one declaration each, in their own file.
files.set(
  'Structs.g.cs',
  `${header}\nnamespace Protocol.Core.Contracts;\n\n${[...allStructs.keys()].sort().map((k) => allStructs.get(k)).join('\n\n')}\n`,
);

let drift = 0;
for (const [name, text] of files) {
  const path = join(outDir, name);
  if (check) {
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) {
      console.error(`binding out of date: src/Protocol.Core/Contracts/Generated/${name}`);
      drift++;
    }
  } else {
    writeFileSync(path, text);
  }
}
for (const name of readdirSync(outDir)) {
  if (!files.has(name)) {
    console.error(`stale binding file: ${name}`);
    drift++;
  }
}
if (check && drift) {
  console.error('run: node_modules/.bin/forge build && node scripts/bindings/generate.mjs');
  process.exit(1);
}
console.log(check ? 'bindings match the ABI' : `wrote ${files.size} files to src/Protocol.Core/Contracts/Generated`);
