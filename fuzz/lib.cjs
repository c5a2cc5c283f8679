'use strict';
/**
 * Shared pieces of the wirestack fuzzers (fuzz/run.mjs and the Jazzer.js targets): the built packages,
 * the seed corpus, the mutators and the oracles. CommonJS on purpose, so Jazzer.js can `require` it.
 *
 * Oracles (what a finding is):
 *   - decodeStack throws anything at all, or records an issue code outside the contract's list;
 *   - a codec's decode throws anything but DecodeError, or returns a NaN / non-integer / negative number;
 *   - the capture readers throw anything but CaptureError (a DecodeError whose layer is pcap/pcapng/gzip);
 *   - lossless law: encodeStack(decodeStack(b).layers, { trailer }) !== b;
 *   - StackDecoder (the allocation-free walk) disagrees with decodeStack on layers/offsets/lengths;
 *   - output larger than the input allows (hex of a layer longer than 2 * input bytes, more layers than bytes);
 *   - one input takes longer than the time bound (a hang).
 * Needs the packages built: `pnpm build` (or `npx -y pnpm@10.34.8 -r --filter './packages/*' run build`).
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const dist = (name) => path.join(ROOT, 'packages', name, 'dist', 'index.cjs');

function load(name) {
  try {
    return require(dist(name));
  } catch (e) {
    throw new Error(`cannot load packages/${name}/dist/index.cjs (build the packages first: pnpm build): ${e.message}`);
  }
}

const core = load('core');
const stack = load('stack');
const pcap = load('pcap');
let link;
try {
  link = require(dist('link'));
} catch {
  link = undefined;
}

const ISSUE_CODES = new Set(['truncated', 'bad-length', 'bad-version', 'bad-checksum', 'unsupported', 'too-deep', 'malformed']);
const registry = stack.defaultRegistry();
/** Every layer id of the default registry (the `first` layers decodeStack is fuzzed with). */
// `padding` is left out: it only ever ends a stack, and a packet decoded with first = 'padding' cannot be
// re-encoded (encodeStack refuses a padding layer with no datagram to close; reported to the lead).
const FIRST_LAYERS = registry
  .layers()
  .map((c) => c.id)
  .filter((id) => id !== 'padding');

/** A reproducible finding. */
class Finding extends Error {
  constructor(kind, target, message, input, extra = {}) {
    super(`${kind} in ${target}: ${message}`);
    this.name = 'Finding';
    this.kind = kind;
    this.target = target;
    this.input = input;
    this.extra = extra;
  }
}

const toHex = (b) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
const fromHex = (s) => new Uint8Array(Buffer.from(s, 'hex'));

// ---------------------------------------------------------------- seeds

function firstLayerFor(linkType, firstByte) {
  if (link && typeof link.linkTypeFirstLayer === 'function') {
    try {
      return link.linkTypeFirstLayer(linkType, firstByte) ?? 'raw';
    } catch {
      /* fall through */
    }
  }
  if (linkType === 1) return 'ethernet';
  if (linkType === 101 || linkType === 12 || linkType === 14) return firstByte >> 4 === 6 ? 'ipv6' : 'ipv4';
  return 'raw';
}

/** Packets from fixtures/scapy (hex + first layer). */
function scapyPackets() {
  const dir = path.join(ROOT, 'fixtures', 'scapy');
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const f of fs
    .readdirSync(dir)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    const data = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    for (const p of data.packets ?? []) out.push({ name: `scapy/${f}/${p.name}`, first: p.first ?? 'ethernet', bytes: fromHex(p.hex) });
  }
  return out;
}

/** Capture files: fixtures/captures, the shared real corpus (when present) and extra dirs. */
function captureFiles(extraDirs = []) {
  const dirs = [path.join(ROOT, 'fixtures', 'captures')];
  const corpus = process.env.WIRESTACK_CORPUS ?? path.resolve(ROOT, '../shared/corpus');
  dirs.push(path.join(corpus, 'real'));
  dirs.push(...extraDirs);
  const out = [];
  for (const d of dirs) {
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d).sort()) {
      if (!/\.(pcap|pcapng|cap|gz)$/.test(f)) continue;
      const p = path.join(d, f);
      const st = fs.statSync(p);
      if (!st.isFile() || st.size > 4 * 1024 * 1024) continue;
      out.push({ name: path.relative(ROOT, p), bytes: new Uint8Array(fs.readFileSync(p)) });
    }
  }
  return out;
}

/** Packets read out of capture files (first layer from the link type). */
function capturePackets(files, maxPerFile = 64) {
  const out = [];
  for (const f of files) {
    try {
      let n = 0;
      for (const r of pcap.readCapture(f.bytes, { copyData: true })) {
        if (r.data.length === 0) continue;
        out.push({ name: `${f.name}#${n}`, first: firstLayerFor(r.linkType, r.data[0]), bytes: r.data });
        if (++n >= maxPerFile) break;
      }
    } catch {
      /* broken seeds are fine: the records before the error were kept */
    }
  }
  return out;
}

/** Every seed: packets (for decodeStack/codecs) and capture files (for the readers). */
function loadSeeds(extraDirs = []) {
  const files = captureFiles(extraDirs);
  const packets = [...scapyPackets(), ...capturePackets(files)];
  return { packets, files };
}

// ---------------------------------------------------------------- mutators

/** A small fast PRNG (mulberry32), seeded for reproducible runs. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (n) => Math.floor(next() * n);
  return next;
}

/** Values that steer dispatch or sit on boundaries: EtherTypes, IP protocols, ports, lengths. */
const DICT16 = [
  0x0000, 0x0001, 0x0800, 0x86dd, 0x8100, 0x88a8, 0x9100, 0x8847, 0x8848, 0x6558, 4789, 6081, 6635, 0x7fff, 0x8000, 0xffff, 0xfffe, 8, 12,
  20, 40, 60, 64, 1500,
];
const DICT8 = [0, 1, 4, 6, 17, 41, 47, 137, 0, 43, 44, 60, 59, 0x45, 0x46, 0x4f, 0x60, 0x40, 0x80, 0x7f, 0xff, 0xfe, 0x08, 0x0c];

/** One random mutation of `b` (a fresh array; `b` is untouched). `pool` supplies splice partners. */
function mutate(b, r, pool) {
  const n = b.length;
  const op = r.int(13);
  switch (op) {
    case 0:
    case 1: {
      // bit flips
      const out = b.slice();
      const k = 1 + r.int(4);
      for (let i = 0; i < k && n; i++) out[r.int(n)] ^= 1 << r.int(8);
      return out;
    }
    case 2: {
      // random byte
      const out = b.slice();
      if (n) out[r.int(n)] = r.int(256);
      return out;
    }
    case 3: {
      // interesting byte
      const out = b.slice();
      if (n) out[r.int(n)] = DICT8[r.int(DICT8.length)];
      return out;
    }
    case 4: {
      // interesting 16-bit value, big-endian
      const out = b.slice();
      if (n >= 2) {
        const o = r.int(n - 1);
        const v = DICT16[r.int(DICT16.length)];
        out[o] = v >> 8;
        out[o + 1] = v & 0xff;
      }
      return out;
    }
    case 5:
      // truncation
      return b.slice(0, r.int(n + 1));
    case 6:
      // drop a prefix
      return b.slice(r.int(n + 1));
    case 7: {
      // delete a range
      const s = r.int(n + 1);
      const e = Math.min(n, s + 1 + r.int(16));
      const out = new Uint8Array(n - (e - s));
      out.set(b.subarray(0, s));
      out.set(b.subarray(e), s);
      return out;
    }
    case 8: {
      // insert random bytes
      const s = r.int(n + 1);
      const k = 1 + r.int(16);
      const out = new Uint8Array(n + k);
      out.set(b.subarray(0, s));
      for (let i = 0; i < k; i++) out[s + i] = r.int(256);
      out.set(b.subarray(s), s + k);
      return out;
    }
    case 9:
    case 10: {
      // splice: a prefix of b then a suffix of another seed
      const other = pool[r.int(pool.length)].bytes;
      const s = r.int(n + 1);
      const t = r.int(other.length + 1);
      const out = new Uint8Array(s + other.length - t);
      out.set(b.subarray(0, s));
      out.set(other.subarray(t), s);
      return out;
    }
    case 11: {
      // duplicate a chunk (repeated headers: deep nesting)
      if (!n) return b.slice();
      const s = r.int(n);
      const e = Math.min(n, s + 1 + r.int(64));
      const reps = 1 + r.int(8);
      const chunk = b.subarray(s, e);
      const out = new Uint8Array(n + chunk.length * reps);
      out.set(b.subarray(0, e));
      for (let i = 0; i < reps; i++) out.set(chunk, e + i * chunk.length);
      out.set(b.subarray(e), e + reps * chunk.length);
      return out;
    }
    default: {
      // entirely random bytes
      const out = new Uint8Array(r.int(96));
      for (let i = 0; i < out.length; i++) out[i] = r.int(256);
      return out;
    }
  }
}

/** Several stacked mutations. */
function mutateMany(b, r, pool) {
  let out = b;
  const k = 1 + r.int(4);
  for (let i = 0; i < k; i++) out = mutate(out, r, pool);
  return out;
}

// ---------------------------------------------------------------- oracles

function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks one decoded value tree: no NaN, no non-integer/negative number, no string longer than `maxStr`. */
function checkValue(v, maxStr, where) {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || !Number.isInteger(v) || v < 0) return `${where} = ${v}`;
  } else if (typeof v === 'string') {
    if (v.length > maxStr) return `${where}: string of ${v.length} chars from a ${maxStr / 2 - 8}-byte input`;
  } else if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = checkValue(v[i], maxStr, `${where}[${i}]`);
      if (p) return p;
    }
  } else if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) {
      const p = checkValue(v[k], maxStr, `${where}.${k}`);
      if (p) return p;
    }
  }
  return undefined;
}

/** One StackDecoder per first layer (building one allocates its dispatch tables). */
const fastByFirst = new Map();
/**
 * decodeStack with `first`: never throws, contract issue codes only, output bounded by the input,
 * lossless law, and StackDecoder agreeing on layers/spans.
 */
function checkStack(bytes, first, opts = {}) {
  let pkt;
  try {
    pkt = stack.decodeStack(bytes, { first, registry });
  } catch (e) {
    throw new Finding('throw', 'decodeStack', `${e && e.name}: ${e && e.message}`, bytes, { first, stack: e && e.stack });
  }
  for (const i of pkt.issues)
    if (!ISSUE_CODES.has(i.code)) throw new Finding('issue-code', 'decodeStack', `issue code ${i.code}`, bytes, { first });
  if (pkt.layers.length > bytes.length + 2)
    throw new Finding('alloc', 'decodeStack', `${pkt.layers.length} layers from ${bytes.length} bytes`, bytes, { first });
  const maxStr = 2 * bytes.length + 16;
  for (let k = 0; k < pkt.layers.length; k++) {
    const p = checkValue(pkt.layers[k], maxStr, `layers[${k}]`);
    if (p) throw new Finding('bad-field', 'decodeStack', p, bytes, { first });
  }
  if (opts.lossless !== false) {
    let again;
    try {
      again = stack.encodeStack(pkt.layers, { registry, trailer: pkt.trailer });
    } catch (e) {
      throw new Finding('lossless', 'encodeStack', `re-encoding the decoded layers threw ${e && e.name}: ${e && e.message}`, bytes, {
        first,
        layers: pkt.layers,
      });
    }
    if (!equalBytes(again, bytes))
      throw new Finding('lossless', 'encodeStack', 'encodeStack(decodeStack(b).layers, {trailer}) differs from b', bytes, {
        first,
        got: toHex(again),
        layers: pkt.layers,
      });
  }
  // With first = 'raw' StackDecoder reports the raw layer as a layer; decodeStack's list excludes raw: skip.
  if (opts.fast !== false && stack.StackDecoder && first !== 'raw') {
    let fast = fastByFirst.get(first);
    if (!fast) {
      fast = new stack.StackDecoder({ registry, first });
      fastByFirst.set(first, fast);
    }
    let n;
    try {
      n = fast.decode(bytes);
    } catch (e) {
      throw new Finding('throw', 'StackDecoder', `${e && e.name}: ${e && e.message}`, bytes, { first });
    }
    const want = [];
    for (let k = 0; k < pkt.layers.length; k++) {
      const id = pkt.layers[k].layer;
      if (id === 'raw' || id === 'padding') continue;
      want.push(`${id}@${pkt.spans[k].offset}+${pkt.spans[k].length}`);
    }
    const got = [];
    for (let k = 0; k < n; k++) got.push(`${fast.layerId(k)}@${fast.offset(k)}+${fast.headerLength(k)}`);
    if (got.join(' ') !== want.join(' '))
      throw new Finding('differential', 'StackDecoder', `StackDecoder [${got.join(' ')}] vs decodeStack [${want.join(' ')}]`, bytes, {
        first,
      });
  }
  return pkt;
}

const CODECS = registry.layers();
/** Every codec's decode at offset 0 and at a random offset/end: DecodeError only, sane fields. */
function checkCodecs(bytes, r) {
  const maxStr = 2 * bytes.length + 16;
  for (const c of CODECS) {
    const ranges = [[0, bytes.length]];
    if (r && bytes.length) {
      const s = r.int(bytes.length + 1);
      ranges.push([s, s + r.int(bytes.length - s + 1)]);
    }
    for (const [s, e] of ranges) {
      let h;
      try {
        h = c.decode(bytes, s, e);
      } catch (err) {
        if (err instanceof core.DecodeError) {
          if (!ISSUE_CODES.has(err.code))
            throw new Finding('issue-code', `${c.id}.decode`, `DecodeError code ${err.code}`, bytes, { offset: s, end: e });
          continue;
        }
        throw new Finding('throw', `${c.id}.decode`, `${err && err.name}: ${err && err.message}`, bytes, {
          offset: s,
          end: e,
          stack: err && err.stack,
        });
      }
      const p = checkValue(h, maxStr, c.id);
      if (p) throw new Finding('bad-field', `${c.id}.decode`, p, bytes, { offset: s, end: e });
      let hl;
      try {
        hl = c.headerLength(h);
      } catch (err) {
        throw new Finding('throw', `${c.id}.headerLength`, `${err && err.name}: ${err && err.message}`, bytes, { offset: s, end: e });
      }
      if (!Number.isInteger(hl) || hl < 0 || s + hl > e)
        throw new Finding('bad-length', `${c.id}.headerLength`, `headerLength ${hl} for a header decoded in [${s}, ${e})`, bytes, {
          offset: s,
          end: e,
        });
    }
  }
}

function isCaptureError(e) {
  return e instanceof core.DecodeError && (e.layer === 'pcap' || e.layer === 'pcapng' || e.layer === 'gzip') && ISSUE_CODES.has(e.code);
}

/** The in-memory reader: CaptureError only; record data no larger than the (decompressed) input allows. */
function checkCaptureSync(bytes, opts = {}) {
  const maxOut = opts.maxDecompressedBytes ?? 1 << 22;
  let total = 0;
  let records = 0;
  try {
    const reader = pcap.readCapture(bytes, { maxDecompressedBytes: maxOut });
    for (const rec of reader) {
      records++;
      total += rec.data.length;
      if (rec.data.length !== rec.capturedLength)
        throw new Finding('bad-field', 'readCapture', `data.length ${rec.data.length} != capturedLength ${rec.capturedLength}`, bytes);
      if (total > Math.max(bytes.length, reader.compressed ? maxOut : 0))
        throw new Finding('alloc', 'readCapture', `records hold ${total} bytes from a ${bytes.length}-byte input`, bytes);
      if (opts.decodePackets) checkStack(rec.data, firstLayerFor(rec.linkType, rec.data[0]), { fast: false });
    }
  } catch (e) {
    if (e instanceof Finding) throw e;
    if (!isCaptureError(e)) throw new Finding('throw', 'readCapture', `${e && e.name}: ${e && e.message}`, bytes, { stack: e && e.stack });
  }
  return records;
}

/** The streaming reader over `bytes` cut into chunks: same oracle, and the same records as the sync reader. */
async function checkCaptureStream(bytes, chunkSizes = [7, 64, 1, 4096]) {
  const maxOut = 1 << 22;
  async function* chunks() {
    let o = 0;
    let i = 0;
    while (o < bytes.length) {
      const k = Math.max(1, chunkSizes[i++ % chunkSizes.length]);
      yield bytes.slice(o, o + k);
      o += k;
    }
  }
  const got = [];
  let err;
  try {
    for await (const rec of pcap.readCaptureStream(chunks(), { maxDecompressedBytes: maxOut })) got.push(toHex(rec.data));
  } catch (e) {
    if (!isCaptureError(e))
      throw new Finding('throw', 'readCaptureStream', `${e && e.name}: ${e && e.message}`, bytes, { stack: e && e.stack });
    err = e;
  }
  const want = [];
  let werr;
  try {
    for (const rec of pcap.readCapture(bytes, { maxDecompressedBytes: maxOut })) want.push(toHex(rec.data));
  } catch (e) {
    if (!isCaptureError(e)) throw new Finding('throw', 'readCapture', `${e && e.name}: ${e && e.message}`, bytes, { stack: e && e.stack });
    werr = e;
  }
  if (got.length !== want.length || got.some((g, i) => g !== want[i]))
    throw new Finding('differential', 'readCaptureStream', `stream read ${got.length} records, sync ${want.length}`, bytes);
  if (!!err !== !!werr || (err && werr && (err.code !== werr.code || err.offset !== werr.offset)))
    throw new Finding(
      'differential',
      'readCaptureStream',
      `stream error ${err && `${err.code}@${err.offset}`} vs sync ${werr && `${werr.code}@${werr.offset}`}`,
      bytes,
    );
  return got.length;
}

module.exports = {
  ROOT,
  core,
  stack,
  pcap,
  registry,
  FIRST_LAYERS,
  ISSUE_CODES,
  Finding,
  toHex,
  fromHex,
  rng,
  mutate,
  mutateMany,
  loadSeeds,
  firstLayerFor,
  checkStack,
  checkCodecs,
  checkCaptureSync,
  checkCaptureStream,
  equalBytes,
};
