/// The four account databases as shadow-utils parses them (`sgetpwent`, `sgetspent`, `sgetgrent`,
/// `sgetsgent`): a line that does not parse is "invalid" and pwck/grpck offer to delete it.

/// An entry of one of the databases, keyed by its name.
public protocol AccountEntry: Equatable, Sendable {
    init?(line: String)
    var name: String { get }
    /// The line shadow-utils writes for an entry it changed or added (`putpwent` and friends).
    var line: String { get }
}

/// `name:password:uid:gid:gecos:home:shell`; exactly seven fields (pwck deletes a line with an
/// eighth), numeric non-empty uid and gid.
public struct PasswdEntry: AccountEntry {
    public var name, password: String
    public var uid, gid: UInt32
    public var gecos, home, shell: String

    public init?(line: String) {
        let fields = line.colonFields
        guard fields.count == 7, let uid = ID.parse(fields[2]), let gid = ID.parse(fields[3]) else { return nil }
        (name, password, self.uid, self.gid) = (fields[0], fields[1], uid, gid)
        (gecos, home, shell) = (fields[4], fields[5], fields[6])
    }

    public var line: String { "\(name):\(password):\(uid):\(gid):\(gecos):\(home):\(shell)" }
}

/// `name:password:lastchange:min:max:warn:inactive:expire:flag` (or the five-field old form);
/// numeric fields empty (-1) or decimal numbers from 0 (`getlong`: leading blanks and a sign
/// allowed, nothing after the digits; `0x10`, `-1`, `5 ` and a CR make the line invalid).
public struct ShadowEntry: AccountEntry {
    public var name, password: String
    /// The seven numeric fields, -1 for empty.
    public var numbers: [Int]

    public init(name: String, password: String, numbers: [Int]) {
        (self.name, self.password, self.numbers) = (name, password, numbers)
    }

    public init?(line: String) {
        let fields = line.colonFields
        guard fields.count == 9 || fields.count == 5 else { return nil }
        var numbers: [Int] = []
        for field in fields[2...] {
            if field.isEmpty { numbers.append(-1); continue }
            guard let number = CNumber.parseDecimal(field[...]), number >= 0 else { return nil }
            numbers.append(number)
        }
        while numbers.count < 7 { numbers.append(-1) }
        self.init(name: fields[0], password: fields[1], numbers: numbers)
    }

    public var line: String {
        ([name, password] + numbers.map { $0 == -1 ? "" : String($0) }).joined(separator: ":")
    }
}

/// `name:password:gid:member,member`; exactly four fields, numeric non-empty gid.
public struct GroupEntry: AccountEntry {
    public var name, password: String
    public var gid: UInt32
    public var members: [String]

    public init?(line: String) {
        let fields = line.colonFields
        guard fields.count == 4, let gid = ID.parse(fields[2]) else { return nil }
        (name, password, self.gid, members) = (fields[0], fields[1], gid, MemberList.parse(fields[3]))
    }

    public var line: String { "\(name):\(password):\(gid):\(members.joined(separator: ","))" }
}

/// `name:password:admin,admin:member,member`; exactly four fields.
public struct GroupShadowEntry: AccountEntry {
    public var name, password: String
    public var administrators, members: [String]

    public init(name: String, password: String, administrators: [String], members: [String]) {
        (self.name, self.password, self.administrators, self.members) = (name, password, administrators, members)
    }

    public init?(line: String) {
        let fields = line.colonFields
        guard fields.count == 4 else { return nil }
        self.init(name: fields[0], password: fields[1],
                  administrators: MemberList.parse(fields[2]), members: MemberList.parse(fields[3]))
    }

    public var line: String {
        "\(name):\(password):\(administrators.joined(separator: ",")):\(members.joined(separator: ","))"
    }
}

/// shadow-utils' `list()`: `a,b` → [a, b]; `a,,b` → [a, "", b]; `a,` → [a]; `` → [].
enum MemberList {
    static func parse(_ text: String) -> [String] {
        var members: [String] = []
        var rest = text[...]
        while !rest.isEmpty {
            let member = rest.prefix(while: { $0 != "," })
            members.append(String(member))
            rest = rest.dropFirst(member.count)
            if !rest.isEmpty { rest = rest.dropFirst() }
        }
        return members
    }
}

/// `get_uid`/`get_gid`: `strtoll(text, &end, 10)` consuming everything, the value a uid_t
/// (`" 42"`, `"+42"`, `"-0"` pass; `""`, `"4x"`, `"-1"`, `"4294967296"` do not).
enum ID {
    static func parse(_ text: String) -> UInt32? {
        let (negative, rest) = CNumber.signAndDigits(text[...])
        guard !rest.isEmpty, rest.allSatisfy({ $0 >= "0" && $0 <= "9" }), let value = UInt32(rest) else { return nil }
        return negative && value != 0 ? nil : value
    }
}
