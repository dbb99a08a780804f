/// What `yes | pwck -R ROOTFS PASSWD /etc/shadow` (enroot's `10-shadow.sh`) does to the candidate
/// passwd file and the image's shadow file, as shadow-utils 4.13's `check_pw_file` and
/// `check_spw_file` do it when every question is answered yes:
///
/// - passwd: invalid lines and earlier duplicates of a name are deleted; a user without a shadow
///   entry gets one (its password moved there, `x` left in passwd, last change today, ages from
///   login.defs);
/// - shadow: invalid lines, earlier duplicates and entries without a passwd user are deleted;
/// - without a shadow file pwck cannot open it and changes nothing at all.
public enum PasswdCheck {
    public struct Ageing: Equatable, Sendable {
        /// Days since the epoch (`time() / 86400`).
        public var today: Int
        public var minDays, maxDays, warnAge: Int

        public init(today: Int, loginDefs: String?) {
            self.today = today
            minDays = LoginDefs.number("PASS_MIN_DAYS", in: loginDefs)
            maxDays = LoginDefs.number("PASS_MAX_DAYS", in: loginDefs)
            warnAge = LoginDefs.number("PASS_WARN_AGE", in: loginDefs)
        }
    }

    public static func run(
        passwd: inout AccountDatabase<PasswdEntry>,
        shadow: inout AccountDatabase<ShadowEntry>?,
        ageing: Ageing
    ) {
        guard var shadowFile = shadow else { return }
        let nis = AccountDatabase<PasswdEntry>.isNIS
        passwd.removeInvalidAndEarlierDuplicates(skip: nis)
        for index in passwd.lines.indices where !nis(passwd.lines[index]) {
            guard var user = passwd.lines[index].entry, shadowFile.locate(user.name) == nil else { continue }
            let lastChange = ageing.today == 0 ? -1 : ageing.today
            shadowFile.append(ShadowEntry(
                name: user.name, password: user.password,
                numbers: [lastChange, ageing.minDays, ageing.maxDays, ageing.warnAge, -1, -1, -1]))
            user.password = "x"
            passwd.update(index, user)
        }
        let skipped = { (line: AccountDatabase<ShadowEntry>.Line) in line.added || AccountDatabase<ShadowEntry>.isNIS(line) }
        shadowFile.removeInvalidAndEarlierDuplicates(skip: skipped)
        shadowFile.removeAll { line in
            guard !skipped(line), let name = line.entry?.name else { return false }
            return passwd.locate(name) == nil
        }
        shadow = shadowFile
    }
}
