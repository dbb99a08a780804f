/// enroot's `10-devices.sh`, which isolates `/dev` when `ENROOT_RESTRICT_DEV` or
/// `ENROOT_UNSHARE_IPC` is set (non-empty, as the script tests them): a fresh tmpfs with the
/// usual character devices bound in, a new devpts, `/dev/shm` and `/dev/mqueue` (new instances
/// under `ENROOT_UNSHARE_IPC`, the host's otherwise), and the standard symbolic links.
///
/// The table is enroot-mount input, line for line what the script pipes into its enroot-mount
/// calls; enroot-mount handles each line on its own and stops at the first failure, so one
/// process fed all lines does what the script's four or five do.
public enum DeviceMounts {
    public static func isRequested(restrictDev: String?, unshareIPC: String?) -> Bool {
        !(restrictDev ?? "").isEmpty || !(unshareIPC ?? "").isEmpty
    }

    /// - Parameter console: the terminal on the hook's standard input (`/dev/console`), if any.
    public static func table(unshareIPC: Bool, console: String?) -> String {
        var lines = [
            "none /dev none x-detach,nofail,silent",
            "tmpfs /dev tmpfs x-create=dir,rw,nosuid,noexec,mode=755,slave",
            "/dev/zero /dev/zero none x-create=file,bind,rw,nosuid,noexec,private",
            "/dev/null /dev/null none x-create=file,bind,rw,nosuid,noexec,private",
            "/dev/full /dev/full none x-create=file,bind,rw,nosuid,noexec,private",
            "/dev/urandom /dev/urandom none x-create=file,bind,rw,nosuid,noexec,private",
            "/dev/random /dev/random none x-create=file,bind,rw,nosuid,noexec,private",
            "devpts /dev/pts devpts x-create=dir,rw,nosuid,noexec,newinstance,ptmxmode=0666,mode=620,slave",
            "/dev/tty /dev/tty none x-create=file,bind,rw,nosuid,noexec,private",
        ]
        if unshareIPC {
            lines += [
                "none /dev/shm none x-create=dir,x-detach,nofail,silent",
                "tmpfs /dev/shm tmpfs x-create=dir,rw,nosuid,noexec,nodev,mode=1777,private",
                "none /dev/mqueue none x-create=dir,x-detach,nofail,silent",
                "mqueue /dev/mqueue mqueue x-create=dir,rw,nosuid,noexec,nodev,private,nofail,silent",
            ]
        } else {
            lines += [
                "/dev/shm /dev/shm none x-create=dir,bind,rw,nosuid,noexec,nodev,rslave",
                "/dev/mqueue /dev/mqueue none x-create=dir,bind,rw,nosuid,noexec,nodev,rslave",
            ]
        }
        lines += [
            "/dev/hugepages /dev/hugepages none x-create=dir,bind,rw,nosuid,noexec,nodev,rslave,nofail,silent",
            "/dev/log /dev/log none x-create=file,bind,rw,nosuid,noexec,nodev,private",
        ]
        if let console { lines.append("\(console) /dev/console none x-create=file,bind,rw,nosuid,noexec,private") }
        return lines.map { $0 + "\n" }.joined()
    }

    /// The links the script creates in the new `/dev` (`ln -s TARGET ROOTFS/dev/NAME`), in order.
    public static let links: [(target: String, name: String)] = [
        ("/proc/self/fd", "fd"), ("/dev/pts/ptmx", "ptmx"), ("/proc/self/fd/0", "stdin"),
        ("/proc/self/fd/1", "stdout"), ("/proc/self/fd/2", "stderr"),
    ]
}
