import { test } from '@fast-check/vitest';
import {
  arbIpv6Address,
  arbIpv6DestinationOptionsHeader,
  arbIpv6FragmentHeader,
  arbIpv6Header,
  arbIpv6HopByHopHeader,
  arbIpv6RoutingHeader,
} from '@wirestack/arbitraries';
import { DecodeError, EncodeError } from '@wirestack/core';
import {
  encodeIpv6Options,
  formatIpv6,
  Ipv6FragmentView,
  Ipv6OptionsView,
  Ipv6RoutingView,
  Ipv6View,
  ipv6,
  ipv6DestinationOptions,
  ipv6Fragment,
  ipv6HopByHop,
  ipv6OptionsToHex,
  ipv6Routing,
  parseIpv6,
  parseIpv6Options,
} from '@wirestack/ipv6';
import { testCodec } from '@wirestack/testkit';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect } from 'vitest';

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));

// Real headers as seeds for the arbitrary-bytes law: pcapplusplus--ipv6_options.pcap frame 1 (IPv6 + Hop-by-Hop + Destination Options + Routing).
const OPTIONS_FRAME_1 = hex(
  '6e00000000680001fe800000000000000000000000000002ff0200000000000000000000000000053c000502000001002b000b0109010100330200010000000022000000000002100002000000000004',
);

testCodec(ipv6, arbIpv6Header(), {
  view: (b, o) => {
    const v = new Ipv6View(b, o);
    return {
      version: v.version,
      trafficClass: v.trafficClass,
      flowLabel: v.flowLabel,
      payloadLength: v.payloadLength,
      nextHeader: v.nextHeader,
      hopLimit: v.hopLimit,
      src: v.src,
      dst: v.dst,
    };
  },
  viewFields: ['version', 'trafficClass', 'flowLabel', 'payloadLength', 'nextHeader', 'hopLimit', 'src', 'dst'],
  seeds: [OPTIONS_FRAME_1],
});

const optionsView = (b: Uint8Array, o: number) => {
  const v = new Ipv6OptionsView(b, o);
  return { nextHeader: v.nextHeader, options: v.options };
};
testCodec(ipv6HopByHop, arbIpv6HopByHopHeader(), {
  view: optionsView,
  viewFields: ['nextHeader', 'options'],
  seeds: [OPTIONS_FRAME_1.subarray(40)],
});
testCodec(ipv6DestinationOptions, arbIpv6DestinationOptionsHeader(), {
  view: optionsView,
  viewFields: ['nextHeader', 'options'],
  seeds: [OPTIONS_FRAME_1.subarray(48)],
});
testCodec(ipv6Routing, arbIpv6RoutingHeader(), {
  view: (b, o) => {
    const v = new Ipv6RoutingView(b, o);
    return { nextHeader: v.nextHeader, routingType: v.routingType, segmentsLeft: v.segmentsLeft, data: v.data };
  },
  viewFields: ['nextHeader', 'routingType', 'segmentsLeft', 'data'],
  seeds: [OPTIONS_FRAME_1.subarray(56)],
});
testCodec(ipv6Fragment, arbIpv6FragmentHeader(), {
  view: (b, o) => {
    const v = new Ipv6FragmentView(b, o);
    return { nextHeader: v.nextHeader, fragmentOffset: v.fragmentOffset, moreFragments: v.moreFragments, identification: v.identification };
  },
  viewFields: ['nextHeader', 'fragmentOffset', 'moreFragments', 'identification'],
});

describe('IPv6 address text', () => {
  const arbBytes = fc
    .array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 15 })), {
      minLength: 8,
      maxLength: 8,
    })
    .map((g) => {
      const b = new Uint8Array(16);
      g.forEach((x, i) => {
        b[2 * i] = x >>> 8;
        b[2 * i + 1] = x & 0xff;
      });
      return b;
    });

  test.prop([arbBytes, fc.nat(4)], { numRuns: 2000 })('formatIpv6 equals ipaddr.js toRFC5952String', (b, off) => {
    const buf = new Uint8Array(off + 16);
    buf.set(b, off);
    expect(formatIpv6(buf, off)).toBe((ipaddr.fromByteArray(Array.from(b)) as ipaddr.IPv6).toRFC5952String());
  });

  test.prop([arbBytes])('parseIpv6(formatIpv6(b)) gives back b', (b) => {
    expect(parseIpv6(formatIpv6(b))).toEqual(b);
  });

  test.prop([arbIpv6Address()])('the arbitrary already writes RFC 5952 text', (s) => {
    expect(formatIpv6(parseIpv6(s))).toBe(s);
  });

  test('IPv4-mapped and IPv4-compatible addresses print in hex groups, as ipaddr.js does', () => {
    expect(formatIpv6(parseIpv6('::ffff:192.0.2.1'))).toBe('::ffff:c000:201');
    expect(ipaddr.IPv6.parse('::ffff:192.0.2.1').toRFC5952String()).toBe('::ffff:c000:201');
    expect(formatIpv6(parseIpv6('::192.0.2.1'))).toBe('::c000:201');
    expect(formatIpv6(parseIpv6('64:ff9b::192.0.2.1'))).toBe('64:ff9b::c000:201');
    // ipaddr.js alone would read '::192.0.2.1' as IPv4-mapped; RFC 4291 §2.5.5.1 makes it IPv4-compatible.
    expect(parseIpv6('::192.0.2.1')).toEqual(hex('000000000000000000000000c0000201'));
    expect(parseIpv6('::ffff:0:192.0.2.1')).toEqual(hex('0000000000000000ffff0000c0000201'));
    expect(() => parseIpv6('::1.2.3.256')).toThrow(EncodeError);
  });

  test('RFC 5952 §4.2: one zero group is not compressed, the first longest run is, lower case', () => {
    expect(formatIpv6(parseIpv6('2001:DB8:0:1:1:1:1:1'))).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatIpv6(parseIpv6('2001:0:0:1:0:0:0:1'))).toBe('2001:0:0:1::1');
    expect(formatIpv6(parseIpv6('2001:db8:0:0:1:0:0:1'))).toBe('2001:db8::1:0:0:1');
    expect(formatIpv6(parseIpv6('0:0:0:0:0:0:0:0'))).toBe('::');
    expect(formatIpv6(parseIpv6('1:0:0:0:0:0:0:0'))).toBe('1::');
    expect(formatIpv6(parseIpv6('0:0:0:0:0:0:0:1'))).toBe('::1');
  });

  test('parseIpv6 refuses bad text and zone ids with EncodeError', () => {
    for (const bad of ['', '1.2.3.4', 'fe80::1%eth0', '::g', '1:2:3:4:5:6:7:8:9', 'hello', ':::'])
      expect(() => parseIpv6(bad), bad).toThrow(EncodeError);
  });
});

describe('ipv6 encode', () => {
  test('defaults and derived fields', () => {
    const buf = new Uint8Array(40);
    expect(ipv6.encode({ layer: 'ipv6' }, buf, 0)).toBe(40);
    expect(ipv6.decode(buf, 0, 40)).toEqual({
      layer: 'ipv6',
      version: 6,
      trafficClass: 0,
      flowLabel: 0,
      payloadLength: 0,
      nextHeader: 59,
      hopLimit: 64,
      src: '::',
      dst: '::',
    });
  });

  test('validates every field before writing', () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ version: 16 }, 'version'],
      [{ trafficClass: 256 }, 'trafficClass'],
      [{ flowLabel: 0x100000 }, 'flowLabel'],
      [{ payloadLength: -1 }, 'payloadLength'],
      [{ nextHeader: 1.5 }, 'nextHeader'],
      [{ hopLimit: '64' }, 'hopLimit'],
      [{ src: '1.2.3.4' }, 'src'],
      [{ dst: 'fe80::1%lo' }, 'dst'],
    ];
    for (const [fields, field] of bad) {
      const buf = new Uint8Array(40).fill(0xaa);
      let err: unknown;
      try {
        ipv6.encode({ layer: 'ipv6', ...fields } as never, buf, 0);
      } catch (e) {
        err = e;
      }
      expect(err, field).toBeInstanceOf(EncodeError);
      expect((err as EncodeError).field).toBe(field);
      expect(
        buf.every((x) => x === 0xaa),
        `${field}: nothing written`,
      ).toBe(true);
    }
  });

  test('a version other than 6 is written as given, and decodes as bad-version', () => {
    const buf = new Uint8Array(40);
    ipv6.encode({ layer: 'ipv6', version: 4 }, buf, 0);
    expect(() => ipv6.decode(buf, 0, 40)).toThrow(expect.objectContaining({ code: 'bad-version', field: 'version' }));
    expect(() => Ipv6View.from(buf)).toThrow(DecodeError);
  });

  test('finish fills payloadLength from ctx.end, leaves a given one alone, and refuses > 65535', () => {
    const buf = new Uint8Array(60);
    ipv6.encode({ layer: 'ipv6' }, buf, 0);
    const ctx = { registry: undefined as never, layers: [], index: 0, headerLength: 40, network: undefined };
    ipv6.finish!({ layer: 'ipv6' }, buf, 0, { ...ctx, end: 60 });
    expect(new Ipv6View(buf).payloadLength).toBe(20);
    ipv6.finish!({ layer: 'ipv6', payloadLength: 7 }, buf, 0, { ...ctx, end: 60 });
    expect(new Ipv6View(buf).payloadLength).toBe(20);
    expect(() => ipv6.finish!({ layer: 'ipv6' }, buf, 0, { ...ctx, end: 40 + 65536 })).toThrow(EncodeError);
  });

  test('datagramLength: 40 + payloadLength; unknown for a jumbogram (payloadLength 0 with Hop-by-Hop)', () => {
    const h = ipv6.decode(OPTIONS_FRAME_1, 0, OPTIONS_FRAME_1.length);
    expect(ipv6.datagramLength!(h)).toBe(144);
    expect(ipv6.datagramLength!({ ...h, payloadLength: 0, nextHeader: 0 })).toBeUndefined();
    expect(ipv6.datagramLength!({ ...h, payloadLength: 0, nextHeader: 59 })).toBe(40);
  });

  test('view setters write the wire fields', () => {
    const buf = new Uint8Array(40);
    ipv6.encode({ layer: 'ipv6', trafficClass: 0xab, flowLabel: 1 }, buf, 0);
    const v = Ipv6View.from(buf);
    v.hopLimit = 3;
    v.payloadLength = 1000;
    v.nextHeader = 17;
    v.flowLabel = 0xfffff;
    expect(ipv6.decode(buf, 0, 40)).toMatchObject({
      version: 6,
      trafficClass: 0xab,
      flowLabel: 0xfffff,
      hopLimit: 3,
      payloadLength: 1000,
      nextHeader: 17,
    });
  });
});

describe('options headers', () => {
  test.prop([arbIpv6HopByHopHeader().map((h) => h.options), fc.nat(7)])(
    'options of any length are padded with Pad1/PadN to a multiple of 8',
    (opts, cut) => {
      const given = opts.slice(0, Math.max(0, opts.length - 2 * cut));
      const n = ipv6HopByHop.encodingLength({ layer: 'ipv6-hop-by-hop', options: given });
      expect(n % 8).toBe(0);
      const buf = new Uint8Array(n);
      expect(encodeIpv6Options({ layer: 'ipv6-hop-by-hop', options: given, nextHeader: 6 }, buf, 0)).toBe(n);
      const back = ipv6HopByHop.decode(buf, 0, n);
      expect(back.options.startsWith(given)).toBe(true);
      const pad = back.options.slice(given.length);
      if (pad.length === 2) expect(pad).toBe('00');
      else if (pad.length > 0)
        expect(pad).toBe(`01${(pad.length / 2 - 2).toString(16).padStart(2, '0')}${'00'.repeat(pad.length / 2 - 2)}`);
    },
  );

  test('default options make an 8-byte header of PadN', () => {
    const buf = new Uint8Array(8);
    expect(ipv6DestinationOptions.encode({ layer: 'ipv6-destination-options' }, buf, 0)).toBe(8);
    expect(ipv6DestinationOptions.decode(buf, 0, 8)).toEqual({
      layer: 'ipv6-destination-options',
      nextHeader: 59,
      options: '010400000000',
    });
  });

  test('too many options bytes or bad hex throw EncodeError', () => {
    expect(() => ipv6HopByHop.encodingLength({ layer: 'ipv6-hop-by-hop', options: '00'.repeat(2047) })).toThrow(EncodeError);
    expect(() => ipv6HopByHop.encodingLength({ layer: 'ipv6-hop-by-hop', options: 'xyz' })).toThrow(EncodeError);
    expect(ipv6HopByHop.encodingLength({ layer: 'ipv6-hop-by-hop', options: '00'.repeat(2046) })).toBe(2048);
  });

  test('parseIpv6Options and ipv6OptionsToHex', () => {
    expect(parseIpv6Options('0502000001000000')).toEqual([
      { type: 5, data: '0000' },
      { type: 1, data: '' },
      { type: 0, data: '' },
      { type: 0, data: '' },
    ]);
    expect(ipv6OptionsToHex([{ type: 5, data: '0000' }])).toBe('050200000100');
    expect(ipv6OptionsToHex([{ type: 0xc2, data: '00012345' }])).toBe('c20400012345');
    expect(ipv6OptionsToHex([])).toBe('010400000000');
    expect(() => parseIpv6Options('0504aa')).toThrow(expect.objectContaining({ code: 'malformed', offset: 0 }));
    expect(() => parseIpv6Options('0001')).toThrow(expect.objectContaining({ code: 'malformed', offset: 1 }));
    expect(() => ipv6OptionsToHex([{ type: 0, data: '00' }])).toThrow(EncodeError);
    expect(() => ipv6OptionsToHex([{ type: 256, data: '' }])).toThrow(EncodeError);
  });

  test.prop([fc.array(fc.record({ type: fc.integer({ min: 1, max: 255 }), data: fc.uint8Array({ maxLength: 20 }) }), { maxLength: 6 })])(
    'ipv6OptionsToHex output parses back to the options plus padding',
    (opts) => {
      const list = opts.map((o) => ({ type: o.type, data: Array.from(o.data, (x) => x.toString(16).padStart(2, '0')).join('') }));
      const h = ipv6OptionsToHex(list);
      expect(((h.length >>> 1) + 2) % 8).toBe(0);
      const back = parseIpv6Options(h);
      expect(back.slice(0, list.length)).toEqual(list);
      for (const p of back.slice(list.length)) expect([0, 1]).toContain(p.type);
    },
  );
});

describe('routing and fragment headers', () => {
  test('routing data must make a multiple of 8; default data is 4 zero bytes', () => {
    expect(() => ipv6Routing.encodingLength({ layer: 'ipv6-routing', data: '' })).toThrow(EncodeError);
    expect(() => ipv6Routing.encodingLength({ layer: 'ipv6-routing', data: '00'.repeat(5) })).toThrow(EncodeError);
    const buf = new Uint8Array(8);
    expect(ipv6Routing.encode({ layer: 'ipv6-routing' }, buf, 0)).toBe(8);
    expect(ipv6Routing.decode(buf, 0, 8)).toEqual({
      layer: 'ipv6-routing',
      nextHeader: 59,
      routingType: 0,
      segmentsLeft: 0,
      data: '00000000',
    });
  });

  test('fragment: reserved bits are kept and only present when set; non-first fragments end the walk', () => {
    const buf = hex('11ff00070000abcd');
    const h = ipv6Fragment.decode(buf, 0, 8);
    expect(h).toEqual({
      layer: 'ipv6-fragment',
      nextHeader: 17,
      fragmentOffset: 0,
      moreFragments: true,
      identification: 0xabcd,
      reserved: 0xff,
      res: 3,
    });
    const out = new Uint8Array(8);
    ipv6Fragment.encode(h, out, 0);
    expect(out).toEqual(buf);
    const ctx = {} as never;
    expect(ipv6Fragment.next(h, ctx)).toEqual({ table: 'ip.proto', value: 17 });
    expect(ipv6Fragment.next({ ...h, fragmentOffset: 1 }, ctx)).toBeUndefined();
    expect(() => ipv6Fragment.encode({ layer: 'ipv6-fragment', res: 4 }, out, 0)).toThrow(EncodeError);
    expect(() => ipv6Fragment.encode({ layer: 'ipv6-fragment', fragmentOffset: 8192 }, out, 0)).toThrow(EncodeError);
  });
});
