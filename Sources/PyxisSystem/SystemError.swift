import Glibc

/// A failed system call, with what it was doing.
public struct SystemError: Error, Equatable, CustomStringConvertible, Sendable {
    public let operation: String
    public let errno: Int32

    public init(_ operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    public var description: String {
        "\(operation): \(reason)"
    }

    /// `strerror(errno)`: what pyxis's messages print after the path.
    public var reason: String { Self.reason(errno) }

    public static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
