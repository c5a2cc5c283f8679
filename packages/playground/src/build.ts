/**
 * The builder: a stack expression (the language of `wirestack build`) becomes bytes, a layer tree and a
 * pcap to download, all in the page. The pcap is what `wirestack build EXPR -o FILE.pcap` writes.
 */
import { EncodeError, type Registry, toHex } from '@wirestack/core';
import { PcapWriter } from '@wirestack/pcap';
import { decodeStack, encodeStack } from '@wirestack/stack';
import { linkTypeFor, parseExpression } from './cli-shared.js';

/** What one expression built. */
export interface Built {
  bytes: Uint8Array;
  first: string;
  /** The capture file `wirestack build -o x.pcap` writes for it (timestamp 0, microseconds). */
  pcap: Uint8Array;
}

/** Builds an expression; throws an `Error` whose message is fit to show. */
export function buildExpression(text: string, registry: Registry): Built {
  const layers = parseExpression(text, registry);
  const bytes = encodeStack(layers, { registry });
  const first = layers[0]?.layer ?? 'raw';
  const linkType = linkTypeFor(first);
  if (linkType === undefined)
    throw new EncodeError({ layer: first, message: `no capture link type for a packet starting with '${first}'` });
  const w = new PcapWriter({ linkType, nanosecond: false });
  const head = w.header();
  const rec = w.writeRecord({ timestampNs: 0n, data: bytes });
  const pcap = new Uint8Array(head.length + rec.length);
  pcap.set(head, 0);
  pcap.set(rec, head.length);
  return { bytes, first, pcap };
}

/** Wires the builder form: builds on submit (and as you type, once the text parses). */
export function setupBuilder(
  form: HTMLFormElement,
  registry: Registry,
  show: (b: Built | undefined, error?: string) => void,
): (text: string) => void {
  const input = form.querySelector<HTMLTextAreaElement | HTMLInputElement>('[name=expr]')!;
  const run = (quiet: boolean) => {
    let b: Built;
    try {
      b = buildExpression(input.value, registry);
    } catch (e) {
      if (!quiet) show(undefined, (e as Error).message);
      else form.classList.add('stale');
      return;
    }
    form.classList.remove('stale');
    show(b);
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    run(false);
  });
  let timer = 0;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => run(true), 250);
  });
  input.addEventListener('keydown', (e: Event) => {
    const k = e as KeyboardEvent;
    if (k.key === 'Enter' && !k.shiftKey) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  return (text: string) => {
    input.value = text;
    run(false);
  };
}

/** The decoded view of what was built. */
export function decodeBuilt(b: Built, registry: Registry) {
  return decodeStack(b.bytes, { first: b.first, registry });
}

export { toHex };
