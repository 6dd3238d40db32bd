// SPDX-License-Identifier: GPL-2.0
/*
 * yoq node dataplane: VIP load balancing (port preserving, conntrack pinned backends), per-container counters,
 * per-pair counters and a small new-flow policy, for TC clsact direct-action on a container's host-side veth.
 *
 * lb_ingress sees packets FROM the container (host veth ingress); lb_egress sees packets TO it.
 * Replies of translated flows are rewritten on the *sending* side's ingress: every packet a container sends
 * passes its own veth ingress first, which also covers client and backend on the same bridge.
 *
 * Rules of lb_ingress, in order:
 *  1. Source check: veth_src maps the ingress ifindex (skb->ifindex) to the container's own IPv4 address; an IPv4
 *     packet (any protocol) whose source differs is dropped, so a container cannot spoof another one's address to
 *     plant rev_nat/conntrack entries, fill the shared LRU maps, skew others' counters or pass their policy.
 *     Interfaces without an entry and non-IPv4 frames (ARP, IPv6) are not checked here.
 *  2. Replies of translated flows (rev_nat) get the VIP as their source.
 *  3. A packet to a VIP with a conntrack entry keeps its pinned backend (draining: even a backend that left the
 *     table, or a deleted VIP), EXCEPT a TCP SYN (without ACK) whose pinned backend is no longer listed: that is a
 *     new flow reusing an old tuple, and it picks again.
 *  4. Only a TCP SYN (without ACK) or a UDP packet creates conntrack/rev_nat entries; any other TCP packet to a
 *     VIP without a conntrack entry is dropped (it belongs to no flow we know; hashing it mid-flow could send it
 *     to a backend that never saw its SYN).
 *  5. Backend choice: backend[flow_hash % count]; when that is the client itself (a replica calling its own VIP)
 *     the next backend is taken instead: a packet translated to its own sender would come back with its own
 *     address as source and the reply would never pass a veth to be rewritten. When the client is the only
 *     backend, the packet is left untranslated (TC_ACT_OK) for the host's nftables rules, which handle
 *     self-calls (hairpin with masquerade).
 *  6. New flows pass the policy (after translation: it sees the real backend) before any entry is written.
 *
 * All addresses are kept in network byte order, in maps too: the Java side writes the raw 4 address bytes.
 * The layouts below are mirrored by dev.yoq.node.daemon.bpf.Layouts; change both together.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define MAX_BACKENDS 64

struct flow {            /* 16 bytes; pad must be zero so equal flows hash equal */
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 pad[3];
};

struct vip_val {         /* 260 bytes */
	__u32 count;
	__u32 backend[MAX_BACKENDS];
};

struct ct_val {          /* conntrack: original flow (client -> VIP) -> chosen backend */
	__u32 backend;
	__u32 vip;
};

struct counters {        /* per container IPv4, 40 bytes */
	__u64 rx_packets;
	__u64 rx_bytes;
	__u64 tx_packets;
	__u64 tx_bytes;
	__u64 connections;
};

struct pair_key {
	__u32 src;
	__u32 dst;
};

struct pair_val {
	__u64 packets;
	__u64 bytes;
};

struct subnet {          /* config[0]: the policy subnet, network order */
	__u32 addr;
	__u32 mask;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct vip_val);
} vips SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct flow);
	__type(value, struct ct_val);
} conntrack SEC(".maps");

/* reply direction of a translated flow: key (backend, client, backend port, client port) -> VIP */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct flow);
	__type(value, __u32);
} rev_nat SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct counters);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct pair_key);
	__type(value, struct pair_val);
} pairs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct pair_key);
	__type(value, __u32);
} policy_deny SEC(".maps");

/* a source listed here may open new flows inside the subnet only to destinations in policy_allow */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u32);
} policy_allow_only SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct pair_key);
	__type(value, __u32);
} policy_allow SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct subnet);
} config SEC(".maps");

/* the source check: host-side veth ifindex (host order) -> the container's IPv4 (network order) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u32);
} veth_src SEC(".maps");

/* meta[0]: SHA-256 of the object file that created these maps, so a helper never adopts stale programs */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[32]);
} meta SEC(".maps");

/* FNV-1a over saddr, daddr (4 bytes each as laid out in memory), sport, dport (2 each) and proto: 13 bytes,
 * then murmur3's fmix32: plain FNV-1a's low bit is just the parity of the bytes' low bits, so "% 2" would send every
 * connection whose source port moved by 2 (Linux's usual step) to the same backend.
 * Mirrored by Layouts.flowHash; the Java unit test pins it to an independent computation. */
static __always_inline __u32 flow_hash(const struct flow *f)
{
	const __u8 *p = (const __u8 *)f;
	__u32 h = 2166136261u;
#pragma unroll
	for (int i = 0; i < 13; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static __always_inline struct counters *counters_of(__u32 ip)
{
	struct counters *c = bpf_map_lookup_elem(&counters, &ip);
	if (c)
		return c;
	struct counters zero = {};
	bpf_map_update_elem(&counters, &ip, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&counters, &ip);
}

static __always_inline void count_pair(__u32 src, __u32 dst, __u64 len)
{
	struct pair_key k = { .src = src, .dst = dst };
	struct pair_val *v = bpf_map_lookup_elem(&pairs, &k);
	if (!v) {
		struct pair_val zero = {};
		bpf_map_update_elem(&pairs, &k, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&pairs, &k);
		if (!v)
			return;
	}
	__sync_fetch_and_add(&v->packets, 1);
	__sync_fetch_and_add(&v->bytes, len);
}

/* Rewrites one IPv4 address (saddr at +12 or daddr at +16) and fixes the IP and L4 checksums.
 * BPF_F_PSEUDO_HDR: the address is part of the L4 pseudo header (this also handles CHECKSUM_PARTIAL skbs).
 * BPF_F_MARK_MANGLED_0 keeps a UDP checksum of 0 ("none") as 0. */
static __always_inline int rewrite_addr(struct __sk_buff *skb, __u32 l3, __u32 l4, __u8 proto, __u32 field,
					__u32 old, __u32 new)
{
	__u32 csum_off = l4 + (proto == IPPROTO_TCP ? offsetof(struct tcphdr, check) : offsetof(struct udphdr, check));
	__u64 flags = BPF_F_PSEUDO_HDR | sizeof(new);
	if (proto == IPPROTO_UDP)
		flags |= BPF_F_MARK_MANGLED_0;
	if (bpf_l4_csum_replace(skb, csum_off, old, new, flags) < 0)
		return -1;
	if (bpf_l3_csum_replace(skb, l3 + offsetof(struct iphdr, check), old, new, sizeof(new)) < 0)
		return -1;
	if (bpf_skb_store_bytes(skb, l3 + field, &new, sizeof(new), 0) < 0)
		return -1;
	return 0;
}

/* New-flow policy, applied after VIP translation so dst is the real backend. 1 = drop. */
static __always_inline int policy_drops(__u32 src, __u32 dst)
{
	struct pair_key k = { .src = src, .dst = dst };
	if (bpf_map_lookup_elem(&policy_deny, &k))
		return 1;
	if (!bpf_map_lookup_elem(&policy_allow_only, &src))
		return 0;
	__u32 zero = 0;
	struct subnet *s = bpf_map_lookup_elem(&config, &zero);
	if (!s || (dst & s->mask) != s->addr)
		return 0;
	return bpf_map_lookup_elem(&policy_allow, &k) ? 0 : 1;
}

struct parsed {
	struct flow f;
	__u32 l3;
	__u32 l4;
	__u8 syn_only;
};

/* IPv4 TCP/UDP only, first fragments only; 0 = parsed */
static __always_inline int parse(struct __sk_buff *skb, struct parsed *p)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return -1;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || ip->ihl < 5)
		return -1;
	if (ip->protocol != IPPROTO_TCP && ip->protocol != IPPROTO_UDP)
		return -1;
	if (ip->frag_off & bpf_htons(0x1fff))   /* later fragments carry no ports */
		return -1;
	__u32 ihl = ip->ihl * 4;
	void *l4 = (void *)ip + ihl;
	p->l3 = sizeof(*eth);
	p->l4 = sizeof(*eth) + ihl;
	p->f.saddr = ip->saddr;
	p->f.daddr = ip->daddr;
	p->f.proto = ip->protocol;
	p->syn_only = 0;
	if (ip->protocol == IPPROTO_TCP) {
		struct tcphdr *th = l4;
		if ((void *)(th + 1) > end)
			return -1;
		p->f.sport = th->source;
		p->f.dport = th->dest;
		p->syn_only = th->syn && !th->ack;
	} else {
		struct udphdr *uh = l4;
		if ((void *)(uh + 1) > end)
			return -1;
		p->f.sport = uh->source;
		p->f.dport = uh->dest;
	}
	return 0;
}

/* 1 when the packet is IPv4 and its source is not the address registered for the ingress interface (drop it).
 * Reads through bpf_skb_load_bytes: no assumption on what is in the linear part; a packet too short to hold an
 * IPv4 source on a checked interface is dropped too. */
static __always_inline int spoofed(struct __sk_buff *skb)
{
	__u16 proto;
	if (bpf_skb_load_bytes(skb, offsetof(struct ethhdr, h_proto), &proto, sizeof(proto)) < 0)
		return 0;
	if (proto != bpf_htons(ETH_P_IP))
		return 0;
	__u32 ifindex = skb->ifindex;
	__u32 *own = bpf_map_lookup_elem(&veth_src, &ifindex);
	if (!own)
		return 0;
	__u32 saddr;
	if (bpf_skb_load_bytes(skb, sizeof(struct ethhdr) + offsetof(struct iphdr, saddr), &saddr, sizeof(saddr)) < 0)
		return 1;
	return saddr != *own;
}

/* whether b is one of the VIP's listed backends */
static __always_inline int listed(const struct vip_val *vv, __u32 b)
{
	__u32 n = vv->count;
	for (__u32 i = 0; i < MAX_BACKENDS; i++) {
		if (i >= n)
			break;
		if (vv->backend[i] == b)
			return 1;
	}
	return 0;
}

/* Picks the backend of a new flow into *out: backend[flow_hash % count], or the next one (cyclic) when that is the
 * client itself. Returns 0 when picked, 1 when only the client itself is left (leave the packet untranslated:
 * the host's nftables rules handle a replica calling its own VIP), -1 when the VIP has no backends (drop).
 * Mirrored by Layouts.backendFor. */
static __always_inline int pick(const struct vip_val *vv, const struct flow *f, __u32 *out)
{
	__u32 n = vv->count;
	if (n == 0 || n > MAX_BACKENDS)
		return -1;
	__u32 idx = flow_hash(f) % n;
	/* clang drops a mask it can prove redundant (n <= 64); the verifier cannot prove it: hide idx */
	asm volatile("" : "+r"(idx));
	idx &= MAX_BACKENDS - 1;
	__u32 b = vv->backend[idx];
	if (b == f->saddr) {
		if (n == 1)
			return 1;
		idx = idx + 1 >= n ? 0 : idx + 1;
		asm volatile("" : "+r"(idx));
		idx &= MAX_BACKENDS - 1;
		b = vv->backend[idx];
		if (b == f->saddr)      /* the client listed twice in a row: treat as "only itself" */
			return 1;
	}
	*out = b;
	return 0;
}

SEC("tc")
int lb_ingress(struct __sk_buff *skb)
{
	if (spoofed(skb))
		return TC_ACT_SHOT;
	struct parsed p = {};
	if (parse(skb, &p))
		return TC_ACT_OK;
	__u64 len = skb->len;
	struct counters *c = counters_of(p.f.saddr);
	if (c) {
		__sync_fetch_and_add(&c->tx_packets, 1);
		__sync_fetch_and_add(&c->tx_bytes, len);
	}

	/* a reply of a translated flow: the client must see the VIP as its source */
	__u32 *rvip = bpf_map_lookup_elem(&rev_nat, &p.f);
	if (rvip) {
		__u32 vip = *rvip;
		count_pair(p.f.saddr, p.f.daddr, len);
		if (rewrite_addr(skb, p.l3, p.l4, p.f.proto, offsetof(struct iphdr, saddr), p.f.saddr, vip))
			return TC_ACT_SHOT;
		return TC_ACT_OK;
	}

	__u32 dst = p.f.daddr;
	int is_new = p.syn_only;     /* TCP: SYN without ACK; UDP: decided by conntrack below */
	int insert_ct = 0;
	int translate = 0;
	struct ct_val ctv = {};
	struct vip_val *vv = 0;
	struct ct_val *ct = bpf_map_lookup_elem(&conntrack, &p.f);
	if (ct && ct->vip == p.f.daddr) {
		/* existing flows keep their backend, even one that left the table or a deleted VIP (draining) */
		dst = ct->backend;
		translate = 1;
		if (p.syn_only) {
			/* a SYN is a new flow: if its old tuple is pinned to a backend no longer listed, pick again */
			vv = bpf_map_lookup_elem(&vips, &p.f.daddr);
			if (!vv || !listed(vv, dst)) {
				struct flow r = { .saddr = dst, .daddr = p.f.saddr, .sport = p.f.dport, .dport = p.f.sport,
						  .proto = p.f.proto };
				bpf_map_delete_elem(&rev_nat, &r);
				bpf_map_delete_elem(&conntrack, &p.f);
				ct = 0;
				dst = p.f.daddr;
				translate = 0;
			}
		}
	} else {
		vv = bpf_map_lookup_elem(&vips, &p.f.daddr);
	}
	if (!translate) {
		if (vv) {
			/* only a SYN or a UDP packet opens a flow to a VIP; other TCP belongs to no flow we know */
			if (p.f.proto == IPPROTO_TCP && !p.syn_only)
				return TC_ACT_SHOT;
			int r = pick(vv, &p.f, &dst);
			if (r < 0)
				return TC_ACT_SHOT;
			if (r > 0)
				return TC_ACT_OK;   /* only the client itself: untranslated, for the host's rules */
			translate = 1;
			insert_ct = 1;
			if (p.f.proto == IPPROTO_UDP)
				is_new = 1;
		} else if (p.syn_only) {
			/* a new direct connection: a reply entry an ended VIP flow left on this very tuple (the client reused
			 * its port) would rewrite the backend's answers to the VIP's address and break it */
			struct flow r = { .saddr = p.f.daddr, .daddr = p.f.saddr, .sport = p.f.dport, .dport = p.f.sport,
					  .proto = p.f.proto };
			bpf_map_delete_elem(&rev_nat, &r);
		} else if (p.f.proto == IPPROTO_UDP && !ct) {
			/* plain UDP: new unless it answers a flow the other side opened (whose entry is keyed reversed) */
			struct flow r = { .saddr = p.f.daddr, .daddr = p.f.saddr, .sport = p.f.dport, .dport = p.f.sport,
					  .proto = p.f.proto };
			if (!bpf_map_lookup_elem(&conntrack, &r)) {
				is_new = 1;
				insert_ct = 1;
			}
		}
	}

	if (is_new) {
		if (policy_drops(p.f.saddr, dst))
			return TC_ACT_SHOT;
		if (c)
			__sync_fetch_and_add(&c->connections, 1);
	}
	if (insert_ct) {   /* only after policy passed, or a dropped UDP flow's next packet would get through */
		ctv.backend = dst;
		ctv.vip = translate ? p.f.daddr : 0;
		bpf_map_update_elem(&conntrack, &p.f, &ctv, BPF_ANY);
	}
	if (translate) {
		/* keep the reply entry present even if the LRU evicted it while conntrack kept the flow */
		struct flow r = { .saddr = dst, .daddr = p.f.saddr, .sport = p.f.dport, .dport = p.f.sport,
				  .proto = p.f.proto };
		__u32 vip = p.f.daddr;
		/* a SYN (re)opens the flow: its reply entry must name this VIP, not one another flow on the same
		 * backend tuple left (the client reused its port towards another VIP of that backend) */
		if (insert_ct || p.syn_only || !bpf_map_lookup_elem(&rev_nat, &r))
			bpf_map_update_elem(&rev_nat, &r, &vip, BPF_ANY);
		if (rewrite_addr(skb, p.l3, p.l4, p.f.proto, offsetof(struct iphdr, daddr), p.f.daddr, dst))
			return TC_ACT_SHOT;
	}
	count_pair(p.f.saddr, dst, len);
	return TC_ACT_OK;
}

SEC("tc")
int lb_egress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end)
		return TC_ACT_OK;
	if (ip->protocol != IPPROTO_TCP && ip->protocol != IPPROTO_UDP)
		return TC_ACT_OK;
	struct counters *c = counters_of(ip->daddr);
	if (c) {
		__sync_fetch_and_add(&c->rx_packets, 1);
		__sync_fetch_and_add(&c->rx_bytes, skb->len);
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
