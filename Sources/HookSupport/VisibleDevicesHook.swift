// 98-nvidia and 99-mellanox: decided here, handed over to enroot's script when there is work.
import Glibc
import StandardHooks

extension Hook {
    /// Leaves (exit 0) when `devices` asks for nothing, as enroot's script does after the same
    /// command checks; otherwise execs enroot's script `name`.
    public func runVisibleDevices(_ devices: VisibleDevices, script name: String) throws(HookFailure) {
        guard let path = self[variable: "PATH"] else { throw HookFailure("PATH: unbound variable") }
        let rootfs = try rootfs()
        let search = path.split(separator: ":", omittingEmptySubsequences: false).map(String.init) + devices.pathSuffix(rootfs: rootfs)
        for command in devices.requiredCommands where !Subprocess.isCommand(command, in: search) {
            throw HookFailure("Command not found: \(command)")
        }
        // The script's `tac ENROOT_ENVIRON || :` reads nothing from a missing file and goes on.
        let environ = try Files.read(try enrootFile("ENROOT_ENVIRON"), what: "ENROOT_ENVIRON", missingOK: true) ?? []
        let utf8Locale = ReadLines.isUTF8Locale { self[variable: $0] }
        let value = devices.value(processValue: self[variable: devices.variable], environ: environ, utf8Locale: utf8Locale)
        guard devices.hasWork(value) else {
            // The script's grep says so on stderr, and so do we where we stand in for it.
            if let message = ReadLines.binaryMatchMessage(environ, prefix: devices.prefix, utf8Locale: utf8Locale) {
                let line = Array((message + "\n").utf8)
                _ = line.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
            }
            return
        }
        throw EnrootScript.handOver(name, reason: "\(devices.variable)=\(value ?? "") asks for devices")
    }
}
