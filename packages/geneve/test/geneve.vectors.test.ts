import { createRegistry, DecodeError, defineLayer, EncodeError, type LayerObject, toHex } from '@wirestack/core';
import {
  decodeGeneve,
  encodeGeneve,
  GENEVE_MAX_OPTIONS,
  GeneveView,
  geneve,
  geneveEncodingLength,
  geneveHeaderLength,
  isCriticalOption,
} from '@wirestack/geneve';
import { hex } from '@wirestack/testkit';
import { describe, expect, it } from 'vitest';

const stub = (id: string, value: number) =>
  defineLayer<{ layer: string }>({ id, headerLength: 1, binds: [{ table: 'ethertype', value }], parse: () => ({}), write: () => 1 });

function decodeErr(f: () => unknown): DecodeError {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('geneve byte vectors (Scapy 2.5)', () => {
  it('no options', () => {
    // bytes(GENEVE(vni=0xabcdef, proto=0x6558))
    const b = hex('00006558abcdef00');
    expect(decodeGeneve(b)).toEqual({
      layer: 'geneve',
      version: 0,
      optionsLength: 0,
      oam: false,
      critical: false,
      protocolType: 0x6558,
      vni: 0xabcdef,
      options: [],
    });
    const out = new Uint8Array(8);
    expect(encodeGeneve({ layer: 'geneve', protocolType: 0x6558, vni: 0xabcdef }, out)).toBe(8);
    expect(toHex(out)).toBe(toHex(b));
  });
  it('two options, O and C set', () => {
    // bytes(GENEVE(vni=0x000102, proto=0x0800, oam=1, critical=1, options=[GeneveOptions(classid=0x0102,type=0x80,data=b"\x01\x02\x03\x04"), GeneveOptions(classid=0xffff,type=0x01,data=b"")]))
    const b = hex('03c00800000102000102800101020304ffff0100');
    const h = decodeGeneve(b);
    expect(h).toEqual({
      layer: 'geneve',
      version: 0,
      optionsLength: 3,
      oam: true,
      critical: true,
      protocolType: 0x0800,
      vni: 0x000102,
      options: [
        { class: 0x0102, type: 0x80, data: '01020304' },
        { class: 0xffff, type: 0x01, data: '' },
      ],
    });
    expect(h.options.map((o) => isCriticalOption(o))).toEqual([true, false]);
    expect(isCriticalOption(0x7f)).toBe(false);
    expect(geneveHeaderLength(b)).toBe(20);
    const input = { layer: 'geneve' as const, oam: true, critical: true, protocolType: 0x0800, vni: 0x102, options: h.options };
    expect(geneveEncodingLength(input)).toBe(20);
    const out = new Uint8Array(20);
    encodeGeneve(input, out);
    expect(toHex(out)).toBe(toHex(b));
    const v = GeneveView.from(b);
    expect([v.optionsLength, v.headerLength, toHex(v.optionBytes), v.payload.length]).toEqual([3, 20, toHex(b.subarray(8)), 0]);
  });
  it('keeps reserved bits of the header and of options', () => {
    const b = hex('02156558000001aa' + '0001' + '42' + 'e1' + 'deadbeef');
    const h = decodeGeneve(b);
    expect(h).toEqual({
      layer: 'geneve',
      version: 0,
      optionsLength: 2,
      oam: false,
      critical: false,
      protocolType: 0x6558,
      vni: 1,
      options: [{ class: 1, type: 0x42, data: 'deadbeef', reserved: 7 }],
      reserved1: 0x15,
      reserved2: 0xaa,
    });
    const out = new Uint8Array(b.length);
    encodeGeneve(h, out);
    expect(toHex(out)).toBe(toHex(b));
  });
  it('a 124-byte option (the largest)', () => {
    const data = 'ab'.repeat(124);
    const h = { layer: 'geneve' as const, protocolType: 0x0800, options: [{ class: 7, type: 1, data }] };
    const out = new Uint8Array(geneveEncodingLength(h));
    expect(out.length).toBe(136);
    encodeGeneve(h, out);
    expect(decodeGeneve(out).options).toEqual([{ class: 7, type: 1, data }]);
    expect(decodeGeneve(out).optionsLength).toBe(32);
  });
  it('writes a given optionsLength as given', () => {
    const out = new Uint8Array(12);
    encodeGeneve({ layer: 'geneve', optionsLength: 5, options: [{ class: 1, type: 2, data: '' }] }, out);
    expect(toHex(out)).toBe('05000000000000000001020' + '0');
    expect(decodeErr(() => decodeGeneve(out)).code).toBe('truncated');
  });
});

describe('geneve decode errors', () => {
  it('bad-version for versions 1..3', () => {
    for (const v of [1, 2, 3]) {
      const e = decodeErr(() => decodeGeneve(hex(`${(v << 6).toString(16)}0065580000000000`)));
      expect([e.code, e.field]).toEqual(['bad-version', 'version']);
    }
  });
  it('truncated when optionsLength points past the end', () => {
    const e = decodeErr(() => decodeGeneve(hex('010065580000000000010200'), 0, 11));
    expect([e.code, e.required, e.actual]).toEqual(['truncated', 12, 11]);
    expect(decodeErr(() => GeneveView.from(hex('0200655800000000'))).code).toBe('truncated');
  });
  it('malformed when an option overruns optionsLength', () => {
    // Opt Len 2 (8 bytes): a first option with 4 data bytes fits exactly; with 8 it overruns.
    expect(decodeGeneve(hex('0200655800000000' + '00010201' + '00000000')).options).toEqual([{ class: 1, type: 2, data: '00000000' }]);
    const e = decodeErr(() => decodeGeneve(hex('0200655800000000' + '00010202' + '00000000' + 'ffffffff')));
    expect([e.code, e.layer, e.offset]).toEqual(['malformed', 'geneve', 8]);
    const m = decodeErr(() => decodeGeneve(hex('0100655800000000' + '00010201' + 'aabbccdd')));
    expect([m.code, m.offset]).toEqual(['malformed', 8]);
  });
  it('too-deep beyond maxOptions', () => {
    const b = hex('0400655800000000' + '00010200'.repeat(4));
    expect(decodeGeneve(b).options.length).toBe(4);
    expect(decodeGeneve(b, 0, b.length, { maxOptions: 4 }).options.length).toBe(4);
    const e = decodeErr(() => decodeGeneve(b, 0, b.length, { maxOptions: 3 }));
    expect([e.code, e.offset]).toEqual(['too-deep', 20]);
    expect(GENEVE_MAX_OPTIONS).toBe(64);
  });
});

describe('geneve encode errors leave the buffer untouched', () => {
  const cases: Array<[string, LayerObject]> = [
    ['vni', { layer: 'geneve', vni: 2 ** 24 }],
    ['version', { layer: 'geneve', version: 4 }],
    ['optionsLength', { layer: 'geneve', optionsLength: 64 }],
    ['protocolType', { layer: 'geneve', protocolType: -1 }],
    ['oam', { layer: 'geneve', oam: 'yes' }],
    ['reserved1', { layer: 'geneve', reserved1: 64 }],
    ['options', { layer: 'geneve', options: 'x' }],
    ['options[0]', { layer: 'geneve', options: [null] }],
    ['options[0].data', { layer: 'geneve', options: [{ class: 1, type: 1, data: 'abc' }] }],
    ['options[0].data', { layer: 'geneve', options: [{ class: 1, type: 1, data: 'zz00zz00' }] }],
    ['options[0].data', { layer: 'geneve', options: [{ class: 1, type: 1, data: 'aabbcc' }] }],
    ['options[1].data', { layer: 'geneve', options: [{}, { data: '00'.repeat(128) }] }],
    ['options[0].class', { layer: 'geneve', options: [{ class: 0x10000 }] }],
    ['options[0].type', { layer: 'geneve', options: [{ type: 256 }] }],
    ['options[0].reserved', { layer: 'geneve', options: [{ reserved: 8 }] }],
    ['options', { layer: 'geneve', options: Array.from({ length: 3 }, () => ({ data: '00'.repeat(120) })) }],
  ];
  for (const [field, h] of cases)
    it(`${field}: ${JSON.stringify(h).slice(0, 80)}`, () => {
      const buf = new Uint8Array(400).fill(0x77);
      let err: unknown;
      try {
        encodeGeneve(h as never, buf, 3);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EncodeError);
      expect([(err as EncodeError).layer, (err as EncodeError).field]).toEqual(['geneve', field]);
      expect(buf.every((x) => x === 0x77)).toBe(true);
    });
});

describe('geneve dispatch', () => {
  const registry = createRegistry([geneve, stub('ethernet', 0x6558), stub('ipv4', 0x0800), stub('ipv6', 0x86dd)]);
  it('is reached by UDP 6081 and dispatches on protocolType', () => {
    expect(registry.lookup('udp.port', 6081)?.id).toBe('geneve');
    const ctx = { registry, layers: [], buf: new Uint8Array(0), payloadOffset: 0, end: 0, issue() {} };
    const ref = geneve.next(decodeGeneve(hex('00006558abcdef00')), ctx);
    expect(ref).toEqual({ table: 'ethertype', value: 0x6558 });
    expect(registry.resolve(ref!)?.id).toBe('ethernet');
  });
  it('derives protocolType and optionsLength when encoding', () => {
    const out = new Uint8Array(12);
    encodeGeneve({ layer: 'geneve', vni: 9, options: [{ class: 1, type: 2, data: '' }] }, out, 0, {
      registry,
      layers: [{ layer: 'geneve' }, { layer: 'ipv6' }],
      index: 0,
    });
    expect(toHex(out)).toBe('010086dd0000090000010200');
  });
});
