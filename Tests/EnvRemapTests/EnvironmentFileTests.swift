import Testing
@testable import EnvRemap

struct EnvironmentFileTests {
    @Test func readsLikeEnroot() {
        let text = """
            PATH=/usr/bin
              A="x y"
            \tB='"q"'
            # comment
            1BAD=x
            ENROOT_SECRET=1
            no-equals
            bad-name=1

            PATH=/later/loses
            EMPTY=
            Q="
            EQ=a=b
            """
        let environment = EnvironmentFile.parse(text)
        #expect(environment.variables == [
            Variable("PATH", "/usr/bin"), Variable("A", "x y"), Variable("B", "\"q\""),
            Variable("EMPTY", ""), Variable("Q", "\""), Variable("EQ", "a=b"),
        ])
    }

    @Test(arguments: [
        (Variable("A", "1"), "A=1\n"),
        (Variable("A", ""), "A=\n"),
        (Variable("A", "\"quoted\""), "A=\"\"quoted\"\"\n"),
        (Variable("A", "'s'"), "A=\"'s'\"\n"),
        (Variable("A", "\"half"), "A=\"half\n"),
        (Variable("A", "a b=c"), "A=a b=c\n"),
    ])
    func writesLinesThatReadBackUnchanged(_ variable: Variable, _ line: String) throws {
        #expect(try EnvironmentFile.line(for: variable) == line)
        #expect(EnvironmentFile.parse(line)["A"] == variable.value)
    }

    @Test(arguments: [
        (Variable("A", "x\ny"), LineError.newlineInValue(name: "A")),
        (Variable("A", "x\u{0}"), .nulInValue(name: "A")),
        (Variable("1A", "x"), .invalidName("1A")),
        (Variable("A-B", "x"), .invalidName("A-B")),
        (Variable("", "x"), .invalidName("")),
    ])
    func refusesLinesThatWouldBreakTheFile(_ variable: Variable, _ error: LineError) {
        #expect(throws: error) { try EnvironmentFile.line(for: variable) }
    }

    @Test(arguments: [
        ("/plain", "/plain"),
        ("/a b", "/a\\040b"),
        ("/a\tb", "/a\\011b"),
        ("/a\\b", "/a\\134b"),
        ("/a\nb", "/a\\012b"),
    ])
    func escapesFstabFields(_ path: String, _ escaped: String) {
        #expect(Fstab.escape(path) == escaped)
    }

    @Test func mountLines() throws {
        #expect(try MountLine(source: "/h o", target: "/root", options: "bind").line() == "/h\\040o /root none bind\n")
        #expect(throws: LineError.newlineInPath("/a\nb")) {
            try MountLine(source: "/a\nb", target: "/x", options: "bind").line()
        }
    }

    @Test func environmentKeepsFirstValue() {
        var environment = Environment([("A", "1"), ("A", "2"), ("B", "3")])
        #expect(environment["A"] == "1")
        let addedB = environment.add("B", "4")
        let addedC = environment.add("C", "5")
        #expect(!addedB)
        #expect(addedC)
        #expect(environment.count == 3)
        #expect(Environment(["Z": "1", "A": "2"]).variables.map(\.name) == ["A", "Z"])
    }
}
