#!/usr/bin/env node
/**
 * wirestack benchmarks. Plain ESM over the BUILT packages (`pnpm build` first), so no TypeScript runtime
 * is needed. `pnpm bench` writes benchmarks/RESULTS.md; `pnpm bench -- --smoke` runs every case briefly
 * and writes nothing. `pnpm bench -- decode/` runs only the cases whose name contains `decode/` (comma-separated: any of them).
 *
 * Every case: ≥ 7 rounds (smoke: 2), each one batch of N operations sized to ~200 ms (smoke: ~3 ms);
 * min/median/max ns per operation. Baselines (binary-parser, node_pcap when installed, a C reference
 * when gcc is present) run in the same process / run, and ratios are computed against them. The pairs that ratio
 * targets compare are measured again in alternating back-to-back rounds (see PAIRS), and judged on those.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fold, sumBytes32, sumDataView, sumU32 } from './lib/checksum.mjs';
import { measure, measurePaired, sink } from './lib/harness.mjs';
import { buildCapture, vxlanPacket } from './lib/inputs.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2).filter((a) => a !== '--');
const SMOKE = argv.includes('--smoke');
const NO_WRITE = SMOKE || argv.includes('--no-write');
const FILTER = argv.find((a) => !a.startsWith('--'));
const opt = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ROUND_NS = SMOKE ? 3e6 : Number(opt('round-ms') ?? 200) * 1e6;
const ROUNDS = SMOKE ? 2 : Number(opt('rounds') ?? 9);
/** CPU time of the process (default; robust when other work shares the cores) or elapsed time (`--wall`). */
const CLOCK = argv.includes('--wall') ? 'wall' : 'cpu';
const TTY = process.stderr.isTTY;
const progress = (s) => {
  if (TTY) process.stderr.write(s);
};

async function load(name) {
  try {
    return await import(name);
  } catch (e) {
    console.error(`[bench] cannot import ${name} (run \`pnpm build\` first): ${e.message}`);
    return undefined;
  }
}

const core = await load('@wirestack/core');
const stack = await load('@wirestack/stack');
const ethernet = await load('@wirestack/ethernet');
const ipv4 = await load('@wirestack/ipv4');
const udp = await load('@wirestack/udp');
const pcap = await load('@wirestack/pcap');
const pcapNode = await load('@wirestack/pcap/node');
if (!core || !stack) {
  console.error('[bench] @wirestack/core and @wirestack/stack are required; build the packages first.');
  process.exit(1);
}
// StackDecoder lives in packages/stack/src/fast.ts; WIRESTACK_FAST_MODULE points at a separately built copy
// (development only, before the stack barrel exports it).
let StackDecoder = stack.StackDecoder;
if (!StackDecoder && process.env.WIRESTACK_FAST_MODULE) StackDecoder = (await import(process.env.WIRESTACK_FAST_MODULE)).StackDecoder;

const notes = [];
const registry = stack.defaultRegistry();
const PKT = vxlanPacket();

// ---------------------------------------------------------------------------------------------
// Inputs

const decoded = stack.decodeStack(PKT, { registry });
const path = decoded.path;
if (path !== 'ethernet/ipv4/udp/vxlan/ethernet/ipv4/udp/raw')
  notes.push(`benchmark packet decodes as ${path} (expected the 8-layer VXLAN stack)`);

/** The same stack with every derived field left out: encodeStack computes 4 lengths, 4 checksums, next-protocol fields. */
const DERIVED = new Set(['etherType', 'ihl', 'totalLength', 'protocol', 'checksum', 'length', 'nextHeader', 'payloadLength']);
const encodeLayers = decoded.layers.map((l) => Object.fromEntries(Object.entries(l).filter(([k]) => !DERIVED.has(k))));
const pool = new Uint8Array(2048);

// ---------------------------------------------------------------------------------------------
// Cases

/** @type {Array<{name: string, run: (n: number) => number | Promise<number> | void, bytes?: number, unit?: string, baseline?: string[], target?: (r: any, all: Map<string, any>) => {goal: string, met: boolean} | undefined, group?: string}>} */
const cases = [];
const add = (c) => cases.push(c);

// decodeStack to contract objects
add({
  name: 'decode/vxlan-stack',
  run(n) {
    let x = 0;
    for (let i = 0; i < n; i++) x += stack.decodeStack(PKT, { registry }).layers.length;
    sink.n += x;
  },
  baseline: ['baseline/binary-parser/vxlan-stack (text)', 'reference/by-hand/vxlan-stack'],
  target: (r) => ({ goal: '≤ 400 ns', met: r.median <= 400 }),
});
add({
  name: 'decode/vxlan-stack (verifyChecksums: false)',
  run(n) {
    let x = 0;
    const o = { registry, verifyChecksums: false };
    for (let i = 0; i < n; i++) x += stack.decodeStack(PKT, o).layers.length;
    sink.n += x;
  },
  baseline: ['baseline/binary-parser/vxlan-stack (text)', 'reference/by-hand/vxlan-stack (verifyChecksums: false)'],
});

if (StackDecoder) {
  const dec = new StackDecoder({ registry });
  // Every field of every layer, read straight from the bytes into numbers (what the C reference does).
  const readAll = (d) => {
    let x = 0;
    const n = d.decode(PKT);
    for (let i = 0; i < n; i++) {
      const k = d.kind(i);
      if (k === 1) {
        // ethernet: dst (6), src (6), etherType
        x += d.u32(i, 0) + d.u16(i, 4) + d.u32(i, 6) + d.u16(i, 10) + d.u16(i, 12);
      } else if (k === 3) {
        // ipv4: version/ihl, dscp/ecn, totalLength, identification, flags/fragmentOffset, ttl, protocol, checksum, src, dst
        const b0 = d.u8(i, 0);
        const b1 = d.u8(i, 1);
        const ff = d.u16(i, 6);
        x += (b0 >>> 4) + (b0 & 15) + (b1 >>> 2) + (b1 & 3) + d.u16(i, 2) + d.u16(i, 4) + (ff >>> 14) + ((ff >>> 13) & 1) + (ff & 0x1fff);
        x += d.u8(i, 8) + d.u8(i, 9) + d.u16(i, 10) + d.u32(i, 12) + d.u32(i, 16);
      } else if (k === 5) {
        x += d.u16(i, 0) + d.u16(i, 2) + d.u16(i, 4) + d.u16(i, 6);
      } else if (k === 6) {
        x += d.u8(i, 0) + (d.u32(i, 4) >>> 8);
      }
    }
    return x + d.payloadOffset + d.payloadEnd;
  };
  // Option `fields`: the walk decodes every field of every layer into the per-depth slots (`fields`, laid out
  // as `Field` says); the loop then reads each of them once.
  const eager = stack.FIELDS_PER_LAYER ? new StackDecoder({ registry, fields: true }) : undefined;
  const FPL = stack.FIELDS_PER_LAYER;
  const { ethernet: E, ipv4: I4, udp: U, vxlan: V } = stack.Field ?? {};
  const readFields = (d) => {
    let x = 0;
    const n = d.decode(PKT);
    const f = d.fields;
    for (let i = 0, b = 0; i < n; i++, b += FPL) {
      const k = d.kind(i);
      if (k === 1) x += f[b + E.dst] + f[b + E.src] + f[b + E.etherType];
      else if (k === 3) {
        x += f[b + I4.version] + f[b + I4.ihl] + f[b + I4.dscp] + f[b + I4.ecn] + f[b + I4.totalLength] + f[b + I4.identification];
        x += f[b + I4.reservedFlag] + f[b + I4.dontFragment] + f[b + I4.moreFragments] + f[b + I4.fragmentOffset] + f[b + I4.ttl];
        x += f[b + I4.protocol] + f[b + I4.checksum] + f[b + I4.src] + f[b + I4.dst];
      } else if (k === 5) x += f[b + U.srcPort] + f[b + U.dstPort] + f[b + U.length] + f[b + U.checksum];
      else if (k === 6) x += f[b + V.flags] + f[b + V.reserved1] + f[b + V.vni] + f[b + V.reserved2];
    }
    return x + d.payloadOffset + d.payloadEnd;
  };
  if (eager)
    add({
      name: 'fast/vxlan-stack',
      run(n) {
        let x = 0;
        for (let i = 0; i < n; i++) x += readFields(eager);
        sink.n += x;
      },
      baseline: ['baseline/binary-parser/vxlan-stack (numeric)', 'native/decode-all-fields'],
      target: (r) => ({ goal: '≤ 80 ns', met: r.median <= 80 }),
    });
  add({
    name: 'fast/vxlan-stack (accessors)',
    run(n) {
      let x = 0;
      for (let i = 0; i < n; i++) x += readAll(dec);
      sink.n += x;
    },
    baseline: ['baseline/binary-parser/vxlan-stack (numeric)', 'native/decode-all-fields'],
  });
  add({
    name: 'fast/vxlan-stack (walk only)',
    run(n) {
      let x = 0;
      for (let i = 0; i < n; i++) x += dec.decode(PKT);
      sink.n += x;
    },
    baseline: ['baseline/binary-parser/vxlan-stack (numeric)'],
  });
  add({
    name: 'view/inner-5tuple',
    run(n) {
      let x = 0;
      for (let i = 0; i < n; i++) {
        const f = dec.innerFlow(PKT);
        x += f.srcV4 + f.dstV4 + f.protocol + f.srcPort + f.dstPort;
      }
      sink.n += x;
    },
    baseline: ['baseline/binary-parser/inner-5tuple (numeric)', 'native/inner-5tuple'],
    target: (r) => ({ goal: '≤ 45 ns', met: r.median <= 45 }),
  });
  add({
    name: 'view/inner-5tuple (decode + flow)',
    run(n) {
      let x = 0;
      for (let i = 0; i < n; i++) {
        dec.decode(PKT);
        const f = dec.flow('inner');
        x += f.srcV4 + f.dstV4 + f.protocol + f.srcPort + f.dstPort;
      }
      sink.n += x;
    },
    baseline: ['baseline/binary-parser/inner-5tuple (numeric)'],
  });
  add({
    name: 'view/inner-flowKeyString',
    run(n) {
      let x = 0;
      for (let i = 0; i < n; i++) {
        dec.decode(PKT);
        dec.flow('inner');
        x += dec.flowKeyString().length;
      }
      sink.n += x;
    },
  });
} else notes.push('StackDecoder is not exported by the built @wirestack/stack: the fast/* and view/* cases were skipped.');

if (ethernet && ipv4 && udp) {
  add({
    name: 'decode/outer-eth-ipv4-udp',
    run(n) {
      let x = 0;
      for (let i = 0; i < n; i++) {
        const e = ethernet.decodeEthernet(PKT, 0, PKT.length);
        const ip = ipv4.decodeIpv4(PKT, 14, PKT.length);
        const u = udp.decodeUdp(PKT, 14 + ip.ihl * 4, PKT.length);
        x += e.etherType + ip.ttl + u.dstPort;
      }
      sink.n += x;
    },
    baseline: [
      'baseline/binary-parser/outer-eth-ipv4-udp (text)',
      'baseline/node_pcap/EthernetPacket.decode',
      'baseline/node_pcap/decode.packet',
    ],
    // Judged on the paired ratio when it was measured (see PAIRS), else on the two medians.
    target: (r, all) => {
      const np = all.get('baseline/node_pcap/EthernetPacket.decode');
      if (!np) return { goal: '≤ 0.3× node_pcap', met: undefined };
      const p = paired.get('decode/outer-eth-ipv4-udp | baseline/node_pcap/EthernetPacket.decode');
      const x = p ? 1 / p.median : r.median / np.median;
      return { goal: '≤ 0.3× node_pcap', met: x <= 0.3, detail: `${x.toFixed(2)}× node_pcap${p ? ' paired' : ''}` };
    },
  });
}

// encodeStack
add({
  name: 'encode/vxlan-stack (pooled)',
  run(n) {
    let x = 0;
    const o = { registry, into: pool, offset: 0 };
    for (let i = 0; i < n; i++) x += encodeStackLen(o);
    sink.n += x;
  },
  target: (r) => ({ goal: '≤ 200 ns', met: r.median <= 200 }),
});
function encodeStackLen(o) {
  return stack.encodeStack(encodeLayers, o).length;
}
add({
  name: 'encode/vxlan-stack (allocating)',
  run(n) {
    let x = 0;
    const o = { registry };
    for (let i = 0; i < n; i++) x += stack.encodeStack(encodeLayers, o).length;
    sink.n += x;
  },
  baseline: [`reference/new Uint8Array(${PKT.length}) alone`],
  target: (r) => ({ goal: '≤ 250 ns', met: r.median <= 250 }),
});
// What allocating the output alone costs: a result that owns its ArrayBuffer pays this before any encoding.
add({
  name: `reference/new Uint8Array(${PKT.length}) alone`,
  group: 'baseline',
  run(n) {
    let x = 0;
    for (let i = 0; i < n; i++) x += new Uint8Array(PKT.length).length;
    sink.n += x;
    sink.v = new Uint8Array(PKT.length);
  },
});
// The allocation-free API (the byte count, no view) and the opt-in slab allocator (results share 64 KiB buffers).
if (stack.encodeStackInto)
  add({
    name: 'encode/vxlan-stack (encodeStackInto)',
    run(n) {
      let x = 0;
      const o = { registry };
      for (let i = 0; i < n; i++) x += stack.encodeStackInto(encodeLayers, pool, 0, o);
      sink.n += x;
    },
    target: (r) => ({ goal: '≤ 200 ns', met: r.median <= 200 }),
  });
add({
  name: 'encode/vxlan-stack (shareBuffer)',
  run(n) {
    let x = 0;
    const o = { registry, shareBuffer: true };
    for (let i = 0; i < n; i++) x += stack.encodeStack(encodeLayers, o).length;
    sink.n += x;
  },
  target: (r) => ({ goal: '≤ 250 ns', met: r.median <= 250 }),
});

// Checksums over 1500 bytes
{
  const ab = new ArrayBuffer(4096);
  const all = new Uint8Array(ab);
  for (let i = 0; i < all.length; i++) all[i] = (i * 31 + 7) & 255;
  const aligned = new Uint8Array(ab, 64, 1500);
  const unaligned = new Uint8Array(ab, 64 + 1, 1500);
  const variants = [
    ['core sumWords', (b) => core.foldChecksum(core.sumWords(b, 0, 1500))],
    ['proposal u32 (Uint32Array)', (b) => sumU32(b, 0, 1500)],
    ['proposal DataView getUint32', (b) => sumDataView(b, 0, 1500)],
    ['bytes as 32-bit words', (b) => sumBytes32(b, 0, 1500)],
  ];
  const expect = core.foldChecksum(core.sumWords(aligned, 0, 1500));
  for (const [label, f] of variants) {
    for (const [al, b] of [
      ['aligned', aligned],
      ['unaligned', unaligned],
    ]) {
      if (f(b) !== core.foldChecksum(core.sumWords(b, 0, 1500))) notes.push(`checksum variant ${label} disagrees with core on ${al} data`);
      add({
        name: `checksum/1500B ${al} (${label})`,
        bytes: 1500,
        run(n) {
          let x = 0;
          for (let i = 0; i < n; i++) x += f(b);
          sink.n += x;
        },
        baseline: [`native/checksum-1500-${al}`],
        target:
          label === 'core sumWords' || label.startsWith('proposal')
            ? (r) => {
                const gbs = 1500 / r.median;
                const goal = al === 'aligned' ? 4.5 : 2;
                return { goal: `≥ ${goal} GB/s`, met: gbs >= goal };
              }
            : undefined,
      });
    }
  }
  void expect;
  void fold;
}

// pcap
if (pcap) {
  // A mix of frame sizes: the VXLAN packet grown to 108 (as is), 590 and 1514 bytes.
  const sizes = [PKT.length, 590, 1514];
  const frames = sizes.map((s) => {
    const f = new Uint8Array(s);
    f.set(PKT.subarray(0, Math.min(PKT.length, s)));
    return f;
  });
  const cap = buildCapture(frames, SMOKE ? 1 << 20 : 32 << 20);
  const capBytes = cap.bytes;
  const perRecordBytes = capBytes.length / cap.records;
  notes.push(
    `pcap cases: a ${(capBytes.length / 1048576).toFixed(1)} MiB classic pcap of ${cap.records} records cycling frames of ${sizes.join('/')} bytes (${perRecordBytes.toFixed(0)} B per record with its header); ns/op is per record, GB/s counts file bytes.`,
  );
  const passes = (n, fn) => {
    let ops = 0;
    let x = 0;
    while (ops < n) {
      x += fn();
      ops += cap.records;
    }
    sink.n += x;
    return ops;
  };
  add({
    name: 'pcap/read (in memory, readCapture)',
    bytes: perRecordBytes,
    run: (n) =>
      passes(n, () => {
        let x = 0;
        for (const rec of pcap.readCapture(capBytes)) x += rec.capturedLength;
        return x;
      }),
    target: (r) => ({ goal: '≥ 1.6 GB/s', met: perRecordBytes / r.median >= 1.6 }),
  });
  async function* chunks(bytes, size) {
    for (let o = 0; o < bytes.length; o += size) yield bytes.subarray(o, Math.min(bytes.length, o + size));
  }
  /** Whole passes over the capture with `for await` over the readers `open()` returns (one per pass). */
  const forAwaitPasses = async (n, open) => {
    let ops = 0;
    let x = 0;
    while (ops < n) {
      for await (const rec of open()) x += rec.capturedLength;
      ops += cap.records;
    }
    sink.n += x;
    return ops;
  };
  add({
    name: 'pcap/read (stream, 1 MiB chunks from memory)',
    bytes: perRecordBytes,
    run: (n) => forAwaitPasses(n, () => pcap.readCaptureStream(chunks(capBytes, 1 << 20), { copyData: false })),
    target: (r) => ({ goal: '≥ 1.6 GB/s', met: perRecordBytes / r.median >= 1.6 }),
  });
  // The per-record functions are made once: a fresh closure per round would die at the harness's gc()
  // before each round, and with it the optimised loop that inlined it.
  const capturedLength = (rec) => rec.capturedLength;
  /**
   * Streams the capture the fast documented way: records taken with `tryNext()`, `await next()` only
   * when a chunk must be read (one await per chunk, not per record). `use(rec)` returns a number.
   */
  const streamPasses = async (n, use) => {
    let ops = 0;
    let x = 0;
    while (ops < n) {
      const reader = pcap.readCaptureStream(chunks(capBytes, 1 << 20), { copyData: false });
      for (;;) {
        let rec = reader.tryNext();
        if (rec === undefined) {
          const r = await reader.next();
          if (r.done) break;
          rec = r.value;
        }
        x += use(rec);
      }
      ops += cap.records;
    }
    sink.n += x;
    return ops;
  };
  add({
    name: 'pcap/read (stream, tryNext, 1 MiB chunks from memory)',
    bytes: perRecordBytes,
    run: (n) => streamPasses(n, capturedLength),
    target: (r) => ({ goal: '≥ 1.6 GB/s', met: perRecordBytes / r.median >= 1.6 }),
  });
  if (pcapNode) {
    const dir = mkdtempSync(join(os.tmpdir(), 'wirestack-bench-'));
    const file = join(dir, 'bench.pcap');
    writeFileSync(file, capBytes);
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    add({
      name: 'pcap/read (file stream, openCapture, 128 KiB chunks)',
      bytes: perRecordBytes,
      run: (n) => forAwaitPasses(n, () => pcapNode.openCapture(file, { copyData: false })),
      // No target row: the target is stated for chunks of ≥ 1 MiB, and this is the default 128 KiB stream (for comparison).
    });
    // The same file read into a few reused 512 KiB buffers (CaptureFileSource), as `wirestack decode` reads.
    add({
      name: 'pcap/read (file, openCapture, reused 512 KiB buffers)',
      bytes: perRecordBytes,
      run: (n) => forAwaitPasses(n, () => pcapNode.openCapture(file, { copyData: false, reuseBuffers: true })),
      target: (r) => ({ goal: '≥ 1.6 GB/s', met: perRecordBytes / r.median >= 1.6 }),
    });
  }
  // The command line end to end on a capture file (a child process per run; its start-up, measured on a
  // one-record capture, is subtracted). ns/op is per packet. The file is 1 GiB of the same frame mix, as the
  // issue's target says: on the 32 MiB capture V8's warm-up of the hot code (tens of ms) would weigh as much
  // as the packets.
  const cliBin = join(HERE, '..', 'packages', 'cli', 'dist', 'bin.js');
  if (existsSync(cliBin)) {
    const dir = mkdtempSync(join(os.tmpdir(), 'wirestack-cli-bench-'));
    const file = join(dir, 'bench.pcap');
    const one = join(dir, 'one.pcap');
    // Only its size and record count are kept: the 1 GiB buffer goes as soon as the file is written.
    const cliCap = (() => {
      const c = SMOKE ? cap : buildCapture(frames, 1 << 30);
      writeFileSync(file, c.bytes);
      return { mib: c.bytes.length / 2 ** 20, records: c.records };
    })();
    writeFileSync(one, capBytes.subarray(0, 24 + 16 + PKT.length));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    // The child reports its own CPU time on exit (or elapsed time is measured here with --wall).
    const hook = `data:text/javascript,${encodeURIComponent('process.on("exit",()=>{const u=process.cpuUsage();process.stderr.write("\\nWIRESTACK_CPU_US "+(u.user+u.system)+"\\n")})')}`;
    const runCli = (args, f) => {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [`--import=${hook}`, cliBin, ...args, f], {
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
      });
      const wall = Number(process.hrtime.bigint() - t0);
      if (r.status !== 0) throw new Error(`cli exited with ${r.status}: ${r.stderr}`);
      const cpu = /WIRESTACK_CPU_US (\d+)/.exec(r.stderr ?? '');
      return CLOCK === 'wall' || !cpu ? wall : Number(cpu[1]) * 1000;
    };
    const cliCase = (label, args, goal, rate) =>
      add({
        name: `cli/${label}`,
        bytes: perRecordBytes,
        unit: 'packet',
        rounds: SMOKE ? 1 : 3,
        run() {
          const startup = Math.min(runCli(args, one), runCli(args, one));
          const ns = runCli(args, file);
          return { ops: cliCap.records, ns: Math.max(1, ns - startup) };
        },
        target: (r) => ({ goal, met: 1e9 / r.median >= rate }),
      });
    cliCase('decode (summary lines)', ['decode'], '≥ 1 M packets/s', 1e6);
    cliCase('decode --json', ['decode', '--json'], '≥ 300 k packets/s', 3e5);
    notes.push(
      `cli/*: \`node packages/cli/dist/bin.js decode [--json] FILE > /dev/null\` on a ${cliCap.mib.toFixed(0)} MiB capture of the same frame mix (${cliCap.records} records) written to a temporary file; a child process per round (its CPU time, reported by the child on exit), minus its start-up measured on a one-record capture.`,
    );
  } else notes.push('packages/cli/dist/bin.js is not built: the cli/* cases were skipped.');
  if (StackDecoder) {
    const dec = new StackDecoder({ registry });
    add({
      name: 'pcap/read+inner-5tuple (in memory)',
      bytes: perRecordBytes,
      run: (n) =>
        passes(n, () => {
          let x = 0;
          for (const rec of pcap.readCapture(capBytes)) {
            const f = dec.innerFlow(rec.data);
            x += f.srcPort + f.dstV4;
          }
          return x;
        }),
    });
    const innerSum = (rec) => {
      const f = dec.innerFlow(rec.data);
      return f.srcPort + f.dstV4;
    };
    add({
      name: 'pcap/stream+inner-5tuple (tryNext, 1 MiB chunks from memory)',
      bytes: perRecordBytes,
      run: (n) => streamPasses(n, innerSum),
      target: (r) => ({ goal: '≥ 1.0 GB/s', met: perRecordBytes / r.median >= 1.0 }),
    });
  }
} else notes.push('@wirestack/pcap is not built: the pcap/* cases were skipped.');

// ---------------------------------------------------------------------------------------------
// Baselines

const bp = await load('./baselines/binary-parser.mjs');
if (bp) {
  add({
    name: 'baseline/binary-parser/vxlan-stack (text)',
    group: 'baseline',
    run(n) {
      let x = 0;
      for (let i = 0; i < n; i++) x += bp.contractParser.parse(PKT).etherType;
      sink.n += x;
      // A result kept alive across the harness's GC between rounds, as for every case (see node_pcap below).
      sink.v = bp.contractParser.parse(PKT);
    },
  });
  add({
    name: 'baseline/binary-parser/vxlan-stack (numeric)',
    group: 'baseline',
    run(n) {
      let x = 0;
      for (let i = 0; i < n; i++) x += bp.numericParser.parse(PKT).etherType;
      sink.n += x;
      sink.v = bp.numericParser.parse(PKT);
    },
  });
  add({
    name: 'baseline/binary-parser/inner-5tuple (numeric)',
    group: 'baseline',
    run(n) {
      let x = 0;
      for (let i = 0; i < n; i++) {
        const ip = bp.numericParser.parse(PKT).payload.payload.payload.payload.payload;
        x += ip.src + ip.dst + ip.protocol + ip.payload.srcPort + ip.payload.dstPort;
      }
      sink.n += x;
      sink.v = bp.numericParser.parse(PKT);
    },
  });
  add({
    name: 'baseline/binary-parser/outer-eth-ipv4-udp (text)',
    group: 'baseline',
    run(n) {
      let x = 0;
      for (let i = 0; i < n; i++) x += bp.outerParser.parse(PKT).udp.dstPort;
      sink.n += x;
      sink.v = bp.outerParser.parse(PKT);
    },
  });
}

// The same work as decodeStack written by hand for this one path (a floor for any JS decoder of these objects;
// see baselines/handwritten.mjs). Checked against decodeStack first, on the packet and with a bad checksum.
const byHand = await load('./baselines/handwritten.mjs');
if (byHand) {
  // A changed payload byte breaks both UDP checksums; a changed outer IPv4 checksum breaks that one.
  const bad = PKT.slice();
  bad[PKT.length - 1] ^= 0xff;
  const badIp = PKT.slice();
  badIp[24] ^= 0xff;
  const same = (b, verify) => {
    const a = stack.decodeStack(b, { registry, verifyChecksums: verify });
    const h = byHand.decodeByHand(b, verify);
    return (
      h !== undefined &&
      JSON.stringify([a.layers, a.issues, a.trailer]) === JSON.stringify([h.layers, h.issues, h.trailer]) &&
      a.path === h.layers.map((l) => l.layer).join('/')
    );
  };
  if (
    same(PKT, true) &&
    same(PKT, false) &&
    same(bad, true) &&
    same(badIp, true) &&
    byHand.decodeByHand(bad, true).issues.length === 2 &&
    byHand.decodeByHand(badIp, true).issues.length === 1
  ) {
    for (const verify of [true, false]) {
      add({
        name: `reference/by-hand/vxlan-stack${verify ? '' : ' (verifyChecksums: false)'}`,
        group: 'baseline',
        run(n) {
          let x = 0;
          for (let i = 0; i < n; i++) x += byHand.decodeByHand(PKT, verify).layers.length;
          sink.n += x;
          sink.v = byHand.decodeByHand(PKT, verify);
        },
      });
    }
  } else notes.push('the by-hand reference decoder does not match decodeStack on the benchmark packet: its rows were skipped.');
}

// node_pcap (optional: its native build needs libpcap-dev, so it is never a dependency)
{
  // Where `bash benchmarks/optional-baselines.sh` installs it, else wherever `require('pcap')` resolves.
  const requirers = [createRequire(join(HERE, '.optional', 'package.json')), createRequire(import.meta.url)];
  let nodePcap;
  let EthernetPacket;
  let failure;
  for (const require of requirers) {
    try {
      nodePcap = require('pcap');
      EthernetPacket = require('pcap/decode').EthernetPacket;
      notes.push(`node_pcap: \`pcap\` ${require('pcap/package.json').version} from ${require.resolve('pcap')}.`);
      break;
    } catch (e) {
      failure ??= e;
    }
  }
  if (!nodePcap)
    notes.push(
      `node_pcap (\`pcap\` on npm) is not installed (${failure?.code ?? failure?.message}): its baseline and the "≤ 0.3× node_pcap" target were skipped. \`bash benchmarks/optional-baselines.sh\` installs it (with Debian's libpcap-dev).`,
    );
  if (nodePcap) {
    const keepNodePcap = { packet: undefined, ethernet: undefined };
    const buf = Buffer.from(PKT);
    const raw = { buf, header: Buffer.alloc(16), link_type: 'LINKTYPE_ETHERNET' };
    raw.header.writeUInt32LE(PKT.length, 8);
    raw.header.writeUInt32LE(PKT.length, 12);
    add({
      name: 'baseline/node_pcap/decode.packet',
      group: 'baseline',
      run(n) {
        let x = 0;
        let p;
        for (let i = 0; i < n; i++) {
          p = nodePcap.decode.packet(raw);
          x += p.payload ? 1 : 0;
        }
        sink.n += x;
        // Keep the last result: a full GC with no instance of its classes alive would throw away the code
        // V8 optimised for them (the same care our own decoders take), and make node_pcap look slower.
        keepNodePcap.packet = p;
      },
    });
    // Its Ethernet decoder alone (IPv4 and UDP below it; node_pcap does not decode VXLAN), without the
    // pcap record header: the closest to our outer decode, and the baseline the target is judged on.
    add({
      name: 'baseline/node_pcap/EthernetPacket.decode',
      group: 'baseline',
      run(n) {
        let x = 0;
        let p;
        for (let i = 0; i < n; i++) {
          p = new EthernetPacket().decode(buf, 0);
          x += p.payload.payload.dport;
        }
        sink.n += x;
        keepNodePcap.ethernet = p;
      },
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Run

const FILTERS = FILTER ? FILTER.split(',') : [];
const selected = FILTER ? cases.filter((c) => FILTERS.some((f) => c.name.includes(f))) : cases;
const results = new Map();
const started = Date.now();
for (const [i, c] of selected.entries()) {
  progress(`[${i + 1}/${selected.length}] ${c.name} ... `);
  try {
    const r = c.rounds ? measureRuns(c.run, c.rounds) : await measure(c.run, { roundNs: ROUND_NS, rounds: ROUNDS, clock: CLOCK });
    results.set(c.name, r);
    progress(`${fmt(r.median)} ns/op\n`);
  } catch (e) {
    progress('failed\n');
    notes.push(`${c.name} failed: ${e?.stack ?? e}`);
    console.error(`[bench] ${c.name} failed:`, e);
  }
}

// Paired ratios. The ratio targets compare two cases measured minutes apart, and on this shared machine the load
// changes in between (one case's median alone moves by up to 2× from run to run). So each pair below is also
// measured in alternating back-to-back rounds (ab, ba, ...; both already warm, with the n found above): the median
// of the per-pair ratios is what the ratio targets are judged on, and the separate medians are shown beside it.
const PAIRS = [
  ['decode/vxlan-stack', 'baseline/binary-parser/vxlan-stack (text)'],
  // The same work as binary-parser's: it verifies no checksum (and records no issues).
  ['decode/vxlan-stack (verifyChecksums: false)', 'baseline/binary-parser/vxlan-stack (text)'],
  ['fast/vxlan-stack', 'baseline/binary-parser/vxlan-stack (numeric)'],
  ['view/inner-5tuple', 'baseline/binary-parser/inner-5tuple (numeric)'],
  ['decode/outer-eth-ipv4-udp', 'baseline/node_pcap/EthernetPacket.decode'],
  ['decode/vxlan-stack', 'reference/by-hand/vxlan-stack'],
  ['decode/vxlan-stack (verifyChecksums: false)', 'reference/by-hand/vxlan-stack (verifyChecksums: false)'],
];
/** `a + ' | ' + b` → `{ ratios, min, median, max }` of b's ns/op ÷ a's. */
const paired = new Map();
{
  const byName = new Map(selected.map((c) => [c.name, c]));
  const todo = PAIRS.filter(([a, b]) => results.get(a)?.n && results.get(b)?.n && byName.has(a) && byName.has(b));
  for (const [i, [a, b]] of todo.entries()) {
    progress(`[paired ${i + 1}/${todo.length}] ${a} / ${b} ... `);
    try {
      const r = await measurePaired(byName.get(a).run, results.get(a).n, byName.get(b).run, results.get(b).n, {
        rounds: ROUNDS,
        clock: CLOCK,
      });
      paired.set(`${a} | ${b}`, r);
      progress(`${r.median.toFixed(2)}×\n`);
    } catch (e) {
      progress('failed\n');
      notes.push(`paired ${a} / ${b} failed: ${e?.stack ?? e}`);
    }
  }
}
/** "b ÷ a = median (min – max), paired" for the reports. */
const pairedText = (a, b) => {
  const p = paired.get(`${a} | ${b}`);
  return p ? `${p.median.toFixed(2)} (${p.min.toFixed(2)} – ${p.max.toFixed(2)})` : undefined;
};

/** For cases that time themselves (`run()` returns `{ ops, ns }`): `rounds` calls, min/median/max ns per op. */
function measureRuns(run, rounds) {
  const per = [];
  for (let i = 0; i < rounds; i++) {
    const { ops, ns } = run();
    per.push(ns / ops);
  }
  const sorted = [...per].sort((a, b) => a - b);
  return { n: rounds, rounds: per, min: sorted[0], median: sorted[sorted.length >> 1], max: sorted[sorted.length - 1] };
}

// Native reference (C), run as a child process.
const native = runNative();
if (native) for (const [k, v] of Object.entries(native)) results.set(`native/${k}`, v);

function runNative() {
  const src = join(HERE, 'c', 'stack.c');
  let gcc;
  try {
    gcc = execFileSync('sh', ['-c', 'command -v gcc || command -v cc'], { encoding: 'utf8' }).trim();
  } catch {
    gcc = '';
  }
  if (!gcc) {
    notes.push('gcc is not installed: the native C reference was skipped.');
    return undefined;
  }
  const dir = mkdtempSync(join(os.tmpdir(), 'wirestack-native-'));
  try {
    const exe = join(dir, 'stack');
    execFileSync(gcc, ['-O2', '-o', exe, src], { stdio: ['ignore', 'ignore', 'pipe'] });
    progress('[native] C reference ... ');
    const hex = Buffer.from(PKT).toString('hex');
    const out = execFileSync(exe, [hex, String(ROUND_NS / 1e6)], { encoding: 'utf8' });
    progress('done\n');
    notes.push(`native/*: benchmarks/c/stack.c built with \`${gcc} -O2\`, same packet, same rounds.`);
    return JSON.parse(out);
  } catch (e) {
    notes.push(`native C reference failed: ${e.message}`);
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function fmt(ns) {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)}e6`;
  if (ns >= 100) return ns.toFixed(0);
  if (ns >= 10) return ns.toFixed(1);
  return ns.toFixed(2);
}
function fmtOps(ns) {
  const ops = 1e9 / ns;
  if (ops >= 1e6) return `${(ops / 1e6).toFixed(2)} M`;
  if (ops >= 1e3) return `${(ops / 1e3).toFixed(1)} k`;
  return ops.toFixed(0);
}

const rows = [];
const targets = [];
for (const c of selected) {
  const r = results.get(c.name);
  if (!r) continue;
  const thr = c.bytes ? `${(c.bytes / r.median).toFixed(2)} GB/s` : '';
  const ratios = (c.baseline ?? [])
    .map((b) => {
      const br = results.get(b);
      if (!br) return undefined;
      const x = br.median / r.median;
      return `${x >= 1 ? `${x.toFixed(1)}× faster` : `${(1 / x).toFixed(1)}× slower`} than ${b.replace(/^baseline\//, '')}`;
    })
    .filter(Boolean)
    .join('; ');
  rows.push(`| ${c.name} | ${fmt(r.median)} | ${fmt(r.min)} – ${fmt(r.max)} | ${fmtOps(r.median)} | ${thr} | ${ratios} |`);
  const t = c.target?.(r, results);
  if (t)
    targets.push(
      `| ${c.name} | ${t.goal} | ${fmt(r.median)} ns${c.unit ? ` (${fmtOps(r.median)} ${c.unit}s/s)` : thr ? ` (${thr})` : ''}${t.detail ? `; ${t.detail}` : ''} | ${t.met === undefined ? 'not measured' : t.met ? 'met' : '**missed**'} |`,
    );
}
for (const [k, v] of results) {
  if (!k.startsWith('native/')) continue;
  const bytes = k.includes('checksum-1500') ? ` | ${(1500 / v.median).toFixed(2)} GB/s` : ' | ';
  rows.push(`| ${k} | ${fmt(v.median)} | ${fmt(v.min)} – ${fmt(v.max)} | ${fmtOps(v.median)}${bytes} | C, gcc -O2 |`);
}
// ≥ 5× faster than binary-parser: judged on the paired ratio when it was measured (see PAIRS), else on the medians.
for (const [a, b] of PAIRS.filter(([, b]) => b.includes('binary-parser'))) {
  const ra = results.get(a);
  const rb = results.get(b);
  if (!ra || !rb) continue;
  const sep = rb.median / ra.median;
  const p = paired.get(`${a} | ${b}`);
  const x = p ? p.median : sep;
  const shown = p
    ? `${x.toFixed(1)}× paired (${p.min.toFixed(1)} – ${p.max.toFixed(1)}); ${sep.toFixed(1)}× from the medians`
    : `${x.toFixed(1)}×`;
  targets.push(`| ${a} vs ${b.replace(/^baseline\//, '')} | ≥ 5× faster | ${shown} | ${x >= 5 ? 'met' : '**missed**'} |`);
}

const cpus = os.cpus();
const header = [
  '# wirestack benchmark results',
  '',
  `- machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${os.platform()} ${os.release()} (${os.arch()})`,
  `- Node ${process.version} (V8 ${process.versions.v8}), run with --expose-gc: ${typeof globalThis.gc === 'function'}`,
  `- date: ${new Date().toISOString()}`,
  `- method: after a warm-up (at least one round's time, until the time per operation stops falling by > 10%), ${ROUNDS} rounds per case, each a batch of N operations sized to ~${ROUND_NS / 1e6} ms of ${CLOCK === 'cpu' ? 'CPU time (process.cpuUsage: the cores are shared with other work, and elapsed time would count the time spent waiting for one)' : 'elapsed time'}, GC before each round; ns/op median (min – max over rounds); total ${((Date.now() - started) / 1000).toFixed(0)} s`,
  `- packet: fixtures/captures/vxlan.pcap, the first Ethernet/IPv4/UDP/VXLAN/Ethernet/IPv4/UDP/raw frame (${PKT.length} bytes; decodeStack path \`${path}\`)`,
  '',
];
const table = ['| case | median ns/op | min – max | ops/s | throughput | vs baselines |', '|---|---:|---:|---:|---:|---|', ...rows];
const targetTable = ['| case | target | median | status |', '|---|---|---|---|', ...targets];
const pairedTable = paired.size
  ? [
      '| case a | case b | b ÷ a, paired: median (min – max) | b ÷ a from the two medians |',
      '|---|---|---:|---:|',
      ...PAIRS.filter(([a, b]) => paired.has(`${a} | ${b}`)).map(
        ([a, b]) => `| ${a} | ${b} | ${pairedText(a, b)} | ${(results.get(b).median / results.get(a).median).toFixed(2)} |`,
      ),
    ]
  : [];
const analysisPath = join(HERE, 'analysis.md');
const analysis = existsSync(analysisPath) ? readFileSync(analysisPath, 'utf8').trim() : '';
const md = [
  ...header,
  '## Results',
  '',
  ...table,
  '',
  '## Targets (issue #6)',
  '',
  ...targetTable,
  '',
  ...(pairedTable.length
    ? [
        `## Paired ratios (${ROUNDS} alternating back-to-back rounds per pair, after the cases above; ratio targets are judged on these)`,
        '',
        ...pairedTable,
        '',
      ]
    : []),
  '## Notes',
  '',
  ...notes.map((n) => `- ${n}`),
  '',
  ...(analysis ? [analysis, ''] : []),
].join('\n');

console.log(['', ...table, '', ...targetTable, '', ...pairedTable, '', ...notes.map((n) => `- ${n}`)].join('\n'));
if (!NO_WRITE && !FILTER) {
  writeFileSync(join(HERE, 'RESULTS.md'), md);
  console.log(`\nwrote ${join(HERE, 'RESULTS.md')}`);
}
