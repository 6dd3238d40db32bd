/* The container's side of its network, inside its network namespace: loopback up, and with an address eth0
 * configured and a default route. The node helper made the namespace and the veth pair; ioctls here cost
 * microseconds where running `ip` again would cost milliseconds. */
#ifndef YOQ_INIT_NET_H
#define YOQ_INIT_NET_H

/* addr: "10.42.0.5/16" or NULL (loopback only); gateway: "10.42.0.1" or NULL. Calls fail() on error. */
void net_setup(const char *addr, const char *gateway);

#endif
