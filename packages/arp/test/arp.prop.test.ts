import { arbArpHeader } from '@wirestack/arbitraries';
import { ArpView, arp } from '@wirestack/arp';
import { hex, testCodec } from '@wirestack/testkit';

testCodec(arp, arbArpHeader(), {
  view: (b, o) => {
    const v = new ArpView(b, o);
    return {
      hwType: v.hwType,
      protoType: v.protoType,
      hwSize: v.hwSize,
      protoSize: v.protoSize,
      opcode: v.opcode,
      senderMac: v.senderMac,
      senderIp: v.senderIp,
      targetMac: v.targetMac,
      targetIp: v.targetIp,
    };
  },
  viewFields: ['hwType', 'protoType', 'hwSize', 'protoSize', 'opcode', 'senderMac', 'senderIp', 'targetMac', 'targetIp'],
  seeds: [
    hex('0001080006040001020000000001c6120001000000000000c6120002'),
    hex('123486dd08100001' + '11'.repeat(8) + '22'.repeat(16) + '33'.repeat(8) + '44'.repeat(16)),
  ],
});
