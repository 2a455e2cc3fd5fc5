import Foundation

/// One sendmsg of `bytes` with `fds` attached (SCM_RIGHTS). The control message is laid out by
/// hand (Swift has no CMSG macros): a cmsghdr (length, level, type), then the descriptors.
@discardableResult
func sendPassing(_ fds: [Int32], _ bytes: [UInt8], on socket: Int32) -> Int {
    let header = MemoryLayout<cmsghdr>.size
    let length = header + fds.count * MemoryLayout<Int32>.size
    var control = [UInt64](repeating: 0, count: (length + 7) / 8)
    var payload = bytes
    return control.withUnsafeMutableBytes { raw in
        var cmsg = cmsghdr()
        cmsg.cmsg_len = length
        cmsg.cmsg_level = SOL_SOCKET
        cmsg.cmsg_type = Int32(SCM_RIGHTS)
        withUnsafeBytes(of: &cmsg) { raw.copyMemory(from: $0) }
        for (i, fd) in fds.enumerated() { raw.storeBytes(of: fd, toByteOffset: header + i * 4, as: Int32.self) }
        return payload.withUnsafeMutableBytes { data in
            var iov = iovec(iov_base: data.baseAddress, iov_len: data.count)
            return withUnsafeMutablePointer(to: &iov) { iovPointer in
                var message = msghdr(msg_name: nil, msg_namelen: 0, msg_iov: iovPointer, msg_iovlen: 1,
                                     msg_control: raw.baseAddress, msg_controllen: raw.count, msg_flags: 0)
                return sendmsg(socket, &message, Int32(MSG_NOSIGNAL))
            }
        }
    }
}

extension Daemon {
    /// How many descriptors the running daemon holds open.
    var openDescriptors: Int {
        guard let pid = process?.processIdentifier else { return -1 }
        return (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }
}
