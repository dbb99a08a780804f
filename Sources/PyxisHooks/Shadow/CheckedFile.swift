import Glibc
import HookSupport

/// `/etc/shadow` or `/etc/gshadow` of the image, which pwck/grpck rewrite the way shadow-utils'
/// commonio does: a backup `FILE-` (the old content, mode & 0664, old times), then the new
/// content renamed over the file with its old mode.
/// Read where the file's links lead inside the image; written in place of the file itself.
struct CheckedFile {
    let path: String
    let backup: String
    let original: [UInt8]?
    let status: stat?

    init(_ inImage: String, in root: ImageRoot) throws(HookFailure) {
        path = try root.entry(inImage)
        backup = try root.entry(inImage + "-")
        let target = try root.target(inImage)
        status = FileSystem.status(target)
        original = status == nil ? nil : try Files.read(target, what: "file", missingOK: true)
    }

    var text: String? { original.map(String.init(bytes:)) }

    func write(_ content: String?, newFileMode: mode_t) throws(HookFailure) {
        guard let content else { return }
        if let original, let status {
            if FileSystem.kind(backup, follow: false) != nil { try FileSystem.remove(backup) }
            try FileSystem.createFile(backup, original, mode: 0o600)
            try FileSystem.preserveAttributes(of: status, on: backup, modeMask: 0o664)
        }
        try FileSystem.replace(path, content.bytes, mode: status.map { $0.st_mode & 0o7777 } ?? newFileMode)
    }
}
