import {
  createRegistry,
  type DecodeContext,
  DecodeError,
  defineLayer,
  EncodeError,
  type LayerObject,
  type Registry,
  type RegistryOptions,
  toHex,
} from '@wirestack/core';
import {
  decodeMpls,
  decodeMplsCw,
  encodeMpls,
  encodeMplsCw,
  MplsLabel,
  MplsView,
  mpls,
  mplsCw,
  mplsEncodingLength,
  mplsLabelName,
} from '@wirestack/mpls';
import { hex } from '@wirestack/testkit';
import { describe, expect, it } from 'vitest';

const stub = (id: string) => defineLayer<{ layer: string }>({ id, headerLength: 1, parse: () => ({}), write: () => 1 });
const registry = (opts: RegistryOptions = {}): Registry =>
  createRegistry([mpls, mplsCw, stub('ethernet'), stub('ipv4'), stub('ipv6')], opts);

/** A decode context whose payload is `payload` (the label entry itself is not in the buffer). */
function ctx(r: Registry, payload: string, end?: number): DecodeContext {
  const buf = hex(payload);
  return { registry: r, layers: [], buf, payloadOffset: 0, end: end ?? buf.length, issue() {} };
}
const bottom = (label: number) => ({ layer: 'mpls' as const, label, tc: 0, bottomOfStack: true, ttl: 64 });

describe('mpls byte vectors (Scapy 2.5)', () => {
  it('label 100, TC 5, bottom, TTL 64', () => {
    // bytes(MPLS(label=100,cos=5,s=1,ttl=64))
    const b = hex('00064b40');
    expect(decodeMpls(b)).toEqual({ layer: 'mpls', label: 100, tc: 5, bottomOfStack: true, ttl: 64 });
    const out = new Uint8Array(4);
    expect(encodeMpls({ layer: 'mpls', label: 100, tc: 5 }, out)).toBe(4);
    expect(toHex(out)).toBe('00064b40');
  });
  it('every bit set but S', () => {
    // bytes(MPLS(label=0xfffff,cos=7,s=0,ttl=255))
    expect(decodeMpls(hex('fffffeff'))).toEqual({ layer: 'mpls', label: 0xfffff, tc: 7, bottomOfStack: false, ttl: 255 });
    const v = MplsView.from(hex('fffffeff'));
    expect([v.label, v.tc, v.bottomOfStack, v.ttl]).toEqual([0xfffff, 7, false, 255]);
    v.label = 3;
    v.bottomOfStack = true;
    v.tc = 0;
    v.ttl = 1;
    expect(toHex(v.buf)).toBe('00003101');
  });
  it('the pseudowire control word', () => {
    const h = decodeMplsCw(hex('05ab1234'));
    expect(h).toEqual({ layer: 'mpls-cw', flags: 5, fragment: 2, length: 0x2b, sequence: 0x1234 });
    const out = new Uint8Array(4);
    encodeMplsCw(h, out);
    expect(toHex(out)).toBe('05ab1234');
    const e = (() => {
      try {
        decodeMplsCw(hex('10000000'));
      } catch (err) {
        return err as DecodeError;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(DecodeError);
    expect(e?.code).toBe('malformed');
  });
  it('truncated', () => {
    for (const f of [
      () => decodeMpls(hex('000640')),
      () => decodeMpls(new Uint8Array(8), 5),
      () => decodeMplsCw(hex('00')),
      () => MplsView.from(new Uint8Array(3)),
    ])
      expect(f).toThrow(DecodeError);
  });
  it('reserved label names', () => {
    expect(MplsLabel.GAL).toBe(13);
    expect(mplsLabelName(0)).toBe('IPv4ExplicitNull');
    expect(mplsLabelName(7)).toBe('EntropyLabelIndicator');
    expect(mplsLabelName(15)).toBe('Extension');
    expect(mplsLabelName(16)).toBe('16');
  });
});

describe('mpls encode', () => {
  it('derives bottomOfStack from the next layer', () => {
    const r = registry();
    const layers: LayerObject[] = [{ layer: 'mpls', label: 1 }, { layer: 'mpls', label: 2 }, { layer: 'ipv4' }];
    const out = new Uint8Array(8);
    encodeMpls(layers[0] as never, out, 0, { registry: r, layers, index: 0 });
    encodeMpls(layers[1] as never, out, 4, { registry: r, layers, index: 1 });
    expect(toHex(out)).toBe('0000104000002140');
    // Given values are written as given.
    encodeMpls({ layer: 'mpls', label: 2, bottomOfStack: false }, out, 4, { registry: r, layers, index: 1 });
    expect(toHex(out.subarray(4))).toBe('00002040');
    expect(mplsEncodingLength()).toBe(4);
  });
  const cases: Array<[string, string, LayerObject]> = [
    ['mpls', 'label', { layer: 'mpls', label: 2 ** 20 }],
    ['mpls', 'label', { layer: 'mpls', label: -1 }],
    ['mpls', 'tc', { layer: 'mpls', tc: 8 }],
    ['mpls', 'ttl', { layer: 'mpls', ttl: 256 }],
    ['mpls', 'bottomOfStack', { layer: 'mpls', bottomOfStack: 'no' }],
    ['mpls-cw', 'flags', { layer: 'mpls-cw', flags: 16 }],
    ['mpls-cw', 'fragment', { layer: 'mpls-cw', fragment: 4 }],
    ['mpls-cw', 'length', { layer: 'mpls-cw', length: 64 }],
    ['mpls-cw', 'sequence', { layer: 'mpls-cw', sequence: 0x10000 }],
  ];
  for (const [layer, field, h] of cases)
    it(`EncodeError for ${JSON.stringify(h)}, buffer untouched`, () => {
      const buf = new Uint8Array(8).fill(0x33);
      let err: unknown;
      try {
        (layer === 'mpls' ? encodeMpls : encodeMplsCw)(h as never, buf, 2);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EncodeError);
      expect([(err as EncodeError).layer, (err as EncodeError).field]).toEqual([layer, field]);
      expect(buf.every((x) => x === 0x33)).toBe(true);
    });
});

describe('mpls next()', () => {
  it('is reached by 0x8847, 0x8848, IP protocol 137 and UDP 6635', () => {
    const r = registry();
    expect([
      r.lookup('ethertype', 0x8847)?.id,
      r.lookup('ethertype', 0x8848)?.id,
      r.lookup('ip.proto', 137)?.id,
      r.lookup('udp.port', 6635)?.id,
    ]).toEqual(['mpls', 'mpls', 'mpls', 'mpls']);
    expect(r.valueFor('ethertype', 'mpls')).toBe(0x8847);
  });
  it('another entry follows until the bottom of the stack', () => {
    expect(mpls.next({ ...bottom(100), bottomOfStack: false }, ctx(registry(), '45'))).toEqual({ layer: 'mpls' });
  });
  it('guesses by the first nibble by default, and never reads past the end', () => {
    const r = registry();
    expect(mpls.next(bottom(100), ctx(r, '4500'))).toEqual({ layer: 'ipv4' });
    expect(mpls.next(bottom(100), ctx(r, '6000'))).toEqual({ layer: 'ipv6' });
    expect(mpls.next(bottom(100), ctx(r, '0000'))).toBeUndefined();
    expect(mpls.next(bottom(100), ctx(r, ''))).toBeUndefined();
    expect(mpls.next(bottom(100), ctx(r, '45', 0))).toBeUndefined();
  });
  it('explicit-null labels are IPv4 / IPv6 whatever the nibble', () => {
    const r = registry();
    expect(mpls.next(bottom(0), ctx(r, '6000'))).toEqual({ layer: 'ipv4' });
    expect(mpls.next(bottom(2), ctx(r, '4500'))).toEqual({ layer: 'ipv6' });
    expect(mpls.next(bottom(2), ctx(registry({ mplsPayload: 'ethernet' }), ''))).toEqual({ layer: 'ipv6' });
  });
  it('a fixed policy names the layer', () => {
    expect(mpls.next(bottom(100), ctx(registry({ mplsPayload: 'ethernet' }), '4500'))).toEqual({ layer: 'ethernet' });
  });
  it('a label binding wins, with the control word when configured', () => {
    const r = registry();
    r.bind('mpls.label', 100, 'ethernet');
    expect(mpls.next(bottom(100), ctx(r, '0000'))).toEqual({ layer: 'ethernet' });
    expect(mpls.next(bottom(101), ctx(r, '4500'))).toEqual({ layer: 'ipv4' });
    const cw = registry({ mplsControlWord: true });
    cw.bind('mpls.label', 100, 'ethernet');
    cw.bind('mpls.label', 200, 'ipv6');
    expect(mpls.next(bottom(100), ctx(cw, '00000001'))).toEqual({ layer: 'mpls-cw' });
    expect(mpls.next(bottom(100), ctx(cw, '20000000'))).toEqual({ layer: 'ethernet' });
    expect(mpls.next(bottom(100), ctx(cw, ''))).toEqual({ layer: 'ethernet' });
    expect(mpls.next(bottom(200), ctx(cw, '0000'))).toEqual({ layer: 'ipv6' });
    expect(mplsCw.next(decodeMplsCw(hex('00000001')), ctx(cw, ''))).toEqual({ layer: 'ethernet' });
  });
});
