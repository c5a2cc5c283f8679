import { createRegistry, DecodeError, defineLayer, EncodeError, type FinishContext, type LayerObject, toHex } from '@wirestack/core';
import {
  decodeGre,
  encodeGre,
  finishGre,
  GreView,
  gre,
  greEncodingLength,
  greHeaderLength,
  nvgreKey,
  nvgreKeyFrom,
  verifyGreChecksum,
} from '@wirestack/gre';
import { hex } from '@wirestack/testkit';
import { describe, expect, it } from 'vitest';

const stub = (id: string, binds: Array<{ table: string; value: number }>) =>
  defineLayer<{ layer: string }>({ id, headerLength: 1, binds, parse: () => ({}), write: () => 1 });
const ethernet = stub('ethernet', [{ table: 'ethertype', value: 0x6558 }]);
const ipv4 = stub('ipv4', [{ table: 'ethertype', value: 0x0800 }]);
const ipv6 = stub('ipv6', [{ table: 'ethertype', value: 0x86dd }]);

function decodeErr(f: () => unknown): DecodeError {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('gre byte vectors (Scapy 2.5)', () => {
  it('key + sequence, TEB', () => {
    // bytes(GRE(key_present=1,key=0x1234,seqnum_present=1,sequence_number=7,proto=0x6558))
    const b = hex('300065580000123400000007');
    const h = decodeGre(b);
    expect(h).toEqual({
      layer: 'gre',
      checksumPresent: false,
      keyPresent: true,
      sequencePresent: true,
      version: 0,
      protocolType: 0x6558,
      key: 0x1234,
      sequence: 7,
    });
    expect('checksum' in h).toBe(false);
    expect(greHeaderLength(b)).toBe(12);
    const out = new Uint8Array(12);
    expect(encodeGre({ layer: 'gre', protocolType: 0x6558, key: 0x1234, sequence: 7 }, out)).toBe(12);
    expect(toHex(out)).toBe(toHex(b));
  });

  it('checksum over header and payload, computed by finish', () => {
    // bytes(GRE(chksum_present=1,proto=0x0800)/Raw(b"abcd"))
    const b = hex('80000800b338000061626364');
    const h = decodeGre(b);
    expect(h).toEqual({
      layer: 'gre',
      checksumPresent: true,
      keyPresent: false,
      sequencePresent: false,
      version: 0,
      protocolType: 0x0800,
      checksum: 0xb338,
    });
    expect(verifyGreChecksum(h, b, 0, b.length)).toBe(true);
    expect(gre.verify?.(h, b, 0, { headerLength: 8, end: b.length, network: undefined })).toBe(true);
    const bad = b.slice();
    bad[11] = 0;
    expect(verifyGreChecksum(h, bad, 0, bad.length)).toBe(false);

    const input = { layer: 'gre' as const, checksumPresent: true, protocolType: 0x0800 };
    const out = new Uint8Array(12);
    expect(encodeGre(input, out)).toBe(8);
    out.set(hex('61626364'), 8);
    expect(toHex(out.subarray(4, 6))).toBe('0000');
    finishGre(input, out, 0, { end: 12, headerLength: 8 } as FinishContext);
    expect(toHex(out)).toBe(toHex(b));
    // A given checksum is written as given, and finish leaves it alone.
    const given = { ...input, checksum: 0x1234 };
    encodeGre(given, out);
    finishGre(given, out, 0, { end: 12, headerLength: 8 } as FinishContext);
    expect(toHex(out.subarray(4, 6))).toBe('1234');
  });

  it('PPTP enhanced GRE (version 1) with sequence and acknowledgment', () => {
    // bytes(GRE_PPTP(seqnum_present=1,sequence_number=5,acknum_present=1,ack_number=4,payload_len=0x20,call_id=0x1234))
    const b = hex('3081880b002012340000000500000004');
    const h = decodeGre(b);
    expect(h).toEqual({
      layer: 'gre',
      checksumPresent: false,
      keyPresent: true,
      sequencePresent: true,
      version: 1,
      protocolType: 0x880b,
      key: 0x00201234,
      sequence: 5,
      acknowledgmentPresent: true,
      acknowledgment: 4,
    });
    expect(gre.headerLength(h)).toBe(16);
    expect(gre.next(h, {} as never)).toBeUndefined();
    const out = new Uint8Array(16);
    encodeGre({ layer: 'gre', version: 1, key: 0x00201234, sequence: 5, acknowledgment: 4 }, out);
    expect(toHex(out)).toBe(toHex(b));
    const v = GreView.from(b);
    expect([v.version, v.key, v.sequence, v.acknowledgment, v.headerLength]).toEqual([1, 0x00201234, 5, 4, 16]);
  });

  it('keeps RFC 1701 bits and reserved flags', () => {
    // bytes(GRE(strict_route_source=1,recursion_control=5,flags=0x11,proto=0x86dd))
    const b = hex('0d8886dd');
    const h = decodeGre(b);
    expect(h).toEqual({
      layer: 'gre',
      checksumPresent: false,
      keyPresent: false,
      sequencePresent: false,
      version: 0,
      protocolType: 0x86dd,
      strictSourceRoute: true,
      recursionControl: 5,
      flags: 0x11,
    });
    const out = new Uint8Array(4);
    encodeGre(h, out);
    expect(toHex(out)).toBe('0d8886dd');
  });

  it('keeps a non-zero reserved1 word', () => {
    const b = hex('80000800abcd5555');
    const h = decodeGre(b);
    expect(h).toMatchObject({ checksum: 0xabcd, reserved1: 0x5555 });
    const out = new Uint8Array(8);
    encodeGre(h, out);
    expect(toHex(out)).toBe('80000800abcd5555');
  });
});

describe('gre decode errors', () => {
  it('bad-version for versions 2..7', () => {
    for (let v = 2; v < 8; v++) expect(decodeErr(() => decodeGre(hex(`000${v}0800`))).code).toBe('bad-version');
  });
  it('unsupported for RFC 1701 routing', () => {
    const e = decodeErr(() => decodeGre(hex('4000080000000000')));
    expect([e.code, e.layer, e.field]).toEqual(['unsupported', 'gre', 'routingPresent']);
  });
  it('truncated when the flags announce more than is present, with the absolute offset', () => {
    const b = hex('ffff' + 'b0000800' + '00000000' + '0000');
    const e = decodeErr(() => decodeGre(b, 2));
    expect([e.code, e.offset, e.required, e.actual]).toEqual(['truncated', 2, 16, 10]);
    expect(decodeErr(() => decodeGre(hex('300065580000123400000007'), 0, 11)).code).toBe('truncated');
    expect(decodeErr(() => GreView.from(hex('b0000800'))).code).toBe('truncated');
  });
});

describe('gre encode', () => {
  const bad: Array<[string, LayerObject]> = [
    ['key', { layer: 'gre', key: 2 ** 32 }],
    ['key', { layer: 'gre', key: -1 }],
    ['sequence', { layer: 'gre', sequence: 1.5 }],
    ['checksum', { layer: 'gre', checksum: 0x10000 }],
    ['protocolType', { layer: 'gre', protocolType: 0x10000 }],
    ['version', { layer: 'gre', version: 8 }],
    ['key', { layer: 'gre', keyPresent: false, key: 1 }],
    ['checksum', { layer: 'gre', checksumPresent: false, checksum: 1 }],
    ['reserved1', { layer: 'gre', reserved1: 1 }],
    ['flags', { layer: 'gre', flags: 32 }],
    ['flags', { layer: 'gre', version: 1, flags: 16 }],
    ['recursionControl', { layer: 'gre', recursionControl: 8 }],
    ['acknowledgmentPresent', { layer: 'gre', acknowledgment: 1 }],
    ['keyPresent', { layer: 'gre', keyPresent: 'yes' }],
  ];
  for (const [field, h] of bad)
    it(`EncodeError for ${JSON.stringify(h)}, buffer untouched`, () => {
      const buf = new Uint8Array(24).fill(0xaa);
      let err: unknown;
      try {
        encodeGre(h as never, buf, 2);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EncodeError);
      expect((err as EncodeError).layer).toBe('gre');
      expect((err as EncodeError).field).toBe(field);
      expect(buf.every((x) => x === 0xaa)).toBe(true);
    });

  it('derives flags from the fields given and protocolType from the next layer', () => {
    const registry = createRegistry([gre, ethernet, ipv4, ipv6]);
    const layers: LayerObject[] = [{ layer: 'gre', key: 5 }, { layer: 'ipv6' }];
    const out = new Uint8Array(8);
    expect(greEncodingLength({ layer: 'gre', key: 5 })).toBe(8);
    encodeGre({ layer: 'gre', key: 5 }, out, 0, { registry, layers, index: 0 });
    expect(toHex(out)).toBe('200086dd00000005');
    encodeGre({ layer: 'gre', keyPresent: true }, out, 0);
    expect(toHex(out)).toBe('2000000000000000');
    // Version 1 with nothing after it announces PPP.
    encodeGre({ layer: 'gre', version: 1, key: 7 }, out, 0);
    expect(toHex(out)).toBe('2001880b00000007');
    expect(() => encodeGre({ layer: 'gre' }, out, 0, { registry, layers: [{ layer: 'gre' }, { layer: 'mystery' }], index: 0 })).toThrow(
      EncodeError,
    );
  });

  it('never mutates its input', () => {
    const h = Object.freeze({ layer: 'gre' as const, checksumPresent: true });
    const out = new Uint8Array(8);
    encodeGre(h, out);
    finishGre(h, out, 0, { end: 8, headerLength: 8 } as FinishContext);
    expect(h).toEqual({ layer: 'gre', checksumPresent: true });
  });
});

describe('gre next()', () => {
  const registry = createRegistry([gre, ethernet, ipv4, ipv6]);
  const ctx = { registry, layers: [], buf: new Uint8Array(0), payloadOffset: 0, end: 0, issue() {} };
  it('dispatches version 0 through the ethertype table', () => {
    const h = decodeGre(hex('00006558'));
    const ref = gre.next(h, ctx);
    expect(ref).toEqual({ table: 'ethertype', value: 0x6558 });
    expect(registry.resolve(ref!)?.id).toBe('ethernet');
    expect(registry.resolve(gre.next(decodeGre(hex('00000800')), ctx)!)?.id).toBe('ipv4');
    expect(registry.lookup('ip.proto', 47)?.id).toBe('gre');
  });
  it('leaves PPTP payloads raw', () => {
    expect(gre.next(decodeGre(hex('2001880b00000000')), ctx)).toBeUndefined();
  });
});

describe('NVGRE keys (RFC 7637)', () => {
  it('splits and joins', () => {
    expect(nvgreKey(0x12345678)).toEqual({ vsid: 0x123456, flowId: 0x78 });
    expect(nvgreKeyFrom({ vsid: 0x123456, flowId: 0x78 })).toBe(0x12345678);
    expect(nvgreKeyFrom({ vsid: 0xffffff, flowId: 0xff })).toBe(0xffffffff);
    expect(nvgreKeyFrom({ vsid: 1 })).toBe(0x100);
  });
  it('rejects out-of-range parts', () => {
    expect(() => nvgreKeyFrom({ vsid: 2 ** 24, flowId: 0 })).toThrow(EncodeError);
    expect(() => nvgreKeyFrom({ vsid: 0, flowId: 256 })).toThrow(EncodeError);
    expect(() => nvgreKey(-1)).toThrow(EncodeError);
  });
});
