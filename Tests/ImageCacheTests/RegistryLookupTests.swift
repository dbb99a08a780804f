import PyxisCore
import Testing
@testable import ImageCache

/// The native digest look-up: which URIs it reads (only as every enroot release reads them),
/// what a registry's answer means, and when it leaves the look-up to enroot.
@Suite struct RegistryLookupTests {
    @Test func readsTheFormsEveryEnrootReadsAlike() {
        #expect(RegistryReference(uri: "docker://ubuntu") == .init(registry: "registry-1.docker.io", repository: "library/ubuntu", tag: "latest"))
        #expect(RegistryReference(uri: "docker://pyxis-test/busybox:1") == .init(registry: "registry-1.docker.io", repository: "pyxis-test/busybox", tag: "1"))
        #expect(RegistryReference(uri: "docker://nvcr.io#nvidia/pytorch:24.01-py3") == .init(registry: "nvcr.io", repository: "nvidia/pytorch", tag: "24.01-py3"))
        #expect(RegistryReference(uri: "docker://host:5000#team/app") == .init(registry: "host:5000", repository: "team/app", tag: "latest"))
        #expect(RegistryReference(uri: "docker://docker.io#busybox:1") == .init(registry: "registry-1.docker.io", repository: "library/busybox", tag: "1"))
        #expect(RegistryReference(uri: "docker://host:5000#team/app")?.host == "host")
    }

    @Test func leavesEverythingElseToEnroot() {
        for uri in ["docker://user@nvcr.io#nvidia/pytorch:1",   // credentials
                    "docker://nvcr.io/nvidia/pytorch:1",          // REGISTRY/IMAGE: releases disagree
                    "docker://ubuntu@sha256:" + String(repeating: "a", count: 64),
                    "docker://Ubuntu", "docker://ubuntu:a:b", "docker://ubuntu:", "docker://a//b", "docker://#x",
                    "docker://a/b#c", "dockerd://ubuntu", "/images/x.sqsh", "docker://ho st#x"] {
            #expect(RegistryReference(uri: uri) == nil, "\(uri)")
        }
    }

    let digestA = "sha256:" + String(repeating: "a", count: 64)
    let digestB = "sha256:" + String(repeating: "b", count: 64)

    func response(_ status: String, _ headers: [String], _ body: String = "") -> String {
        (["HTTP/1.1 \(status)"] + headers).joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    /// sha256 of the two bytes `{}`.
    let digestOfBraces = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"

    @Test func aManifestIsItsOwnDigest() {
        let output = response("200 OK", ["Content-Type: application/vnd.docker.distribution.manifest.v2+json",
                                          "Docker-Content-Digest: \(digestOfBraces)"], "{}")
        #expect(ManifestResponse.read(output, architecture: "amd64") == .digest(ImageDigest(digestOfBraces)!))
        let withoutHeader = response("200 OK", ["Content-Type: application/vnd.docker.distribution.manifest.v2+json"], "{}")
        #expect(ManifestResponse.read(withoutHeader, architecture: "amd64") == .digest(ImageDigest(digestOfBraces)!))
    }

    /// A registry that claims another image's digest for what it sends is refused: it could
    /// otherwise have its content stored, and run, under that image's name.
    @Test func aManifestThatIsNotWhatItsDigestSaysIsRefused() {
        for type in ["application/vnd.docker.distribution.manifest.v2+json", "application/vnd.oci.image.index.v1+json"] {
            let output = response("200 OK", ["Content-Type: \(type)", "Docker-Content-Digest: \(digestA)"], "{}")
            #expect(ManifestResponse.read(output, architecture: "amd64")
                    == .refused("the registry claims \(digestA) for a manifest whose SHA-256 is \(digestOfBraces)"))
        }
    }

    @Test func anIndexGivesTheFirstManifestOfThePlatformAfterRedirects() {
        let index = """
        {"manifests":[{"digest":"\(digestB)","platform":{"architecture":"arm64","os":"linux"}},
                      {"digest":"\(digestA)","platform":{"architecture":"amd64","os":"linux"}},
                      {"digest":"\(digestB)","platform":{"architecture":"amd64","os":"linux"}}]}
        """
        let output = response("307 Temporary Redirect", ["Location: /elsewhere"])
            + response("200 OK", ["content-type: application/vnd.oci.image.index.v1+json"], index)
        #expect(ManifestResponse.read(output, architecture: "amd64") == .digest(ImageDigest(digestA)!))
        guard case .askEnroot = ManifestResponse.read(output, architecture: "ppc64le") else { Issue.record("ppc64le"); return }
    }

    @Test func aBearerChallengeAsksForAToken() {
        let output = response("401 Unauthorized", [#"Www-Authenticate: Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull""#])
        #expect(ManifestResponse.read(output, architecture: "amd64")
                == .tokenNeeded(realm: "https://auth.docker.io/token", parameters: ["service": "registry.docker.io", "scope": "repository:library/ubuntu:pull"]))
        #expect(ManifestResponse.token(#"{"token":"abc","access_token":"abc"}"#) == "abc")
        #expect(ManifestResponse.token(#"{"access_token":"xyz"}"#) == "xyz")
        #expect(ManifestResponse.token(#"{"errors":[]}"#) == nil)
    }

    @Test func errorsBasicAuthenticationAndOldManifestsAreLeftToEnroot() {
        for output in [response("404 Not Found", [], "{}"),
                       response("401 Unauthorized", [#"WWW-Authenticate: Basic realm="registry""#]),
                       response("401 Unauthorized", [#"WWW-Authenticate: Bearer realm="http://plain/token""#]),
                       response("200 OK", ["Content-Type: application/vnd.docker.distribution.manifest.v1+prettyjws"]),
                       "garbage"] {
            guard case .askEnroot = ManifestResponse.read(output, architecture: "amd64") else { Issue.record("\(output)"); continue }
        }
    }

    func settings(_ variables: [String: String] = [:], configurations: [String] = [], machine: String = "x86_64",
                  credentials: String? = nil) -> LookupSettings {
        LookupSettings(environment: { variables[$0] },
                       site: EnrootSite(enroot: "/usr/bin/enroot", assignments: EnrootInstallation.assignments(inConfigurationFiles: configurations)),
                       machine: machine,
                       credentials: { $0 == "/home/u/.config/enroot/.credentials" ? credentials : nil })
    }

    let hub = RegistryReference(uri: "docker://ubuntu")!
    let nvcr = RegistryReference(uri: "docker://nvcr.io#nvidia/pytorch")!

    @Test func sharesEnrootsTimeoutsAndArchitecture() {
        let s = settings(["HOME": "/home/u", "ENROOT_CONNECT_TIMEOUT": "5", "ENROOT_TRANSFER_RETRIES": "2"], machine: "aarch64")
        #expect(s.connectTimeout == "5" && s.retries == "2" && s.transferTimeout == "0" && s.architecture == "arm64")
        #expect(s.enrootOnly(for: hub) == nil)
    }

    @Test func leavesToEnrootWhatItDoesDifferently() {
        #expect(settings(["HOME": "/home/u", "ENROOT_ALLOW_HTTP": "y"]).enrootOnly(for: hub) != nil)
        #expect(settings(["HOME": "/home/u", "ENROOT_ALLOW_HTTP": "no"]).enrootOnly(for: hub) == nil)
        #expect(settings(["HOME": "/home/u"], configurations: ["#ENROOT_ALLOW_HTTP true\nENROOT_RUNTIME_PATH /run/x"]).enrootOnly(for: hub) == nil)
        #expect(settings(["HOME": "/home/u"], configurations: ["  https_proxy http://proxy:3128"]).enrootOnly(for: hub) != nil)
        #expect(settings(["HOME": "/home/u"], machine: "riscv64").enrootOnly(for: hub) != nil)
        #expect(settings(["HOME": "/home/u", "ENROOT_CONNECT_TIMEOUT": "$((1))"]).enrootOnly(for: hub) != nil)
        let withCredentials = settings(["HOME": "/home/u"], credentials: "machine nvcr.io login $oauthtoken password secret\n")
        #expect(withCredentials.enrootOnly(for: nvcr) == "credentials for nvcr.io")
        #expect(withCredentials.enrootOnly(for: hub) == nil)
    }
}
