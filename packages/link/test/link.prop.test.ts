import { arbLinuxSll2Header, arbLinuxSllHeader, arbNullHeader } from '@wirestack/arbitraries';
import { LinuxSll2View, LinuxSllView, linuxSll, linuxSll2, nullLoopback } from '@wirestack/link';
import { testCodec } from '@wirestack/testkit';

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));

testCodec(linuxSll, arbLinuxSllHeader(), {
  view: (b, o) => {
    const v = new LinuxSllView(b, o);
    return { packetType: v.packetType, arphrdType: v.arphrdType, addressLength: v.addressLength, address: v.address, protocol: v.protocol };
  },
  viewFields: ['packetType', 'arphrdType', 'addressLength', 'address', 'protocol'],
  // pcapplusplus--SllPacket.pcap frame 1; tcpdump--tcp-handshake-nano.pcap frame 1.
  seeds: [hex('0000000100060012441e7400f67f86dd'), hex('00040200000000000000000000000800')],
});

testCodec(linuxSll2, arbLinuxSll2Header(), {
  view: (b, o) => {
    const v = new LinuxSll2View(b, o);
    return {
      protocol: v.protocol,
      reserved: v.reserved,
      interfaceIndex: v.interfaceIndex,
      arphrdType: v.arphrdType,
      packetType: v.packetType,
      addressLength: v.addressLength,
      address: v.address,
    };
  },
  viewFields: ['protocol', 'reserved', 'interfaceIndex', 'arphrdType', 'packetType', 'addressLength', 'address'],
  // pcapplusplus--Sll2Packet.pcap frame 1.
  seeds: [hex('080000000000001400010406d2cfc25015ea0000')],
});

// pcapplusplus--null_loopback.pcap frames 1-3.
testCodec(nullLoopback, arbNullHeader(), { seeds: [hex('1e000000'), hex('02000000'), hex('0f000800')] });
