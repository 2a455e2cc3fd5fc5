// What Glibc does not show Swift cleanly: epoll (packed struct), eventfd,
// accept4 flags, peer credentials, signal masks, sd_notify datagrams.
#ifndef C_PAPAOURS_SYSTEM_H
#define C_PAPAOURS_SYSTEM_H

#include <stdint.h>
#include <sys/types.h>

#define PAPA_EPOLLIN 0x001u
#define PAPA_EPOLLOUT 0x004u
#define PAPA_EPOLLERR 0x008u
#define PAPA_EPOLLHUP 0x010u
#define PAPA_EPOLLRDHUP 0x2000u
#define PAPA_EPOLLEXCLUSIVE (1u << 28)

/// One ready event: the epoll data word and its event mask, unpacked.
typedef struct {
    uint64_t data;
    uint32_t events;
} papa_event;

int papa_epoll_create(void);
#define PAPA_EPOLL_CTL_ADD 1
#define PAPA_EPOLL_CTL_DEL 2
#define PAPA_EPOLL_CTL_MOD 3

/// op: PAPA_EPOLL_CTL_ADD, _DEL or _MOD (EPOLL_CTL_*).
int papa_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
/// epoll_wait into an unpacked array; returns the count or -1 with errno.
int papa_epoll_wait(int epfd, papa_event *out, int max, int timeout_ms);

/// A nonblocking, close-on-exec eventfd.
int papa_eventfd(void);
int papa_eventfd_signal(int fd);
int papa_eventfd_drain(int fd);

/// A nonblocking, close-on-exec Unix stream socket bound and listening at path.
/// Returns -2 when the path is too long for sockaddr_un (never cut).
int papa_unix_listen(const char *path, int backlog);
/// A blocking, close-on-exec Unix stream socket connected to path (-2: too long).
int papa_unix_connect(const char *path);
/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC.
int papa_accept(int listen_fd);
int papa_set_nonblocking(int fd);
int papa_set_cloexec(int fd);
/// 1 when fd is a listening Unix stream socket, 0 otherwise.
int papa_is_unix_listener(int fd);

/// The HTTP gate's TCP side: 1 when address is an IPv4 or IPv6 literal of the loopback
/// (127.0.0.0/8, ::1), 0 for any other literal, -1 when it is not an address at all.
int papa_loopback_literal(const char *address);
/// A nonblocking, close-on-exec TCP socket bound and listening at a loopback literal and port
/// (SO_REUSEADDR); -1 with errno, -2 when address is not a loopback literal.
int papa_tcp_listen(const char *address, int port, int backlog);
/// The address family of a listening stream socket (AF_UNIX, AF_INET, AF_INET6), -1 otherwise.
int papa_listener_family(int fd);
/// "address:port" of a TCP socket's peer into out (at most size bytes, NUL included); -1 on failure.
int papa_peer_address(int fd, char *out, size_t size);

/// SO_PEERCRED of a connected Unix socket.
int papa_peer_credentials(int fd, uint32_t *uid, uint32_t *gid, int32_t *pid);
/// SO_PEERGROUPS: up to max supplementary groups; returns the count or -1.
int papa_peer_groups(int fd, uint32_t *groups, int max);

/// Blocks SIGTERM, SIGINT, SIGHUP and SIGPIPE-ignores for the calling thread
/// (and the threads it starts later).
int papa_block_signals(void);
/// Waits for one of the blocked signals; returns its number.
int papa_wait_signal(void);
/// Ignores SIGPIPE process-wide so a closed peer gives EPIPE, not death.
void papa_ignore_sigpipe(void);

/// Sends one sd_notify datagram to the socket named by path ('@' = abstract).
int papa_notify_send(const char *path, const char *message, size_t length);

/// recv that also takes file descriptors passed with SCM_RIGHTS (close-on-exec); *nfds
/// receives how many were stored in fds. At most max_fds (≤ 8) are installed: the
/// kernel closes the others. EINTR is returned, not retried.
ssize_t papa_recv_with_fds(int fd, void *buffer, size_t length, int *fds, int max_fds, int *nfds);
/// Sends bytes with one file descriptor attached (SCM_RIGHTS).
ssize_t papa_send_with_fd(int fd, const void *buffer, size_t length, int passed_fd);
/// mdb_env_copyfd2 needs nothing from here; fsync and size of a finished backup.
long long papa_fsync_size(int fd);

/// Names the calling thread (prctl PR_SET_NAME, 15 bytes kept).
void papa_set_thread_name(const char *name);
/// The calling thread at nice 19 and in the idle I/O class: it runs and reads only when no one
/// else wants the CPU or the disk. Best effort: papaoursd.service's filter, which leaves out
/// @resources, refuses both (EPERM).
void papa_lower_thread_priority(void);

/// prctl(PR_SET_DUMPABLE, 0): no core file, no ptrace or /proc/PID/mem by the same uid.
int papa_make_undumpable(void);
/// Anonymous pages for buffers that hold secrets: left out of core dumps (MADV_DONTDUMP)
/// and locked in memory when RLIMIT_MEMLOCK allows (never swapped). NULL on failure.
void *papa_private_alloc(size_t length);
/// Zeroes and unmaps what papa_private_alloc gave.
void papa_private_free(void *pages, size_t length);

/// The calling thread's errno.
int papa_errno(void);

/// A hint that `address` will be read soon (no fault, no effect on what the program computes).
static inline void papa_prefetch(const void *address) { __builtin_prefetch(address); }

#endif
