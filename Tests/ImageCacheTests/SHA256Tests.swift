import Glibc
import Testing
@testable import ImageCache

/// The cache's SHA-256 against FIPS 180-4's examples and against coreutils' sha256sum.
struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func fipsExamples(_ text: String, _ hex: String) {
        #expect(SHA256.hex(Array(text.utf8)) == hex)
    }

    @Test func aMillionAs() {
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Every length around the block and padding boundaries, random bytes, as sha256sum says.
    @Test func agreesWithSha256sum() throws {
        var generator = SystemRandomNumberGenerator()
        for length in [1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4099] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var template = Array("/tmp/pyxis-sha256-XXXXXX".utf8CString)
            let fd = mkstemp(&template)
            try #require(fd >= 0)
            let path = String(cString: template)
            defer { unlink(path) }
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            let pipe = try #require(popen("sha256sum " + path, "r"))
            var output: [UInt8] = []
            while case let byte = fgetc(pipe), byte != EOF { output.append(UInt8(byte)) }
            pclose(pipe)
            #expect(SHA256.hex(bytes) == String(decoding: output.prefix(64), as: UTF8.self), "length \(length)")
        }
    }
}
