import { DecodeError } from '@wirestack/core';
import {
  IPV6_MAX_EXTENSION_HEADERS,
  ipv6,
  ipv6DestinationOptions,
  ipv6Fragment,
  ipv6HopByHop,
  ipv6Routing,
  parseIpv6Options,
  walkIpv6Extensions,
} from '@wirestack/ipv6';
import { describe, expect, test } from 'vitest';

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));

/** Re-encodes a decoded header and checks that the original bytes come back. */
function roundTrip(codec: { encode(h: never, b: Uint8Array, o: number): number }, h: unknown, bytes: Uint8Array): void {
  const out = new Uint8Array(bytes.length);
  expect(codec.encode(h as never, out, 0)).toBe(bytes.length);
  expect(out).toEqual(bytes);
}

// pcapplusplus--ipv6_options.pcap, frame 1, from the IPv6 header on (Ethernet header removed).
// tshark: ipv6.tclass 0xe0, plen 104, nxt 0, hlim 1, fe80::2 -> ff02::5; hopopts nxt 60 (router alert + PadN);
// dstopts nxt 43 (option 0x0b data 09, PadN 1); routing nxt 51 len 2 type 0 segleft 1.
const FRAME_1 = hex(
  '6e00000000680001fe800000000000000000000000000002ff0200000000000000000000000000053c000502000001002b000b010901010033020001000000002200000000000210000200000000000459040000000001000000002035482148b2435a23dcdd5536030100280202020200000001f17300000000000501000013000a0028020202020101010101010101',
);

describe('real headers (pcapplusplus--ipv6_options.pcap frame 1)', () => {
  test('every field, as tshark reads them', () => {
    const h = ipv6.decode(FRAME_1, 0, FRAME_1.length);
    expect(h).toEqual({
      layer: 'ipv6',
      version: 6,
      trafficClass: 0xe0,
      flowLabel: 0,
      payloadLength: 104,
      nextHeader: 0,
      hopLimit: 1,
      src: 'fe80::2',
      dst: 'ff02::5',
    });
    roundTrip(ipv6, h, FRAME_1.subarray(0, 40));
    const hbh = ipv6HopByHop.decode(FRAME_1, 40, FRAME_1.length);
    expect(hbh).toEqual({ layer: 'ipv6-hop-by-hop', nextHeader: 60, options: '050200000100' });
    expect(parseIpv6Options(hbh.options)).toEqual([
      { type: 5, data: '0000' },
      { type: 1, data: '' },
    ]);
    roundTrip(ipv6HopByHop, hbh, FRAME_1.subarray(40, 48));
    const dst = ipv6DestinationOptions.decode(FRAME_1, 48, FRAME_1.length);
    expect(dst).toEqual({ layer: 'ipv6-destination-options', nextHeader: 43, options: '0b0109010100' });
    expect(parseIpv6Options(dst.options)).toEqual([
      { type: 0x0b, data: '09' },
      { type: 1, data: '00' },
    ]);
    roundTrip(ipv6DestinationOptions, dst, FRAME_1.subarray(48, 56));
    const rt = ipv6Routing.decode(FRAME_1, 56, FRAME_1.length);
    expect(rt).toEqual({
      layer: 'ipv6-routing',
      nextHeader: 51,
      routingType: 0,
      segmentsLeft: 1,
      data: '00000000' + '22000000000002100002000000000004',
    });
    expect(ipv6Routing.headerLength(rt)).toBe(24);
    roundTrip(ipv6Routing, rt, FRAME_1.subarray(56, 80));
  });

  test('walkIpv6Extensions finds the three headers and the upper-layer protocol (AH, 51)', () => {
    const w = walkIpv6Extensions(FRAME_1, 40, 0);
    expect(w.headers.map((x) => [x.layer, x.offset, x.length])).toEqual([
      ['ipv6-hop-by-hop', 40, 8],
      ['ipv6-destination-options', 48, 8],
      ['ipv6-routing', 56, 24],
    ]);
    expect(w.protocol).toBe(51);
    expect(w.payloadOffset).toBe(80);
    expect(w.nonFirstFragment).toBe(false);
    expect(() => walkIpv6Extensions(FRAME_1, 40, 0, 2)).toThrow(expect.objectContaining({ code: 'too-deep', offset: 56 }));
    expect(() => walkIpv6Extensions(FRAME_1, 40, 0, 8, 70)).toThrow(expect.objectContaining({ code: 'truncated', layer: 'ipv6-routing' }));
  });
});

describe('walkIpv6Extensions', () => {
  test('is bounded: a long chain throws too-deep without recursion', () => {
    const n = 100_000;
    const buf = new Uint8Array(8 * n);
    for (let i = 0; i < n; i++) buf[8 * i] = 60; // Destination Options after Destination Options ...
    buf[8 * (n - 1)] = 59; // ... and no next header after the last
    expect(IPV6_MAX_EXTENSION_HEADERS).toBe(8);
    let err: unknown;
    try {
      walkIpv6Extensions(buf, 0, 60);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).code).toBe('too-deep');
    expect((err as DecodeError).offset).toBe(64);
    const all = walkIpv6Extensions(buf, 0, 60, n);
    expect(all.headers.length).toBe(n);
    expect(all).toMatchObject({ protocol: 59, payloadOffset: 8 * n });
    expect(() => walkIpv6Extensions(buf, 0, 60, n, buf.length - 1)).toThrow(expect.objectContaining({ code: 'truncated' }));
  });

  test('stops after a non-first fragment; goes on after a first fragment', () => {
    // zeek--ipv6-http-atomic-frag.pcap frame 13: an atomic Fragment header (offset 0, M 0) before TCP.
    const atomic = hex('0600000000000000');
    expect(ipv6Fragment.decode(atomic, 0, 8)).toEqual({
      layer: 'ipv6-fragment',
      nextHeader: 6,
      fragmentOffset: 0,
      moreFragments: false,
      identification: 0,
    });
    expect(walkIpv6Extensions(atomic, 0, 44)).toMatchObject({ protocol: 6, payloadOffset: 8, nonFirstFragment: false });
    const later = hex('3a00000900001234');
    expect(walkIpv6Extensions(later, 0, 44)).toMatchObject({ protocol: 58, payloadOffset: 8, nonFirstFragment: true });
    expect(walkIpv6Extensions(later, 0, 17)).toMatchObject({ headers: [], protocol: 17, payloadOffset: 0 });
  });
});

describe('real Fragment header (suricata-verify--ipv6-malformed-fragments-26--frag-26.pcap frame 6)', () => {
  test('decodes and re-encodes', () => {
    const b = hex('06000000facef0e4');
    const h = ipv6Fragment.decode(b, 0, 8);
    expect(h).toEqual({ layer: 'ipv6-fragment', nextHeader: 6, fragmentOffset: 0, moreFragments: false, identification: 0xfacef0e4 });
    roundTrip(ipv6Fragment, h, b);
  });
});

describe('real Segment Routing Header (tcpdump--ipv6-srh-tlv-pad1-padn-5-trunc.pcap frame 1, cut short in the capture)', () => {
  test('a header longer than the bytes present is truncated', () => {
    const b = hex('3b03040000000000cafe000100000000000000000000000200040500000000');
    expect(() => ipv6Routing.decode(b, 0, b.length)).toThrow(expect.objectContaining({ code: 'truncated', required: 32, actual: 31 }));
  });
});
