/**
 * `EspSa` (RFC 4303 + RFC 4106 AES-GCM): WebCrypto checked against the GCM specification's test cases, the
 * ESP framing against draft-mcgrew-gcm-test-01 and Scapy 2.5 (fixtures/esp/esp.json), then round trips,
 * tampering, anti-replay and padding.
 */
import { test } from '@fast-check/vitest';
import { EncodeError, toHex } from '@wirestack/core';
import { EspError, type EspErrorReason, EspNextHeader, EspSa } from '@wirestack/esp';
import { hex } from '@wirestack/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbKeymat, arbSpi } from './arbitraries.js';
import { SCAPY } from './scapy-fixture.js';

const subtle = globalThis.crypto.subtle;

async function gcmEncrypt(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array): Promise<Uint8Array> {
  const k = await subtle.importKey('raw', key.slice(), 'AES-GCM', false, ['encrypt']);
  return new Uint8Array(
    await subtle.encrypt({ name: 'AES-GCM', iv: nonce.slice(), additionalData: aad.slice(), tagLength: 128 }, k, pt.slice()),
  );
}

/** An ESP packet built with WebCrypto directly from a given plaintext (for padding cases EspSa never produces). */
async function rawEsp(keymat: Uint8Array, spi: number, seq: number, iv: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  const head = new Uint8Array(8);
  new DataView(head.buffer).setUint32(0, spi);
  new DataView(head.buffer).setUint32(4, seq);
  const salt = keymat.subarray(keymat.length - 4);
  const nonce = new Uint8Array([...salt, ...iv]);
  const ct = await gcmEncrypt(keymat.subarray(0, keymat.length - 4), nonce, head, plaintext);
  return new Uint8Array([...head, ...iv, ...ct]);
}

async function reasonOf(p: Promise<unknown>): Promise<EspErrorReason | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (!(e instanceof EspError)) throw e;
    return e.reason;
  }
}

// McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)" (the specification submitted to NIST), Appendix B
// test cases. Nonce = the 96-bit IV of the test case. Values as published there.
const GCM_P =
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
const GCM_A = 'feedfacedeadbeeffeedfacedeadbeefabaddad2';
const K128 = 'feffe9928665731c6d6a8f9467308308';
const GCM_CASES: Array<{ tc: number; key: string; iv: string; p: string; a: string; c: string; t: string }> = [
  { tc: 1, key: '0'.repeat(32), iv: '0'.repeat(24), p: '', a: '', c: '', t: '58e2fccefa7e3061367f1d57a4e7455a' },
  {
    tc: 2,
    key: '0'.repeat(32),
    iv: '0'.repeat(24),
    p: '0'.repeat(32),
    a: '',
    c: '0388dace60b6a392f328c2b971b2fe78',
    t: 'ab6e47d42cec13bdf53a67b21257bddf',
  },
  {
    tc: 3,
    key: K128,
    iv: 'cafebabefacedbaddecaf888',
    p: GCM_P,
    a: '',
    c: '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985',
    t: '4d5c2af327cd64a62cf35abd2ba6fab4',
  },
  {
    tc: 4,
    key: K128,
    iv: 'cafebabefacedbaddecaf888',
    p: GCM_P.slice(0, 120),
    a: GCM_A,
    c: '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091',
    t: '5bc94fbc3221a5db94fae95ae7121a47',
  },
  {
    tc: 8,
    key: '0'.repeat(48),
    iv: '0'.repeat(24),
    p: '0'.repeat(32),
    a: '',
    c: '98e7247c07f0fe411c267e4384b0f600',
    t: '2ff58d80033927ab8ef4d4587514f0fb',
  },
  {
    tc: 10,
    key: `${K128}feffe9928665731c`,
    iv: 'cafebabefacedbaddecaf888',
    p: GCM_P.slice(0, 120),
    a: GCM_A,
    c: '3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710',
    t: '2519498e80f1478f37ba55bd6d27618c',
  },
  {
    tc: 14,
    key: '0'.repeat(64),
    iv: '0'.repeat(24),
    p: '0'.repeat(32),
    a: '',
    c: 'cea7403d4d606b6e074ec5d3baf39d18',
    t: 'd0d1c8a799996bf0265b98b5d48ab919',
  },
  {
    tc: 16,
    key: K128 + K128,
    iv: 'cafebabefacedbaddecaf888',
    p: GCM_P.slice(0, 120),
    a: GCM_A,
    c: '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662',
    t: '76fc6ece0f4e1768cddf8853bb2d551b',
  },
];

describe('WebCrypto AES-GCM against the GCM specification test cases', () => {
  for (const c of GCM_CASES)
    it(`test case ${c.tc} (AES-${c.key.length * 4})`, async () => {
      expect(toHex(await gcmEncrypt(hex(c.key), hex(c.iv), hex(c.a), hex(c.p)))).toBe(c.c + c.t);
    });
});

// draft-mcgrew-gcm-test-01 (Test Cases for GCM and GMAC in IPsec ESP, 2009), the cases with a 32-bit sequence
// number: keying material = key || salt, AAD = SPI || sequence, then IV, ciphertext and ICV as published.
const DRAFT: Array<{ name: string; keymat: string; aad: string; iv: string; ct: string; icv: string; plaintext?: string }> = [
  {
    name: 'AES-128, SPI 0x0000a5f8, seq 10',
    keymat: 'feffe9928665731c6d6a8f9467308308cafebabe',
    aad: '0000a5f80000000a',
    iv: 'facedbaddecaf888',
    ct: 'deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f1ba76d5d114d2a5c3de81827c10e9a4f51330d0eec416642cfbb85a5b47e48a4ec3b9ba95d918bd1',
    icv: '83b70d3aa8bc6ee4c309e9d85a41ad4a',
  },
  {
    name: 'AES-256, SPI 0x4a2cbfe3, seq 2',
    keymat: 'abbccddef00112233445566778899aababbccddef00112233445566778899aab11223344',
    aad: '4a2cbfe300000002',
    iv: '0102030405060708',
    ct: 'ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763748a637985771d347f0545659f14e99def842d8e',
    icv: 'b335f4eecfdbf831824b4c4915956c96',
  },
  {
    name: 'AES-192, SPI 0x0000a5f8, seq 10',
    keymat: 'feffe9928665731c6d6a8f9467308308feffe9928665731ccafebabe',
    aad: '0000a5f80000000a',
    iv: 'facedbaddecaf888',
    ct: 'a5b1f8066029aea40e598b8122de02420938b3ab33f828e687b8858b5bfbdbd0315b27452144cc77',
    icv: '95457b9652037f5318027b5b4cd7a636',
    plaintext: '45000028a4ad4000400678800a01038f0a010612802306b8cb712602dd6bb03e501016d075680001',
  },
  {
    name: 'AES-128, SPI 0x335467ae, seq 0xffffffff',
    keymat: '7d773d00c144c525ac619d18c84a3f47d9664267',
    aad: '335467aeffffffff',
    iv: '43457e9182443bc6',
    ct: '437f866b',
    icv: 'cb3f699fe9b0822bac961c4504bef270',
  },
];

describe('ESP framing against draft-mcgrew-gcm-test-01', () => {
  for (const d of DRAFT)
    it(d.name, async () => {
      const aad = hex(d.aad);
      const spi = new DataView(aad.buffer).getUint32(0);
      const sa = await EspSa.create({ spi, key: hex(d.keymat) });
      const packet = hex(d.aad + d.iv + d.ct + d.icv);
      const r = await sa.open(packet);
      expect(r.sequence).toBe(new DataView(aad.buffer).getUint32(4));
      // The whole plaintext is payload || padding || Pad Length || Next Header.
      const pad = Array.from({ length: r.padLength }, (_, i) => i + 1);
      const plain = toHex(new Uint8Array([...r.payload, ...pad, r.padLength, r.nextHeader]));
      expect(plain.length).toBe(d.ct.length);
      if (d.plaintext) expect(plain).toBe(d.plaintext);
      // Any change to the ICV is refused.
      packet[packet.length - 1]! ^= 1;
      expect(await reasonOf((await EspSa.create({ spi, key: hex(d.keymat) })).open(packet))).toBe('auth-failed');
    });
});

describe('EspSa against Scapy 2.5 (fixtures/esp/esp.json)', () => {
  for (const v of SCAPY.packets)
    it(v.name, async () => {
      const rx = await EspSa.create({ spi: v.spi, key: hex(v.key) });
      const r = await rx.open(hex(v.esp));
      expect(toHex(r.payload)).toBe(v.inner);
      expect([r.nextHeader, r.sequence, r.dummy]).toEqual([v.nextHeader, v.sequence, false]);
      // Sealing the same inner packet with the same sequence number and IV gives Scapy's bytes exactly.
      const tx = await EspSa.create({ spi: v.spi, key: hex(v.key), initialSequence: v.sequence, ivSource: () => hex(v.iv) });
      expect(toHex(await tx.seal(hex(v.inner), v.nextHeader))).toBe(v.esp);
    });
});

describe('EspSa round trips', () => {
  test.prop(
    [arbSpi(), arbKeymat(), fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 2 ** 32 - 1 })],
    {
      numRuns: 200,
    },
  )('open(seal(x)) == x, aligned, padded 1, 2, 3', async (spi, key, payload, nh, seq) => {
    const sa = await EspSa.create({ spi, key, initialSequence: seq });
    const sealed = await sa.seal(payload, nh);
    expect(sealed.length % 4).toBe(0);
    expect(sealed.length).toBe(8 + 8 + Math.ceil((payload.length + 2) / 4) * 4 + 16);
    expect(new DataView(sealed.buffer).getUint32(0)).toBe(spi);
    expect(new DataView(sealed.buffer).getUint32(4)).toBe(seq);
    // Default IV: the 64-bit counter.
    expect(toHex(sealed, 8, 16)).toBe(`00000000${seq.toString(16).padStart(8, '0')}`);
    const r = await sa.open(sealed);
    expect(r.payload).toEqual(payload);
    expect([r.nextHeader, r.sequence, r.padLength, r.dummy]).toEqual([nh, seq, (4 - ((payload.length + 2) % 4)) % 4, nh === 59]);
  });

  test.prop([arbSpi(), arbKeymat(), fc.uint8Array({ minLength: 0, maxLength: 64 }), fc.nat()], { numRuns: 150 })(
    'any single bit flip is refused with an EspError: auth-failed, wrong-spi in the SPI, replay only for sequence 0',
    async (spi, key, payload, pick) => {
      const sa = await EspSa.create({ spi, key });
      const sealed = await sa.seal(payload, 4);
      const bit = pick % (sealed.length * 8);
      const bad = sealed.slice();
      bad[bit >>> 3]! ^= 0x80 >>> (bit & 7);
      const reason = await reasonOf(sa.open(bad));
      const seq = new DataView(bad.buffer).getUint32(4);
      expect(reason).toBe(bit < 32 ? 'wrong-spi' : seq === 0 ? 'replay' : 'auth-failed');
      // The untouched packet still opens afterwards: a forgery moves no window.
      expect((await sa.open(sealed)).payload).toEqual(payload);
    },
  );

  it('every bit of one packet, exhaustively', async () => {
    const key = hex('000102030405060708090a0b0c0d0e0f1011121314151617deadbeef');
    const sa = await EspSa.create({ spi: 0x1000, key, initialSequence: 3 });
    const sealed = await sa.seal(hex('4500001c0000000040110000c6120001c6120002'), 4);
    const counts: Record<string, number> = {};
    for (let bit = 0; bit < sealed.length * 8; bit++) {
      const bad = sealed.slice();
      bad[bit >>> 3]! ^= 0x80 >>> (bit & 7);
      const r = await reasonOf(sa.open(bad));
      counts[r] = (counts[r] ?? 0) + 1;
    }
    expect(counts).toEqual({ 'wrong-spi': 32, 'auth-failed': sealed.length * 8 - 32 });
  });

  it('Ethernet frames (143), dummy packets (59), offsets and ends', async () => {
    const sa = await EspSa.create({ spi: 7, key: new Uint8Array(36).fill(9) });
    const frame = hex('ffffffffffff02000000000108060001');
    const sealed = await sa.seal(frame, EspNextHeader.Ethernet);
    const big = new Uint8Array(sealed.length + 10).fill(0xee);
    big.set(sealed, 3);
    const r = await sa.open(big, 3, 3 + sealed.length);
    expect([toHex(r.payload), r.nextHeader, r.dummy]).toEqual([toHex(frame), 143, false]);
    const dummy = await sa.open(await sa.seal(new Uint8Array(20), EspNextHeader.NoNextHeader));
    expect([dummy.dummy, dummy.nextHeader, dummy.payload.length]).toEqual([true, 59, 20]);
    // Trailing bytes past `end` (for instance an Ethernet trailer) must be cut off by the caller.
    const fresh = await EspSa.create({ spi: 7, key: new Uint8Array(36).fill(9) });
    expect(await reasonOf(fresh.open(big, 3))).toBe('auth-failed');
    expect((await fresh.open(big, 3, 3 + sealed.length)).nextHeader).toBe(143);
  });
});

describe('anti-replay (RFC 4303 §3.4.3)', () => {
  const key = new Uint8Array(20).fill(1);
  async function pair(window?: number) {
    const tx = await EspSa.create({ spi: 0x42, key });
    const rx = await EspSa.create({ spi: 0x42, key, ...(window !== undefined ? { replayWindow: window } : {}) });
    const packets: Uint8Array[] = [new Uint8Array(0)];
    for (let i = 1; i <= 200; i++) packets.push(await tx.seal(new Uint8Array([i & 0xff]), 4));
    return { rx, packets };
  }

  it('the same packet twice: replay', async () => {
    const { rx, packets } = await pair();
    expect((await rx.open(packets[1]!)).sequence).toBe(1);
    expect(await reasonOf(rx.open(packets[1]!))).toBe('replay');
  });

  it('out of order inside the window is accepted once; at or past the left edge is refused', async () => {
    const { rx, packets } = await pair();
    expect((await rx.open(packets[70]!)).sequence).toBe(70);
    expect(rx.highestReceived).toBe(70);
    expect((await rx.open(packets[10]!)).sequence).toBe(10); // 70 - 10 = 60 < 64
    expect(await reasonOf(rx.open(packets[10]!))).toBe('replay');
    expect((await rx.open(packets[7]!)).sequence).toBe(7); // 63 < 64: the oldest number still inside
    expect(await reasonOf(rx.open(packets[6]!))).toBe('replay'); // 64 behind: too old
    expect((await rx.open(packets[69]!)).sequence).toBe(69);
    expect((await rx.open(packets[71]!)).sequence).toBe(71);
    expect((await rx.open(packets[200]!)).sequence).toBe(200); // a jump clears the bitmap
    expect(await reasonOf(rx.open(packets[136]!))).toBe('replay');
    expect((await rx.open(packets[137]!)).sequence).toBe(137);
    expect(await reasonOf(rx.open(packets[71]!))).toBe('replay');
  });

  it('a random arrival order accepts each sequence number at most once, never one left of the window', async () => {
    const { packets } = await pair();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 100 }),
        async (order, w) => {
          const rx = await EspSa.create({ spi: 0x42, key, replayWindow: w });
          const seen = new Set<number>();
          let top = 0;
          for (const s of order) {
            const reason = await reasonOf(rx.open(packets[s]!));
            const expected = !seen.has(s) && (s > top || top - s < w);
            expect(reason, `seq ${s} after top ${top}, window ${w}`).toBe(expected ? 'ok' : 'replay');
            if (expected) {
              seen.add(s);
              top = Math.max(top, s);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('replayWindow 0 turns anti-replay off', async () => {
    const { rx, packets } = await pair(0);
    await rx.open(packets[5]!);
    expect((await rx.open(packets[5]!)).sequence).toBe(5);
  });

  it('the window moves only after the ICV verifies, and a duplicate in flight loses', async () => {
    const { rx, packets } = await pair();
    const forged = packets[150]!.slice();
    forged[forged.length - 1]! ^= 1;
    expect(await reasonOf(rx.open(forged))).toBe('auth-failed');
    expect(rx.highestReceived).toBe(0);
    expect((await rx.open(packets[3]!)).sequence).toBe(3);
    const both = await Promise.all([reasonOf(rx.open(packets[4]!)), reasonOf(rx.open(packets[4]!))]);
    expect(both.sort()).toEqual(['ok', 'replay']);
    // A duplicate is refused before any crypto, even when it is also damaged.
    const damaged = packets[3]!.slice();
    damaged[20]! ^= 1;
    expect(await reasonOf(rx.open(damaged))).toBe('replay');
  });

  it('sequence number 0 is never accepted', async () => {
    const keymat = new Uint8Array(20).fill(1);
    const p = await rawEsp(keymat, 0x42, 0, new Uint8Array(8), hex('01020204'));
    expect(await reasonOf((await EspSa.create({ spi: 0x42, key: keymat })).open(p))).toBe('replay');
    expect((await (await EspSa.create({ spi: 0x42, key: keymat, replayWindow: 0 })).open(p)).payload).toEqual(new Uint8Array(0));
  });
});

describe('EspSa errors', () => {
  const keymat = hex('00112233445566778899aabbccddeeff01020304');
  it('wrong SPI, truncation', async () => {
    const a = await EspSa.create({ spi: 1000, key: keymat });
    const b = await EspSa.create({ spi: 1001, key: keymat });
    const sealed = await a.seal(new Uint8Array(5), 4);
    let err: unknown;
    try {
      await b.open(sealed);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EspError);
    expect([
      (err as EspError).reason,
      (err as EspError).code,
      (err as EspError).layer,
      (err as EspError).field,
      (err as EspError).offset,
    ]).toEqual(['wrong-spi', 'unsupported', 'esp', 'spi', 0]);
    expect((err as Error).name).toBe('EspError');
    for (let len = 0; len < 34; len++) expect(await reasonOf(a.open(sealed.subarray(0, len)))).toBe('truncated');
    expect(await reasonOf(a.open(sealed, sealed.length + 5))).toBe('truncated');
    expect(await reasonOf(a.open(sealed.subarray(0, 34)))).toBe('auth-failed');
  });

  it('bad padding behind a valid ICV', async () => {
    const sa = () => EspSa.create({ spi: 5, key: keymat });
    const iv = hex('0102030405060708');
    const cases: Array<[string, EspErrorReason | 'ok', number?]> = [
      ['aabb01020204', 'ok', 2],
      ['aabb01030204', 'bad-padding'],
      ['aabb00000204', 'bad-padding'],
      ['0004', 'ok', 0],
      ['0504', 'bad-padding'],
      ['aa0504', 'bad-padding'],
      ['01020304050504', 'ok', 5],
      ['01020304050604', 'bad-padding'],
      ['ff04', 'bad-padding'],
    ];
    for (const [plain, expected, padLength] of cases) {
      const p = await rawEsp(keymat, 5, 9, iv, hex(plain));
      expect(await reasonOf((await sa()).open(p)), plain).toBe(expected);
      if (padLength !== undefined) expect((await (await sa()).open(p)).padLength).toBe(padLength);
    }
  });

  it('sequence exhaustion after 2^32-1 (RFC 4303 §3.3.3)', async () => {
    const sa = await EspSa.create({ spi: 5, key: keymat, initialSequence: 0xffffffff });
    const last = await sa.seal(new Uint8Array(1), 4);
    expect(toHex(last, 4, 8)).toBe('ffffffff');
    expect(await reasonOf(sa.seal(new Uint8Array(1), 4))).toBe('sequence-exhausted');
    expect(sa.sequence).toBe(2 ** 32);
  });

  it('bad options and IVs throw EncodeError', async () => {
    for (const opts of [
      { spi: 0, key: keymat },
      { spi: 2 ** 32, key: keymat },
      { spi: 1, key: new Uint8Array(16) },
      { spi: 1, key: new Uint8Array(21) },
      { spi: 1, key: keymat, replayWindow: -1 },
      { spi: 1, key: keymat, replayWindow: 1.5 },
      { spi: 1, key: keymat, initialSequence: 0 },
    ])
      await expect(EspSa.create(opts)).rejects.toBeInstanceOf(EncodeError);
    const sa = await EspSa.create({ spi: 1, key: keymat, ivSource: () => new Uint8Array(12) });
    await expect(sa.seal(new Uint8Array(1), 4)).rejects.toBeInstanceOf(EncodeError);
    expect(sa.sequence).toBe(1);
    await expect((await EspSa.create({ spi: 1, key: keymat })).seal(new Uint8Array(1), 256)).rejects.toBeInstanceOf(EncodeError);
  });
});
