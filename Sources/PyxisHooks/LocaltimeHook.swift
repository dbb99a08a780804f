// 10-localtime: give the container the host's time zone when /etc/localtime is a link, copying
// the zone file in when the image lacks it.
import HookSupport

enum LocaltimeHook {
    static func run(_ hook: Hook) throws(HookFailure) {
        guard FileSystem.kind("/etc/localtime", follow: false) == .symlink, let link = FileSystem.readLink("/etc/localtime") else {
            return
        }
        let root = try hook.imageRoot()
        try copyLink(link, to: "/etc/localtime", in: root)
        guard let zone = FileSystem.canonical("/etc/localtime") else {
            throw HookFailure("No such file or directory: /etc/localtime")
        }
        guard FileSystem.kind(try root.target(zone)) == nil else { return }
        try root.makeDirectories(FileSystem.directoryName(zone))
        try FileSystem.copyFile(zone, to: try root.entry(zone))
    }

    /// `cp --no-dereference --preserve=links /etc/localtime DESTINATION`: the link itself, replacing
    /// what is there; into a directory that is there (not through a link to one).
    static func copyLink(_ link: String, to destination: String, in root: ImageRoot) throws(HookFailure) {
        var destination = try root.entry(destination)
        if FileSystem.kind(destination, follow: false) == .directory { destination += "/localtime" }
        if FileSystem.kind(destination, follow: false) != nil, FileSystem.kind(destination, follow: false) != .directory {
            try FileSystem.remove(destination)
        }
        try FileSystem.symlink(link, at: destination)
    }
}
