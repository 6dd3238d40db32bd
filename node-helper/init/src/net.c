#define _GNU_SOURCE
#include "net.h"
#include "fail.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static void set_in(struct sockaddr *sa, in_addr_t a) {
    struct sockaddr_in *in = (struct sockaddr_in *) sa;
    memset(in, 0, sizeof *in);
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = a;
}

static void up(int fd, const char *name) {
    struct ifreq r;
    memset(&r, 0, sizeof r);
    strncpy(r.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, SIOCGIFFLAGS, &r) < 0) fail("network: %s: %s", name, strerror(errno));
    r.ifr_flags |= IFF_UP;
    if (ioctl(fd, SIOCSIFFLAGS, &r) < 0) fail("network: %s up: %s", name, strerror(errno));
}

static void address(int fd, const char *name, const char *cidr) {
    char ip[INET_ADDRSTRLEN];
    const char *slash = strchr(cidr, '/');
    size_t len = slash ? (size_t) (slash - cidr) : strlen(cidr);
    int prefix = slash ? atoi(slash + 1) : 32;
    if (len >= sizeof ip || prefix < 1 || prefix > 32) fail("network: bad address %s", cidr);
    memcpy(ip, cidr, len);
    ip[len] = 0;
    in_addr_t a;
    if (inet_pton(AF_INET, ip, &a) != 1) fail("network: bad address %s", cidr);
    struct ifreq r;
    memset(&r, 0, sizeof r);
    strncpy(r.ifr_name, name, IFNAMSIZ - 1);
    set_in(&r.ifr_addr, a);
    if (ioctl(fd, SIOCSIFADDR, &r) < 0) fail("network: address %s on %s: %s", cidr, name, strerror(errno));
    set_in(&r.ifr_netmask, htonl(prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix)));
    if (ioctl(fd, SIOCSIFNETMASK, &r) < 0) fail("network: netmask of %s: %s", name, strerror(errno));
}

static void default_route(int fd, const char *gateway) {
    in_addr_t gw;
    if (inet_pton(AF_INET, gateway, &gw) != 1) fail("network: bad gateway %s", gateway);
    struct rtentry rt;
    memset(&rt, 0, sizeof rt);
    set_in(&rt.rt_dst, INADDR_ANY);
    set_in(&rt.rt_genmask, INADDR_ANY);
    set_in(&rt.rt_gateway, gw);
    rt.rt_flags = RTF_UP | RTF_GATEWAY;
    /* A restarted container joins the same namespace: the route may already be there. */
    if (ioctl(fd, SIOCADDRT, &rt) < 0 && errno != EEXIST) fail("network: default route via %s: %s", gateway, strerror(errno));
}

void net_setup(const char *addr, const char *gateway) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) fail("network: socket: %s", strerror(errno));
    up(fd, "lo");
    if (addr) {
        address(fd, "eth0", addr);
        up(fd, "eth0");
        if (gateway) default_route(fd, gateway);
    }
    close(fd);
}
