/** The `wirestack` program: commander wiring, exit statuses, usage hints. */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { runBuild } from './commands/build.js';
import { runDecode } from './commands/decode.js';
import { runOverlay } from './commands/overlay.js';
import { runShow } from './commands/show.js';
import { runStats } from './commands/stats.js';
import { type CliStreams, InputError, UsageError } from './io.js';

/** The CLI's version (kept in step with package.json). */
export const VERSION = '0.1.0';

/** Exit statuses: 0 ok, 1 unreadable or broken input, 2 usage error. */
export const ExitCode = { OK: 0, INPUT: 1, USAGE: 2 } as const;

function count(name: string): (v: string) => number {
  return (v) => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
    return Number(v);
  };
}

function positive(name: string): (v: string) => number {
  return (v) => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return Number(v);
  };
}

function collect(v: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), v];
}

/** Adds the decoding options every reading command shares. */
function decodingOptions(cmd: Command): Command {
  return cmd
    .option('--verify-checksums', 'verify IPv4/UDP/GRE checksums and report bad ones (default)')
    .option('--no-verify-checksums', 'do not verify checksums')
    .option(
      '--decode-as <table=value:layer>',
      'bind a dispatch value to a layer, e.g. udp.port=8472:vxlan, ethertype=0x88b5:ethernet, ip.proto=99:raw, mpls.label=16:ethernet (repeatable)',
      collect,
    )
    .addOption(
      new Option(
        '--mpls-payload <layer>',
        'what follows an unbound bottom MPLS label: guess-by-nibble (default), ethernet or another layer',
      ),
    )
    .option('--mpls-control-word', 'pseudowire payloads bound to ethernet start with the RFC 4385 control word');
}

/** Runs the command line; resolves to the exit status (it never calls `process.exit`). */
export async function main(argv: readonly string[], io: Partial<CliStreams> = {}): Promise<number> {
  const streams: CliStreams = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    stdin: io.stdin ?? process.stdin,
    env: io.env ?? process.env,
  };
  let status: number = ExitCode.OK;
  let current = '';
  const program = new Command('wirestack');
  program
    .description('decode, inspect, build and summarise packets in pcap/pcapng captures (tunnels included)')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => streams.stdout.write(s),
      writeErr: (s) => streams.stderr.write(s),
      outputError: (s, write) => write(`wirestack: ${s.replace(/^error: /, '')}`),
    })
    .showHelpAfterError('(see wirestack --help)')
    .addHelpText(
      'after',
      `
Examples:
  $ wirestack decode capture.pcap
  $ wirestack decode --json capture.pcapng | wirestack build --json - --hex
  $ wirestack show capture.pcap -n 3
  $ wirestack build 'ethernet/ipv4(dst=10.0.0.2)/udp/vxlan(vni=42)/ethernet/ipv4/udp' --hex
  $ wirestack stats capture.pcap --top 5
  $ wirestack overlay vpn --pcapng vpn.pcapng

Exit status: 0 ok, 1 unreadable or broken input (after every complete record), 2 usage error.`,
    );

  const decode = program
    .command('decode')
    .description('print one line (or one JSON packet record) per packet')
    .argument('<files...>', 'pcap or pcapng files (gzip allowed); - reads standard input')
    .option('--json', 'one JSON packet record per line (the layers-json contract)')
    .option('-c, --count <n>', 'stop after n packets', positive('--count'))
    .option('--skip <n>', 'skip the first n packets', count('--skip'))
    .option('--no-progress', 'never draw the progress bar (it is only drawn when stderr is a terminal)');
  decodingOptions(decode)
    .showHelpAfterError('(see wirestack decode --help)')
    .addHelpText(
      'after',
      `
Examples:
  $ wirestack decode capture.pcap
  1 1700000000.000001 ethernet 02:00:00:00:00:01 → 02:00:00:00:00:02 / ipv4 10.0.0.1 → 10.0.0.2 / udp 49152 → 4789 / vxlan vni 42 / ...
  $ wirestack decode --json -c 10 capture.pcapng > packets.jsonl
  $ wirestack decode --decode-as udp.port=8472:vxlan flannel.pcap
  $ wirestack decode --decode-as mpls.label=16:ethernet --mpls-control-word pw.pcap
  $ cat capture.pcap | wirestack decode -`,
    )
    .action(async (files: string[], o: Record<string, unknown>) => {
      current = 'decode';
      status = await runDecode(
        files,
        {
          json: o.json === true,
          ...(o.count !== undefined ? { count: o.count as number } : {}),
          ...(o.skip !== undefined ? { skip: o.skip as number } : {}),
          verifyChecksums: o.verifyChecksums !== false,
          ...(o.decodeAs !== undefined ? { decodeAs: o.decodeAs as string[] } : {}),
          ...(o.mplsPayload !== undefined ? { mplsPayload: o.mplsPayload as string } : {}),
          ...(o.mplsControlWord !== undefined ? { mplsControlWord: true } : {}),
          ...(o.progress === false ? { progress: false } : {}),
        },
        streams,
      );
    });

  const show = program
    .command('show')
    .description('print one packet as a field tree and a hexdump coloured by layer')
    .argument('<file>', 'pcap or pcapng file; - reads standard input')
    .option('-n, --number <n>', 'the packet to show (1-based)', positive('--number'), 1)
    .option('--color', 'colour the output even when stdout is not a terminal')
    .option('--no-color', 'plain text (also when NO_COLOR is set or stdout is not a terminal)');
  decodingOptions(show)
    .showHelpAfterError('(see wirestack show --help)')
    .addHelpText(
      'after',
      `
Examples:
  $ wirestack show capture.pcap -n 2
  $ wirestack show capture.pcap -n 2 --no-color | less`,
    )
    .action(async (file: string, o: Record<string, unknown>) => {
      current = 'show';
      status = await runShow(
        file,
        {
          number: o.number as number,
          ...(o.color !== undefined ? { color: o.color as boolean } : {}),
          verifyChecksums: o.verifyChecksums !== false,
          ...(o.decodeAs !== undefined ? { decodeAs: o.decodeAs as string[] } : {}),
          ...(o.mplsPayload !== undefined ? { mplsPayload: o.mplsPayload as string } : {}),
          ...(o.mplsControlWord !== undefined ? { mplsControlWord: true } : {}),
        },
        streams,
      );
    });

  program
    .command('build')
    .description('build packets from layer expressions or JSON, as hex lines or a capture file')
    .argument('[expressions...]', "layers joined by '/', e.g. ethernet(dst=02:00:00:00:00:02)/ipv4/udp(dstPort=53)/raw(data=00)")
    .option('--json <file>', 'read one JSON array of layer objects (or one decode --json packet record) per line; - reads standard input')
    .option('--hex', 'print one lower-case hex line per packet (the default unless -o is given)')
    .option('-o, --output <file>', 'write a capture: .pcapng gives pcapng, anything else pcap')
    .option('--explain', "before each packet, list every field the encoder derived or defaulted ('# ' lines)")
    .option(
      '--decode-as <table=value:layer>',
      'bind a dispatch value to a layer (also changes which value is derived for it only when nothing else is bound)',
      collect,
    )
    .showHelpAfterError('(see wirestack build --help)')
    .addHelpText(
      'after',
      `
Values are typed by each layer's fields: integers in decimal or 0x hex, booleans true/false/1/0, MAC and IP
addresses, hex bytes, JSON for structured fields (geneve options=[{"class":1,"type":2,"data":"00000001"}]).
Fields left out are defaulted or derived (lengths, checksums, next-protocol numbers).

Examples:
  $ wirestack build 'ethernet(dst=02:00:00:00:00:02)/ipv4(dst=10.0.0.2)/udp(srcPort=1234)/vxlan(vni=42)/ethernet/ipv4/udp/raw(data=68656c6c6f)'
  $ wirestack build 'ethernet/mpls(label=16)/mpls(label=17)/ipv4/udp' --explain
  $ wirestack build 'ethernet/ipv6/gre(key=5)/ipv4/udp' -o out.pcapng
  $ wirestack decode --json in.pcap | wirestack build --json - --hex`,
    )
    .action(async (exprs: string[], o: Record<string, unknown>) => {
      current = 'build';
      status = await runBuild(
        exprs,
        {
          ...(o.json !== undefined ? { json: o.json as string } : {}),
          hex: o.hex === true,
          ...(o.output !== undefined ? { output: o.output as string } : {}),
          explain: o.explain === true,
          ...(o.decodeAs !== undefined ? { decodeAs: o.decodeAs as string[] } : {}),
        },
        streams,
      );
    });

  const stats = program
    .command('stats')
    .description('protocol hierarchy, tunnel statistics (VNI, GRE key, MPLS label) and the top inner flows')
    .argument('<files...>', 'pcap or pcapng files; - reads standard input')
    .option('--json', 'one JSON object instead of the text report')
    .option('--top <n>', 'inner flows to list', positive('--top'), 10);
  decodingOptions(stats)
    .showHelpAfterError('(see wirestack stats --help)')
    .addHelpText(
      'after',
      `
Examples:
  $ wirestack stats capture.pcap
  $ wirestack stats --json --top 3 a.pcap b.pcapng`,
    )
    .action(async (files: string[], o: Record<string, unknown>) => {
      current = 'stats';
      status = await runStats(
        files,
        {
          json: o.json === true,
          top: o.top as number,
          verifyChecksums: o.verifyChecksums !== false,
          ...(o.decodeAs !== undefined ? { decodeAs: o.decodeAs as string[] } : {}),
          ...(o.mplsPayload !== undefined ? { mplsPayload: o.mplsPayload as string } : {}),
          ...(o.mplsControlWord !== undefined ? { mplsControlWord: true } : {}),
        },
        streams,
      );
    });

  program
    .command('overlay')
    .description('run a named overlay-network scenario: draw each packet hop by hop, optionally write a pcapng')
    .argument('[scenario]', 'vpn, 6in4, vxlan-pods, multihop or mpls (omit to list them)')
    .option('--pcapng <file>', "write every hop's frame to a pcapng (one interface per link)")
    .option('--json', 'the traces as one JSON object instead of the drawing')
    .showHelpAfterError('(see wirestack overlay --help)')
    .addHelpText(
      'after',
      `
Examples:
  $ wirestack overlay
  $ wirestack overlay vpn --pcapng vpn.pcapng
  $ wirestack overlay vxlan-pods --json`,
    )
    .action(async (scenario: string | undefined, o: Record<string, unknown>) => {
      current = 'overlay';
      status = await runOverlay(
        scenario,
        { json: o.json === true, ...(o.pcapng !== undefined ? { pcapng: o.pcapng as string } : {}) },
        streams,
      );
    });

  try {
    await program.parseAsync([...argv], { from: 'node' });
    return status;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return ExitCode.OK;
      return ExitCode.USAGE;
    }
    if (e instanceof UsageError) {
      const cmd = e.command ?? current;
      streams.stderr.write(`wirestack: ${e.message}\n(see wirestack ${cmd ? `${cmd} ` : ''}--help)\n`);
      return ExitCode.USAGE;
    }
    if (e instanceof InputError) {
      streams.stderr.write(`wirestack: ${e.message}\n`);
      return ExitCode.INPUT;
    }
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    streams.stderr.write(`wirestack: internal error: ${msg.split('\n')[0]}\n`);
    return ExitCode.INPUT;
  }
}
