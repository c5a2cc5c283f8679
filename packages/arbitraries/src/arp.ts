import fc from 'fast-check';
import { arbHex, arbIpv4Address, arbMac, arbUint } from './common.js';

/** An address of `size` bytes in the contract's text: MAC text at 6 (hardware), a dotted quad at 4 (protocol), else hex. */
const arbAddress = (kind: 'mac' | 'ip', size: number): fc.Arbitrary<string> => {
  if (kind === 'mac' && size === 6) return arbMac();
  if (kind === 'ip' && size === 4) return arbIpv4Address();
  return arbHex(size, size);
};

/** Any canonical ARP packet (RFC 826): mostly Ethernet/IPv4 sizes, sometimes any size (addresses then in hex). */
export const arbArpHeader = () =>
  fc
    .record({
      hwType: arbUint(16),
      protoType: arbUint(16),
      hwSize: fc.oneof({ weight: 3, arbitrary: fc.constant(6) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 20 }) }),
      protoSize: fc.oneof({ weight: 3, arbitrary: fc.constant(4) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 20 }) }),
      opcode: arbUint(16),
    })
    .chain((r) =>
      fc
        .record({
          senderMac: arbAddress('mac', r.hwSize),
          senderIp: arbAddress('ip', r.protoSize),
          targetMac: arbAddress('mac', r.hwSize),
          targetIp: arbAddress('ip', r.protoSize),
        })
        .map((a) => ({ layer: 'arp' as const, ...r, ...a })),
    );
