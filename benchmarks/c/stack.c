/*
 * Native reference for the wirestack benchmarks: decodes the same Ethernet/IPv4/UDP/VXLAN/Ethernet/
 * IPv4/UDP/raw packet into a struct of every numeric field, pulls the inner 5-tuple, and sums the
 * Internet checksum of 1500 bytes, each timed like run.mjs does (median of rounds). Built by run.mjs
 * with `gcc -O2` when gcc is present. Usage: stack <packet hex>. Prints one JSON object.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct { uint8_t dst[6], src[6]; uint16_t type; } eth_t;
typedef struct { uint8_t ver, ihl, dscp, ecn, df, mf, ttl, proto; uint16_t tlen, id, frag, csum; uint32_t src, dst; } ip4_t;
typedef struct { uint16_t sport, dport, len, csum; } udp_t;
typedef struct { uint8_t flags; uint32_t vni; } vxlan_t;
typedef struct { eth_t e1; ip4_t i1; udp_t u1; vxlan_t v; eth_t e2; ip4_t i2; udp_t u2; int raw_off, raw_len; } stack_t;
typedef struct { uint32_t src, dst; uint8_t proto; uint16_t sport, dport; } flow_t;

static inline uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

static int eth(const uint8_t *b, int o, int end, eth_t *e) {
  if (end - o < 14) return -1;
  memcpy(e->dst, b + o, 6); memcpy(e->src, b + o + 6, 6); e->type = be16(b + o + 12);
  return o + 14;
}
static int ip4(const uint8_t *b, int o, int *end, ip4_t *h) {
  if (*end - o < 20) return -1;
  const uint8_t *p = b + o;
  h->ver = p[0] >> 4; h->ihl = p[0] & 15; h->dscp = p[1] >> 2; h->ecn = p[1] & 3; h->tlen = be16(p + 2); h->id = be16(p + 4);
  uint16_t f = be16(p + 6); h->df = (f >> 14) & 1; h->mf = (f >> 13) & 1; h->frag = f & 0x1fff; h->ttl = p[8]; h->proto = p[9];
  h->csum = be16(p + 10); h->src = be32(p + 12); h->dst = be32(p + 16);
  if (h->ver != 4 || h->ihl < 5 || o + h->ihl * 4 > *end) return -1;
  if (h->tlen >= h->ihl * 4 && o + h->tlen <= *end) *end = o + h->tlen;
  return o + h->ihl * 4;
}
static int udp(const uint8_t *b, int o, int *end, udp_t *u) {
  if (*end - o < 8) return -1;
  const uint8_t *p = b + o;
  u->sport = be16(p); u->dport = be16(p + 2); u->len = be16(p + 4); u->csum = be16(p + 6);
  if (u->len >= 8 && o + u->len <= *end) *end = o + u->len;
  return o + 8;
}
static int decode(const uint8_t *b, int n, stack_t *s) {
  int end = n, o = eth(b, 0, end, &s->e1);
  if (o < 0 || s->e1.type != 0x0800) return -1;
  if ((o = ip4(b, o, &end, &s->i1)) < 0 || s->i1.proto != 17) return -1;
  if ((o = udp(b, o, &end, &s->u1)) < 0 || (s->u1.dport != 4789 && s->u1.sport != 4789)) return -1;
  if (end - o < 8) return -1;
  s->v.flags = b[o]; s->v.vni = be32(b + o + 4) >> 8; o += 8;
  if ((o = eth(b, o, end, &s->e2)) < 0 || s->e2.type != 0x0800) return -1;
  if ((o = ip4(b, o, &end, &s->i2)) < 0 || s->i2.proto != 17) return -1;
  if ((o = udp(b, o, &end, &s->u2)) < 0) return -1;
  s->raw_off = o; s->raw_len = end - o;
  return 8;
}
/* Lazy inner 5-tuple: skip to the inner IPv4 by offsets, read only what the key needs. */
static int inner_flow(const uint8_t *b, int n, flow_t *f) {
  if (n < 14 + 20 || be16(b + 12) != 0x0800 || b[23] != 17) return -1;
  int o = 14 + (b[14] & 15) * 4;
  if (n < o + 16 + 14 + 20 || be16(b + o + 2) != 4789) return -1;
  o += 16;
  if (be16(b + o + 12) != 0x0800) return -1;
  o += 14;
  f->src = be32(b + o + 12); f->dst = be32(b + o + 16); f->proto = b[o + 9];
  int t = o + (b[o] & 15) * 4;
  if (n < t + 4) return -1;
  f->sport = be16(b + t); f->dport = be16(b + t + 2);
  return 0;
}
static uint16_t csum(const uint8_t *p, size_t n) {
  uint64_t s = 0; size_t i = 0;
  for (; i + 4 <= n; i += 4) { uint32_t w; memcpy(&w, p + i, 4); s += w; }
  for (; i + 1 < n; i += 2) { uint16_t w; memcpy(&w, p + i, 2); s += w; }
  if (i < n) s += p[i];
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return (uint16_t)(((s & 0xff) << 8) | (s >> 8));
}

static double now_ns(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e9 + t.tv_nsec; }
static volatile uint64_t sink;
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }

#define ROUNDS 9
#define BENCH(name, body)                                                                    \
  do {                                                                                       \
    long n = 1; double t;                                                                    \
    for (;;) { double t0 = now_ns(); for (long i = 0; i < n; i++) { body; } t = now_ns() - t0; \
      if (t > round_ns / 8) break; n *= 2; }                                                 \
    n = (long)(n * round_ns / t) + 1; double r[ROUNDS];                                       \
    for (int k = 0; k < ROUNDS; k++) { double t0 = now_ns(); for (long i = 0; i < n; i++) { body; } r[k] = (now_ns() - t0) / n; } \
    qsort(r, ROUNDS, sizeof r[0], cmp);                                                      \
    printf("%s\"%s\":{\"min\":%.2f,\"median\":%.2f,\"max\":%.2f}", first ? "" : ",", name, r[0], r[ROUNDS / 2], r[ROUNDS - 1]); first = 0; \
  } while (0)

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: stack <hex> [round_ms]\n"); return 2; }
  double round_ns = (argc > 2 ? atof(argv[2]) : 200) * 1e6;
  size_t hl = strlen(argv[1]); int n = (int)(hl / 2);
  uint8_t *pkt = malloc(n);
  for (int i = 0; i < n; i++) { unsigned x; sscanf(argv[1] + 2 * i, "%2x", &x); pkt[i] = (uint8_t)x; }
  static uint8_t big[4096] __attribute__((aligned(64)));
  for (int i = 0; i < 4096; i++) big[i] = (uint8_t)(i * 31);
  stack_t s; flow_t f; int first = 1;
  printf("{");
  BENCH("decode-all-fields", { uint8_t *volatile p = pkt; sink += decode(p, n, &s) + s.u2.dport + s.i2.src; });
  BENCH("inner-5tuple", { uint8_t *volatile p = pkt; sink += inner_flow(p, n, &f) + f.sport + f.src; });
  BENCH("checksum-1500-aligned", { uint8_t *volatile p = big; sink += csum(p, 1500); });
  BENCH("checksum-1500-unaligned", { uint8_t *volatile p = big + 1; sink += csum(p, 1500); });
  printf("}\n");
  return 0;
}
