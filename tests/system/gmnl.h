/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gpumem generic netlink family over libnl-genl-3, for the system test
 * programs that talk to the kernel without gpumemctl: a socket, and one
 * request with a cgroup id and a byte count.  Any failure fails the test.
 */
#ifndef GPUMEM_SYSTEST_GMNL_H
#define GPUMEM_SYSTEST_GMNL_H

#include <stdint.h>

#include <netlink/handlers.h>
#include <netlink/netlink.h>

/* A socket of the gpumem family; the family's id in *@family. */
struct nl_sock *gmnl_open(int *family);

/*
 * Send @cmd with attribute @id_attr, the cgroup id @id, and, if
 * @bytes_attr, that attribute with @bytes (both u64), and receive the
 * answer: each reply message goes to @cb with @arg, if @cb.
 */
void gmnl_request(struct nl_sock *sk, int family, int cmd, int id_attr,
		  uint64_t id, int bytes_attr, uint64_t bytes,
		  nl_recvmsg_msg_cb_t cb, void *arg);

#endif
