/// What `yes | grpck -R ROOTFS GROUP /etc/gshadow` (enroot's `10-shadow.sh`) does to the candidate
/// group file and the image's gshadow file, as shadow-utils 4.13's `check_grp_file` and
/// `check_sgr_file` do it when every question is answered yes:
///
/// - group: invalid lines and earlier duplicates of a name are deleted; members that are not
///   users (of the image's passwd, which grpck reads through NSS inside the chroot) are deleted;
///   a group without a gshadow entry gets one (password moved there, `x` left in group);
/// - gshadow: invalid lines, earlier duplicates and entries without a group are deleted, and
///   administrators and members that are not users;
/// - unlike pwck, grpck creates a missing gshadow file.
public enum GroupCheck {
    public static func run(
        group: inout AccountDatabase<GroupEntry>,
        groupShadow: inout AccountDatabase<GroupShadowEntry>,
        users: Set<String>
    ) {
        let nis = AccountDatabase<GroupEntry>.isNIS
        group.removeInvalidAndEarlierDuplicates(skip: nis)
        for index in group.lines.indices where !nis(group.lines[index]) {
            guard var entry = group.lines[index].entry else { continue }
            let members = entry.members.filter(users.contains)
            if members != entry.members {
                entry.members = members
                group.update(index, entry)
            }
            if groupShadow.locate(entry.name) == nil {
                groupShadow.append(GroupShadowEntry(
                    name: entry.name, password: entry.password, administrators: [], members: entry.members))
                entry.password = "x"
                group.update(index, entry)
            }
        }
        groupShadow.removeInvalidAndEarlierDuplicates(skip: { _ in false })
        groupShadow.removeAll { line in
            guard let name = line.entry?.name else { return false }
            return group.locate(name) == nil
        }
        for index in groupShadow.lines.indices {
            guard var entry = groupShadow.lines[index].entry else { continue }
            let administrators = entry.administrators.filter(users.contains)
            let members = entry.members.filter(users.contains)
            guard administrators != entry.administrators || members != entry.members else { continue }
            (entry.administrators, entry.members) = (administrators, members)
            groupShadow.update(index, entry)
        }
    }

    /// The users `getpwnam` finds in the image's passwd file.
    public static func users(inPasswd text: String) -> Set<String> {
        var names = Set<String>()
        for line in text.fileLines where !line.hasPrefix("+") && !line.hasPrefix("-") {
            if let entry = PasswdEntry(line: line), !entry.name.isEmpty { names.insert(entry.name) }
        }
        return names
    }
}
