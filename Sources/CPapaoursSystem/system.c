#include "CPapaoursSystem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int papa_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int papa_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &ev);
}

int papa_epoll_wait(int epfd, papa_event *out, int max, int timeout_ms) {
    struct epoll_event evs[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, evs, max, timeout_ms);
    for (int i = 0; i < n; i++) {
        out[i].data = evs[i].data.u64;
        out[i].events = evs[i].events;
    }
    return n;
}

int papa_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

int papa_eventfd_signal(int fd) {
    uint64_t one = 1;
    ssize_t n;
    do { n = write(fd, &one, sizeof one); } while (n < 0 && errno == EINTR);
    return n == sizeof one || errno == EAGAIN ? 0 : -1;
}

int papa_eventfd_drain(int fd) {
    uint64_t value;
    ssize_t n;
    do { n = read(fd, &value, sizeof value); } while (n < 0 && errno == EINTR);
    return n == sizeof value ? 0 : -1;
}

static int fill_address(struct sockaddr_un *addr, const char *path, socklen_t *len) {
    size_t n = strlen(path);
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    if (n == 0 || n >= sizeof addr->sun_path) return -1;
    memcpy(addr->sun_path, path, n);
    if (path[0] == '@') addr->sun_path[0] = '\0';
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] == '@' ? 0 : 1));
    return 0;
}

int papa_unix_listen(const char *path, int backlog) {
    struct sockaddr_un addr;
    socklen_t len;
    if (fill_address(&addr, path, &len) != 0) { errno = ENAMETOOLONG; return -2; }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (bind(fd, (struct sockaddr *)&addr, len) != 0 || listen(fd, backlog) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int papa_unix_connect(const char *path) {
    struct sockaddr_un addr;
    socklen_t len;
    if (fill_address(&addr, path, &len) != 0) { errno = ENAMETOOLONG; return -2; }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int rc;
    do { rc = connect(fd, (struct sockaddr *)&addr, len); } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int papa_accept(int listen_fd) {
    int fd;
    do { fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC); } while (fd < 0 && errno == EINTR);
    return fd;
}

int papa_set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int papa_set_cloexec(int fd) {
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

int papa_is_unix_listener(int fd) {
    int type = 0, listening = 0;
    struct sockaddr_un addr;
    socklen_t len = sizeof type, alen = sizeof addr;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) return 0;
    len = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) return 0;
    if (getsockname(fd, (struct sockaddr *)&addr, &alen) != 0 || addr.sun_family != AF_UNIX) return 0;
    return 1;
}

int papa_peer_credentials(int fd, uint32_t *uid, uint32_t *gid, int32_t *pid) {
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return -1;
    *uid = cred.uid;
    *gid = cred.gid;
    *pid = cred.pid;
    return 0;
}

int papa_peer_groups(int fd, uint32_t *groups, int max) {
#ifdef SO_PEERGROUPS
    socklen_t len = (socklen_t)(sizeof(gid_t) * (size_t)max);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) != 0) return -1;
    return (int)(len / sizeof(gid_t));
#else
    (void)fd; (void)groups; (void)max;
    errno = ENOPROTOOPT;
    return -1;
#endif
}

static void fill_mask(sigset_t *set) {
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
}

int papa_block_signals(void) {
    sigset_t set;
    fill_mask(&set);
    return pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int papa_wait_signal(void) {
    sigset_t set;
    int sig = 0;
    fill_mask(&set);
    while (sigwait(&set, &sig) != 0) {}
    return sig;
}

void papa_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }

int papa_notify_send(const char *path, const char *message, size_t length) {
    struct sockaddr_un addr;
    socklen_t len;
    if (fill_address(&addr, path, &len) != 0) { errno = ENAMETOOLONG; return -2; }
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    ssize_t n = sendto(fd, message, length, MSG_NOSIGNAL, (struct sockaddr *)&addr, len);
    int saved = errno;
    close(fd);
    errno = saved;
    return n == (ssize_t)length ? 0 : -1;
}

int papa_errno(void) { return errno; }

void papa_set_thread_name(const char *name) { prctl(PR_SET_NAME, name, 0, 0, 0); }

void papa_lower_thread_priority(void) {
    pid_t tid = (pid_t)syscall(SYS_gettid);
    setpriority(PRIO_PROCESS, (id_t)tid, 19);
    // ioprio_set(IOPRIO_WHO_PROCESS, tid, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 0)): no glibc wrapper.
    syscall(SYS_ioprio_set, 1, tid, 3 << 13);
}

ssize_t papa_recv_with_fds(int fd, void *buffer, size_t length, int *fds, int max_fds, int *nfds) {
    char control[CMSG_SPACE(sizeof(int) * 8)];
    struct iovec iov = { .iov_base = buffer, .iov_len = length };
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    // Room for max_fds only: the kernel installs no descriptor past it (and closes the rest).
    if (max_fds < 0) max_fds = 0;
    if (max_fds > 8) max_fds = 8;
    msg.msg_controllen = max_fds > 0 ? CMSG_SPACE(sizeof(int) * (size_t)max_fds) : 0;
    if (max_fds == 0) msg.msg_control = NULL;
    // EINTR is the caller's to retry (PapaoursServer's SystemCall gate).
    ssize_t n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    *nfds = 0;
    if (n < 0) return n;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int *passed = (int *)CMSG_DATA(c);
        for (int i = 0; i < count; i++) {
            if (*nfds < max_fds) fds[(*nfds)++] = passed[i];
            else close(passed[i]);
        }
    }
    return n;
}

ssize_t papa_send_with_fd(int fd, const void *buffer, size_t length, int passed_fd) {
    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof control);
    struct iovec iov = { .iov_base = (void *)buffer, .iov_len = length };
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &passed_fd, sizeof(int));
    ssize_t n;
    do { n = sendmsg(fd, &msg, MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
    return n;
}

long long papa_fsync_size(int fd) {
    struct stat st;
    if (fsync(fd) != 0 || fstat(fd, &st) != 0) return -1;
    return (long long)st.st_size;
}

int papa_make_undumpable(void) { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }

void *papa_private_alloc(size_t length) {
    void *pages = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED) return NULL;
    (void)madvise(pages, length, MADV_DONTDUMP);
    (void)mlock(pages, length);  // best effort: a low RLIMIT_MEMLOCK only means it may be swapped
    return pages;
}

void papa_private_free(void *pages, size_t length) {
    if (!pages) return;
    explicit_bzero(pages, length);
    munlock(pages, length);
    munmap(pages, length);
}

static int papa_parse_loopback(const char *address, struct sockaddr_storage *out, socklen_t *len) {
    struct sockaddr_in *v4 = (struct sockaddr_in *)out;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        *len = sizeof *v4;
        return (ntohl(v4->sin_addr.s_addr) >> 24) == 127 ? 1 : 0;
    }
    if (inet_pton(AF_INET6, address, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        *len = sizeof *v6;
        return IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr) ? 1 : 0;
    }
    return -1;
}

int papa_loopback_literal(const char *address) {
    struct sockaddr_storage addr;
    socklen_t len;
    return papa_parse_loopback(address, &addr, &len);
}

int papa_tcp_listen(const char *address, int port, int backlog) {
    struct sockaddr_storage addr;
    socklen_t len;
    if (papa_parse_loopback(address, &addr, &len) != 1 || port < 1 || port > 65535) return -2;
    if (addr.ss_family == AF_INET) ((struct sockaddr_in *)&addr)->sin_port = htons((uint16_t)port);
    else ((struct sockaddr_in6 *)&addr)->sin6_port = htons((uint16_t)port);
    int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (addr.ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&addr, len) != 0 || listen(fd, backlog) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int papa_listener_family(int fd) {
    int type = 0, listening = 0;
    struct sockaddr_storage addr;
    socklen_t len = sizeof type, alen = sizeof addr;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) return -1;
    len = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) return -1;
    if (getsockname(fd, (struct sockaddr *)&addr, &alen) != 0) return -1;
    return addr.ss_family;
}

int papa_peer_address(int fd, char *out, size_t size) {
    struct sockaddr_storage addr;
    socklen_t len = sizeof addr;
    char host[INET6_ADDRSTRLEN];
    if (getpeername(fd, (struct sockaddr *)&addr, &len) != 0) return -1;
    if (addr.ss_family == AF_INET) {
        struct sockaddr_in *v4 = (struct sockaddr_in *)&addr;
        if (!inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host)) return -1;
        return snprintf(out, size, "%s:%u", host, ntohs(v4->sin_port)) < (int)size ? 0 : -1;
    }
    if (addr.ss_family == AF_INET6) {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&addr;
        if (!inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host)) return -1;
        return snprintf(out, size, "[%s]:%u", host, ntohs(v6->sin6_port)) < (int)size ? 0 : -1;
    }
    return -1;
}
